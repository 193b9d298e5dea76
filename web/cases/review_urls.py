from __future__ import annotations

from django.urls import path

import crossroads_web.converters  # noqa: F401  (registers <id:...>, the bounded record number)
from cases import review_views

app_name = "reviews"
urlpatterns = [
    path("", review_views.inbox, name="inbox"),
    path("<id:request_id>/", review_views.packet, name="packet"),
    path("<id:request_id>/consensus/", review_views.consensus, name="consensus"),
    path("<id:request_id>/packet/", review_views.packet_document, name="packet_document"),
]
