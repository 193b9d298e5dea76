from __future__ import annotations

from django.urls import path

import crossroads_web.converters  # noqa: F401  (registers <id:...>, the bounded record number)
from interop import cds, views

app_name = "interop"
urlpatterns = [
    # CDS Hooks: the paths the specification fixes (no trailing slash).
    path("cds-services", cds.discovery_view, name="cds_discovery"),
    path("cds-services/<str:service_id>", cds.service_view, name="cds_service"),
    path("cds-services/<str:service_id>/feedback", cds.feedback_view, name="cds_feedback"),
    path("cds/patients/<str:patient_id>", views.cds_patient, name="cds_patient"),
    path("cases/import/fhir/", views.fhir_import, name="fhir_import"),
    path("cases/<id:case_id>/fhir.json", views.fhir_export, name="fhir_export"),
    path("cases/<id:case_id>/trials/", views.trials, name="trials"),
]
