"""Review requests on the case's side: the coordinator prepares, sends and closes them; the
patient and their caregivers read the outcome.

Views check permission, call :mod:`review.actions` and render; the life cycle itself is the
table in :mod:`review.workflow`.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.actions import Actor, record
from cases import results
from cases.access import case_view, deny
from cases.models import CaseRecord
from cases.permissions import Perm
from cases.views import base_context, lang_of
from review import actions as review_actions
from review.forms import ReviewRequestForm
from review.models import ReviewRequest
from review.packet import build_packet, packet_page, scrub_question
from review.permissions import can_view_review, review_moves


def _request_on(request: HttpRequest, case: CaseRecord, request_id: int) -> ReviewRequest:
    """The review request of this case, if this person may read it now (else 404, logged)."""
    found = ReviewRequest.objects.filter(pk=request_id, case=case).select_related("case").first()
    if found is None or not can_view_review(request.user, found):  # type: ignore[arg-type]
        deny(request, case.pk, "review")
        raise Http404("no such request")
    return found


def _send(request: HttpRequest, case: CaseRecord, review: ReviewRequest) -> None:
    """Freeze a fresh packet and the scrubbed question, and open the request to its reviewers."""
    lang = lang_of(request)
    review_actions.send(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        review,
        build_packet(case, lang),
        scrub_question(case, review.question, lang),
    )


def _form_page(
    request: HttpRequest, case: CaseRecord, form: ReviewRequestForm, review: Any, status: int
) -> HttpResponse:
    return render(
        request,
        "cases/review_form.html",
        base_context(request, case, form=form, review=review),
        status=status,
    )


@case_view(Perm.SEND_FOR_REVIEW, read="review_new")
@require_http_methods(["GET", "POST"])
def review_send(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """Prepare a review request: save it as a draft, or send it at once."""
    initial = {"question": (case.data.get("review") or {}).get("specific_question", "")}
    form = ReviewRequestForm(request.POST or None, initial=initial, today=results.today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        review = review_actions.create(
            Actor.from_request(request),
            request.user,  # type: ignore[arg-type]
            case,
            data["question"],
            data["due_date"],
            data["reviewers"],
            build_packet(case, lang_of(request)),
        )
        if request.POST.get("action") == "send":
            _send(request, case, review)
            messages.success(request, _("Sent. The reviewers see only the de-identified packet."))
        else:
            messages.success(request, _("Saved as a draft. Nothing was sent yet."))
        return redirect("cases:review_detail", case_id=case.pk, request_id=review.pk)
    return _form_page(request, case, form, None, 400 if form.errors else 200)


@case_view(Perm.VIEW)
def review_detail(request: HttpRequest, case: CaseRecord, request_id: int) -> HttpResponse:
    """One request: its state, question, reviewers, their answers and the shared view."""
    review = _request_on(request, case, request_id)
    record(
        Actor.from_request(request),
        "review.view",
        case_id=case.pk,
        detail={"request": review.pk},
    )
    return render(
        request,
        "cases/review_detail.html",
        base_context(
            request,
            case,
            review=review,
            answers=list(review.answers.select_related("reviewer")),
            reviewers=list(review.reviewers.all()),
            moves=review_moves(request.user, review),  # type: ignore[arg-type]
            overdue=review.overdue(results.today()),
        ),
    )


@case_view(Perm.SEND_FOR_REVIEW)
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, case: CaseRecord, request_id: int) -> HttpResponse:
    """Change a draft; a request already sent cannot change (close it and make a new one)."""
    review = _request_on(request, case, request_id)
    if "edit" not in review_moves(request.user, review):  # type: ignore[arg-type]
        messages.info(request, _("This request was sent already, so it cannot change."))
        return redirect("cases:review_detail", case_id=case.pk, request_id=review.pk)
    initial = {
        "question": review.question,
        "due_date": review.due_date,
        "reviewers": list(review.reviewers.all()),
    }
    form = ReviewRequestForm(request.POST or None, initial=initial, today=results.today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edited = review_actions.edit(
                Actor.from_request(request),
                request.user,  # type: ignore[arg-type]
                review,
                data["question"],
                data["due_date"],
                data["reviewers"],
            )
        except review_actions.WrongStateError:
            messages.info(request, _("This request was sent already, so it cannot change."))
        else:
            if request.POST.get("action") == "send":
                # Send the request as just saved: ``review`` still holds the question from before
                # the edit, which may be the coordinator's own redaction (issue 17 M1).
                _send(request, case, edited)
                messages.success(
                    request, _("Sent. The reviewers see only the de-identified packet.")
                )
            else:
                messages.success(request, _("Draft saved."))
        return redirect("cases:review_detail", case_id=case.pk, request_id=review.pk)
    return _form_page(request, case, form, review, 400 if form.errors else 200)


@case_view(Perm.SEND_FOR_REVIEW)
@require_POST
def review_dispatch(request: HttpRequest, case: CaseRecord, request_id: int) -> HttpResponse:
    """Send a draft."""
    review = _request_on(request, case, request_id)
    try:
        _send(request, case, review)
    except review_actions.WrongStateError:
        messages.info(request, _("This request cannot be sent: it was sent or closed already."))
    else:
        messages.success(request, _("Sent. The reviewers see only the de-identified packet."))
    return redirect("cases:review_detail", case_id=case.pk, request_id=review.pk)


@case_view(Perm.SEND_FOR_REVIEW)
@require_POST
def review_withdraw(request: HttpRequest, case: CaseRecord, request_id: int) -> HttpResponse:
    """Close a request; before the shared view is recorded this withdraws it from the reviewers."""
    review = _request_on(request, case, request_id)
    try:
        review_actions.close(
            Actor.from_request(request),
            request.user,  # type: ignore[arg-type]
            review,
        )
    except review_actions.WrongStateError:
        messages.info(request, _("This request was closed already."))
    else:
        messages.success(request, _("Closed. The reviewers can no longer open it."))
    return redirect("cases:review_detail", case_id=case.pk, request_id=review.pk)


@case_view(Perm.SEND_FOR_REVIEW, read="packet_preview")
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # own styles
def review_preview(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """Exactly what a reviewer would receive if the packet were sent now."""
    return _packet_response(request, build_packet(case, lang_of(request)))


@case_view(Perm.SEND_FOR_REVIEW)
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # own styles
def review_packet(request: HttpRequest, case: CaseRecord, request_id: int) -> HttpResponse:
    """The packet as it was frozen for this request (what its reviewers read)."""
    review = _request_on(request, case, request_id)
    record(
        Actor.from_request(request),
        "review.view",
        case_id=case.pk,
        detail={"request": review.pk, "page": "packet"},
    )
    return _packet_response(request, review.packet)


def _packet_response(request: HttpRequest, packet: dict[str, Any]) -> HttpResponse:
    page = packet_page(packet)
    if page is None:
        return render(request, "reviews/packet_fallback.html", {"packet": packet})
    return HttpResponse(page, content_type="text/html; charset=utf-8")
