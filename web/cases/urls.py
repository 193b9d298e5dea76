from __future__ import annotations

from django.urls import path

from audit import views as audit_views
from cases import next_steps, report_views, views
from review import urls as review_urls

app_name = "cases"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.case_new, name="new"),
    path("<int:case_id>/", views.overview, name="overview"),
    path("<int:case_id>/step/<int:number>/", views.step, name="step"),
    path("<int:case_id>/checklist/", views.checklist, name="checklist"),
    path("<int:case_id>/tasks/", views.tasks, name="tasks"),
    path("<int:case_id>/tasks/<slug:task_id>/toggle/", views.task_toggle, name="task_toggle"),
    path("<int:case_id>/decide/", views.decide, name="decide"),
    path("<int:case_id>/caregivers/", views.caregivers, name="caregivers"),
    path(
        "<int:case_id>/caregivers/<int:grant_id>/revoke/",
        views.caregiver_revoke,
        name="caregiver_revoke",
    ),
    path(
        "<int:case_id>/invites/<int:invite_id>/cancel/", views.invite_cancel, name="invite_cancel"
    ),
    path("<int:case_id>/assign/", views.assign, name="assign"),
    path("next-steps/", next_steps.next_steps_page, name="next_steps"),
    *review_urls.case_patterns,  # the coordinator's side of review (review/)
    path("<int:case_id>/report/", report_views.report_html, name="report"),
    path("<int:case_id>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("<int:case_id>/audit/", audit_views.case_audit, name="audit"),
    path("<int:case_id>/audit.csv", audit_views.case_audit_csv, name="audit_csv"),
]
