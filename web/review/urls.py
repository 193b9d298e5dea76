"""The review pages: the reviewer's side (namespace ``reviews``, mounted at ``/review/``) and the
coordinator's side of a case (:data:`case_patterns`, mounted inside ``cases.urls`` so their
names stay ``cases:review_*``)."""

from __future__ import annotations

from django.urls import URLPattern, path

import crossroads_web.converters  # noqa: F401  (registers <id:...>, the bounded record number)
from review import manage_views, views

app_name = "reviews"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<id:request_id>/", views.packet, name="packet"),
    path("<id:request_id>/consensus/", views.consensus, name="consensus"),
    path("<id:request_id>/packet/", views.packet_document, name="packet_document"),
    path(
        "<id:request_id>/documents/<id:copy_id>/",
        views.packet_attachment,
        name="packet_attachment",
    ),
]

case_patterns: list[URLPattern] = [
    path("<id:case_id>/review/send/", manage_views.review_send, name="review_send"),
    path("<id:case_id>/review/preview/", manage_views.review_preview, name="review_preview"),
    path(
        "<id:case_id>/review/<id:request_id>/",
        manage_views.review_detail,
        name="review_detail",
    ),
    path(
        "<id:case_id>/review/<id:request_id>/edit/",
        manage_views.review_edit,
        name="review_edit",
    ),
    path(
        "<id:case_id>/review/<id:request_id>/send/",
        manage_views.review_dispatch,
        name="review_dispatch",
    ),
    path(
        "<id:case_id>/review/<id:request_id>/withdraw/",
        manage_views.review_withdraw,
        name="review_withdraw",
    ),
    path(
        "<id:case_id>/review/<id:request_id>/packet/",
        manage_views.review_packet,
        name="review_packet",
    ),
]
