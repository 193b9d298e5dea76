from __future__ import annotations

from django.urls import path

import crossroads_web.converters  # noqa: F401  (registers <id:...>, the bounded record number)
from drafts import views

app_name = "drafts"
urlpatterns = [
    path("<id:case_id>/step/<id:number>/", views.save, name="save"),
    path("<id:case_id>/step/<id:number>/discard/", views.discard, name="discard"),
    path("keepalive/", views.keepalive, name="keepalive"),
]
