"""The reviewer's side: an inbox of requests sent to them, the answer form, and the shared view.

Reviewers never see the case: only the question, the due date, the de-identified packet frozen
when the request was sent, and the other reviewers' answers. Their pages name no patient and no
case number.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from audit.actions import Actor, record
from cases import results
from cases.access import deny, role_view
from documents.redaction import attached
from documents.redaction_views import pdf_download
from documents.views import kind_name
from review import actions as review_actions
from review.forms import AnswerForm, ConsensusForm
from review.models import ReviewAnswer, ReviewRequest
from review.packet import packet_page
from review.permissions import can_read_packet, review_inbox, review_moves


def _sent_to_me(request: HttpRequest, request_id: int) -> ReviewRequest:
    review = ReviewRequest.objects.filter(pk=request_id).select_related("case").first()
    if review is None or not can_read_packet(request.user, review):  # type: ignore[arg-type]
        deny(request, review.case_id if review else None, "packet")
        raise Http404("no such request")
    return review


@role_view(Role.REVIEWER)
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    requests = list(review_inbox(user).order_by("-id"))
    mine = set(
        ReviewAnswer.objects.filter(reviewer=user, request__in=requests).values_list(
            "request_id", flat=True
        )
    )
    today = results.today()
    rows = [{"r": r, "answered": r.pk in mine, "overdue": r.overdue(today)} for r in requests]
    record(Actor.from_request(request), "review.inbox", detail={"count": len(requests)})
    return render(request, "reviews/inbox.html", {"rows": rows, "requests": requests})


def _page(
    request: HttpRequest,
    review: ReviewRequest,
    answer_form: AnswerForm,
    consensus_form: ConsensusForm,
    status: int = 200,
) -> HttpResponse:
    answers = list(review.answers.select_related("reviewer"))
    context: dict[str, Any] = {
        "review": review,
        "form": answer_form,
        "consensus_form": consensus_form,
        "answers": answers,
        "mine": next((a for a in answers if a.reviewer_id == request.user.pk), None),
        "moves": review_moves(request.user, review),  # type: ignore[arg-type]
        "reviewers": list(review.reviewers.all()),
        "overdue": review.overdue(results.today()),
        "attachments": attachments(review),
    }
    return render(request, "reviews/packet.html", context, status=status)


def attachments(review: ReviewRequest) -> list[dict[str, Any]]:
    """The redacted record documents this request carries, named by kind and page count only:
    the original file name may hold the person's name, so reviewers never see it."""
    return [
        {
            "pk": copy.pk,
            "number": n,
            "kind": kind_name(copy.document.kind),
            "pages": copy.pages,
        }
        for n, copy in enumerate(attached(review.case_id, review.sent_at), start=1)
    ]


def _answer_initial(review: ReviewRequest, user: User) -> dict[str, Any]:
    given = review.answers.filter(reviewer=user).first()
    if given is None:
        return {}
    return {
        "view": given.view,
        "answer": given.answer,
        "conditions": given.conditions,
        "check_next": given.check_next,
        "comment": given.comment,
    }


@role_view(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def packet(request: HttpRequest, request_id: int) -> HttpResponse:
    """The request sent to this reviewer, and their answer (saved, or revised until the shared
    view is recorded)."""
    review = _sent_to_me(request, request_id)
    user: User = request.user  # type: ignore[assignment]
    form = AnswerForm(request.POST or None, initial=_answer_initial(review, user))
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, review, form, ConsensusForm(), status=400)
        try:
            review_actions.answer(
                Actor.from_request(request),
                user,
                review,
                review_actions.AnswerFields(**form.cleaned_data),
            )
        except review_actions.WrongStateError:
            messages.error(
                request, _("The shared view is recorded, so answers can no longer change.")
            )
            return _page(request, review, form, ConsensusForm(), status=409)
        messages.success(request, _("Your answer is saved, with your name and the date."))
        return redirect("reviews:packet", request_id=review.pk)
    record(
        Actor.from_request(request),
        "review.view",
        case_id=review.case_id,
        detail={"request": review.pk},
    )
    return _page(request, review, form, ConsensusForm())


@role_view(Role.REVIEWER)
@require_POST
def consensus(request: HttpRequest, request_id: int) -> HttpResponse:
    """Record the reviewers' shared view, in plain words for the patient."""
    review = _sent_to_me(request, request_id)
    user: User = request.user  # type: ignore[assignment]
    form = ConsensusForm(request.POST)
    if not form.is_valid():
        initial = _answer_initial(review, user)
        return _page(request, review, AnswerForm(initial=initial), form, status=400)
    try:
        review_actions.record_consensus(
            Actor.from_request(request),
            user,
            review,
            form.cleaned_data["consensus_view"],
            form.cleaned_data["consensus_text"],
        )
    except review_actions.WrongStateError:
        messages.error(
            request,
            _("A shared view can be recorded once there is an answer, and only once."),
        )
        initial = _answer_initial(review, user)
        return _page(request, review, AnswerForm(initial=initial), form, status=409)
    messages.success(request, _("The shared view is recorded, with your name and the date."))
    return redirect("reviews:packet", request_id=review.pk)


@role_view(Role.REVIEWER)
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # own styles
def packet_document(request: HttpRequest, request_id: int) -> HttpResponse:
    """The packet itself, as the core renders it, for the reviewers it was sent to."""
    review = _sent_to_me(request, request_id)
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


@role_view(Role.REVIEWER)
@require_GET
def packet_attachment(request: HttpRequest, request_id: int, copy_id: int) -> HttpResponse:
    """A redacted record document the request carries, as a PDF download for its reviewers."""
    review = _sent_to_me(request, request_id)
    copy = attached(review.case_id, review.sent_at).filter(pk=copy_id).first()
    if copy is None:
        deny(request, review.case_id, "packet_attachment")
        raise Http404("no such document")
    record(
        Actor.from_request(request),
        "review.document",
        case_id=review.case_id,
        detail={"request": review.pk, "copy": copy.pk},
    )
    return pdf_download(copy, f"request-{review.pk}-document-{copy.pk}.pdf")
