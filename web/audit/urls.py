from __future__ import annotations

from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.all_audit, name="all"),
    path("export.csv", views.all_audit_csv, name="csv"),
]
