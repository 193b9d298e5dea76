"""The API token page (the API itself is mounted from crossroads_web.urls)."""

from __future__ import annotations

from django.urls import path

from api import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:token_id>/revoke/", views.token_revoke, name="revoke"),
]
