from __future__ import annotations

from django.urls import path

import crossroads_web.converters  # noqa: F401  (registers <id:...>, the bounded record number)
from audit import views as audit_views
from cases import next_steps, report_views, views
from review import coordination_views
from review import urls as review_urls

app_name = "cases"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.case_new, name="new"),
    path("queue/", coordination_views.queue, name="queue"),
    path("<id:case_id>/", views.overview, name="overview"),
    path("<id:case_id>/step/<id:number>/", views.step, name="step"),
    path("<id:case_id>/checklist/", views.checklist, name="checklist"),
    path("<id:case_id>/tasks/", views.tasks, name="tasks"),
    path("<id:case_id>/tasks/<slug:task_id>/toggle/", views.task_toggle, name="task_toggle"),
    path("<id:case_id>/decide/", views.decide, name="decide"),
    path("<id:case_id>/caregivers/", views.caregivers, name="caregivers"),
    path(
        "<id:case_id>/caregivers/<id:grant_id>/revoke/",
        views.caregiver_revoke,
        name="caregiver_revoke",
    ),
    path("<id:case_id>/invites/<id:invite_id>/cancel/", views.invite_cancel, name="invite_cancel"),
    path("<id:case_id>/assign/", views.assign, name="assign"),
    path("<id:case_id>/coordinator/ask/", coordination_views.ask, name="ask_coordinator"),
    path("<id:case_id>/coordinator/take/", coordination_views.take, name="take"),
    path("next-steps/", next_steps.next_steps_page, name="next_steps"),
    *review_urls.case_patterns,  # the coordinator's side of review (review/)
    path("<id:case_id>/report/", report_views.report_html, name="report"),
    path("<id:case_id>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("<id:case_id>/audit/", audit_views.case_audit, name="audit"),
    path("<id:case_id>/audit.csv", audit_views.case_audit_csv, name="audit_csv"),
]
