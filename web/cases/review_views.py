"""The reviewer's side: an inbox of packets sent to them, and the answer form."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from audit.actions import Actor, record
from cases import actions
from cases.access import deny, role_view
from cases.forms import AnswerForm
from cases.models import ReviewRequest
from cases.packet import packet_page
from cases.permissions import can_read_packet, review_inbox


@role_view(Role.REVIEWER)
def inbox(request: HttpRequest) -> HttpResponse:
    requests = list(review_inbox(request.user).order_by("-id"))  # type: ignore[arg-type]
    record(Actor.from_request(request), "review.inbox", detail={"count": len(requests)})
    return render(request, "reviews/inbox.html", {"requests": requests})


@role_view(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def packet(request: HttpRequest, request_id: int) -> HttpResponse:
    review = ReviewRequest.objects.filter(pk=request_id).first()
    if review is None or not can_read_packet(request.user, review):  # type: ignore[arg-type]
        deny(request, review.case_id if review else None, "packet")
        raise Http404("no such request")
    form = AnswerForm(request.POST or None, initial={"answer": review.answer})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            actions.answer_review(Actor.from_request(request), review, form.cleaned_data["answer"])
            messages.success(request, _("Your answer is saved, with your name and the date."))
            return redirect("reviews:packet", request_id=review.pk)
        status = 400
    else:
        record(
            Actor.from_request(request),
            "review.view",
            case_id=review.case_id,
            detail={"request": review.pk},
        )
    return render(request, "reviews/packet.html", {"review": review, "form": form}, status=status)


@role_view(Role.REVIEWER)
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # own styles
def packet_document(request: HttpRequest, request_id: int) -> HttpResponse:
    """The packet itself, as the core renders it, for the reviewer it was sent to."""
    review = ReviewRequest.objects.filter(pk=request_id).first()
    if review is None or not can_read_packet(request.user, review):  # type: ignore[arg-type]
        deny(request, review.case_id if review else None, "packet")
        raise Http404("no such request")
    record(
        Actor.from_request(request),
        "review.view",
        case_id=review.case_id,
        detail={"request": review.pk, "page": "packet"},
    )
    page = packet_page(review.packet)
    if page is None:
        return render(request, "reviews/packet_fallback.html", {"packet": review.packet})
    return HttpResponse(page, content_type="text/html; charset=utf-8")
