"""Record documents of a case, under ``/cases/<id>/documents/`` (mounted in crossroads_web)."""

from __future__ import annotations

from django.urls import path

import crossroads_web.converters  # noqa: F401  (registers <id:...>, the bounded record number)
from documents import redaction_views, views

app_name = "documents"
urlpatterns = [
    path("<id:case_id>/documents/", views.document_list, name="list"),
    path("<id:case_id>/documents/upload/", views.upload, name="upload"),
    path("<id:case_id>/documents/<id:document_id>/", views.detail, name="detail"),
    path("<id:case_id>/documents/<id:document_id>/status/", views.status, name="status"),
    path("<id:case_id>/documents/<id:document_id>/file/", views.original, name="file"),
    path("<id:case_id>/documents/<id:document_id>/delete/", views.delete, name="delete"),
    path(
        "<id:case_id>/documents/<id:document_id>/redact/",
        redaction_views.redact,
        name="redact",
    ),
    path(
        "<id:case_id>/documents/<id:document_id>/redacted/",
        redaction_views.redacted_file,
        name="redacted",
    ),
    path(
        "<id:case_id>/documents/<id:document_id>/redacted/approve/",
        redaction_views.approve,
        name="redaction_approve",
    ),
]
