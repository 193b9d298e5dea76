from __future__ import annotations

from django.urls import path

import crossroads_web.converters  # noqa: F401  (registers <id:...>, the bounded record number)
from screening import views

app_name = "screening"
urlpatterns = [
    path("", views.file_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<id:file_id>/", views.worklist_page, name="worklist"),
    path("<id:file_id>/people/<id:number>/", views.open_case, name="open"),
    path("<id:file_id>/people/<id:number>/case/", views.case_from_row, name="case"),
    path("<id:file_id>/delete/", views.delete, name="delete"),
]
