"""The API token page (the API itself is mounted from crossroads_web.urls)."""

from __future__ import annotations

from django.urls import path

import crossroads_web.converters  # noqa: F401  (registers <id:...>, the bounded record number)
from api import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("<id:token_id>/revoke/", views.token_revoke, name="revoke"),
]
