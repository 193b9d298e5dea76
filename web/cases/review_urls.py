from __future__ import annotations

from django.urls import path

from cases import review_views

app_name = "reviews"
urlpatterns = [
    path("", review_views.inbox, name="inbox"),
    path("<int:request_id>/", review_views.packet, name="packet"),
    path("<int:request_id>/consensus/", review_views.consensus, name="consensus"),
    path("<int:request_id>/packet/", review_views.packet_document, name="packet_document"),
]
