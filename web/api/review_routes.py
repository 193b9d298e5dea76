"""Review request endpoints: the same life cycle, checks and actions as the review pages.

A request the caller may not read answers 404 (logged), like one that does not exist; a move the
caller may never make answers 404 as well, as on the pages; a move they may make, but not from
the request's state, answers 409. Reviewers get no case number and no identifying data.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Path, Router, Status
from ninja.errors import ValidationError

from api.errors import core_lang
from api.schemas import (
    AnswerIn,
    ConsensusIn,
    CoreData,
    Id,
    ReviewCreate,
    ReviewEdit,
    ReviewOut,
    answers,
)
from audit.actions import Actor, record
from cases import results
from cases.access import checked_case, deny
from cases.models import CaseRecord
from cases.permissions import Perm
from cases.stepform import FieldError
from review import actions as review_actions
from review import fields as review_fields
from review.access import checked_review
from review.models import ReviewRequest
from review.packet import build_packet, scrub_question
from review.permissions import (
    can_read_packet,
    can_view_review,
    review_moves,
    review_party,
    visible_reviews,
)
from review.workflow import Party

router = Router(tags=["reviews"])


def _person(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.shown_name}


def review_out(request: HttpRequest, review: ReviewRequest) -> dict[str, Any]:
    """A request as this caller may see it (reviewers: without the case)."""
    user = request.user
    answers_given = list(review.answers.select_related("reviewer"))
    consensus = None
    if review.consensus_at is not None and review.consensus_by is not None:
        consensus = {
            "view": review.consensus_view,
            "text": review.consensus_text,
            "recorded_by": _person(review.consensus_by),
            "recorded_at": review.consensus_at,
            "reviewers": [_person(a.reviewer) for a in answers_given],
        }
    party = review_party(user, review)  # type: ignore[arg-type]
    return {
        "id": review.pk,
        "case_id": None if party == Party.REVIEWER else review.case_id,
        "state": review.state,
        "question": review.question,
        "due_date": review.due_date,
        "overdue": review.overdue(results.today()),
        "created_at": review.created_at,
        "sent_at": review.sent_at,
        "closed_at": review.closed_at,
        "reviewers": [_person(u) for u in review.reviewers.all()],
        "answers": [
            {
                "reviewer": _person(a.reviewer),
                "view": a.view,
                "answer": a.answer,
                "conditions": a.conditions,
                "check_next": a.check_next,
                "comment": a.comment,
                "answered_at": a.answered_at,
                "revised_at": a.revised_at,
            }
            for a in answers_given
        ],
        "consensus": consensus,
        "moves": review_moves(user, review),  # type: ignore[arg-type]
    }


def _review(request: HttpRequest, request_id: int) -> ReviewRequest:
    found = checked_review(request, request_id)
    if found is None:
        raise Http404("no such request")
    return found


def _field_error(field: str, exc: FieldError) -> ValidationError:
    return ValidationError(
        [{"type": "value_error", "loc": ("body", "payload", field), "ctx": {"error": str(exc)}}]
    )


def _reviewers(ids: list[int]) -> list[Any]:
    try:
        return review_fields.reviewers(ids)
    except FieldError as exc:
        raise _field_error("reviewers", exc) from None


def _due(value: Any) -> Any:
    try:
        return review_fields.due_date(value, results.today())
    except FieldError as exc:
        raise _field_error("due_date", exc) from None


def _send(request: HttpRequest, review: ReviewRequest) -> ReviewRequest:
    case: CaseRecord = review.case
    lang = core_lang(request)
    return review_actions.send(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        review,
        build_packet(case, lang),
        scrub_question(case, review.question, lang),
    )


@router.get("/reviews", response=answers(200, list[ReviewOut]), operation_id="list_reviews")
def list_reviews(request: HttpRequest) -> list[dict[str, Any]]:
    """Every request the caller may read: a reviewer's open requests, or those on their cases."""
    found = list(visible_reviews(request.user).order_by("-id"))  # type: ignore[arg-type]
    record(Actor.from_request(request), "review.inbox", detail={"count": len(found), "via": "api"})
    return [review_out(request, r) for r in found]


@router.get(
    "/cases/{case_id}/reviews",
    response=answers(200, list[ReviewOut]),
    operation_id="list_case_reviews",
)
def list_case_reviews(request: HttpRequest, case_id: Path[Id]) -> list[dict[str, Any]]:
    """The case's requests the caller may read (drafts: its coordinator only)."""
    case = checked_case(request, case_id, Perm.VIEW)
    if case is None:
        raise Http404("no such case")
    found = case.review_requests.select_related("case").order_by("-id")
    user = request.user
    return [review_out(request, r) for r in found if can_view_review(user, r)]  # type: ignore[arg-type]


@router.post(
    "/cases/{case_id}/reviews",
    response=answers(201, ReviewOut),
    operation_id="create_review",
)
def create_review(
    request: HttpRequest, case_id: Path[Id], payload: ReviewCreate
) -> Status[dict[str, Any]]:
    """Prepare a request (the case's coordinator); ``send: true`` sends it at once."""
    case = checked_case(request, case_id, Perm.SEND_FOR_REVIEW)
    if case is None:
        raise Http404("no such case")
    reviewers = _reviewers(payload.reviewers)
    due = _due(payload.due_date)
    lang = core_lang(request)
    review = review_actions.create(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        case,
        payload.question,
        due,
        reviewers,
        build_packet(case, lang),
    )
    if payload.send:
        review = _send(request, review)
    return Status(201, review_out(request, review))


@router.get("/reviews/{request_id}", response=answers(200, ReviewOut), operation_id="get_review")
def get_review(request: HttpRequest, request_id: Path[Id]) -> dict[str, Any]:
    review = _review(request, request_id)
    record(
        Actor.from_request(request),
        "review.view",
        case_id=review.case_id,
        detail={"request": review.pk, "via": "api"},
    )
    return review_out(request, review)


@router.patch("/reviews/{request_id}", response=answers(200, ReviewOut), operation_id="edit_review")
def edit_review(request: HttpRequest, request_id: Path[Id], payload: ReviewEdit) -> dict[str, Any]:
    """Change a draft (its coordinator); only the fields sent change."""
    review = _review(request, request_id)
    given = payload.model_fields_set
    question = payload.question if "question" in given and payload.question else review.question
    due = _due(payload.due_date) if "due_date" in given else review.due_date
    if "reviewers" in given and payload.reviewers is not None:
        reviewers = _reviewers(payload.reviewers)
    else:
        reviewers = list(review.reviewers.all())
    changed = review_actions.edit(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        review,
        question,
        due,
        reviewers,
    )
    return review_out(request, changed)


@router.post(
    "/reviews/{request_id}/send", response=answers(200, ReviewOut), operation_id="send_review"
)
def send_review(request: HttpRequest, request_id: Path[Id]) -> dict[str, Any]:
    """Send a draft: the packet is frozen as it is now."""
    review = _review(request, request_id)
    return review_out(request, _send(request, review))


@router.post(
    "/reviews/{request_id}/answer",
    response=answers(200, ReviewOut),
    operation_id="answer_review",
)
def answer_review(request: HttpRequest, request_id: Path[Id], payload: AnswerIn) -> dict[str, Any]:
    """A reviewer's answer (again, to revise it, until the shared view is recorded)."""
    review = _review(request, request_id)
    review_actions.answer(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        review,
        review_actions.AnswerFields(**payload.model_dump()),
    )
    review.refresh_from_db()
    return review_out(request, review)


@router.post(
    "/reviews/{request_id}/consensus",
    response=answers(200, ReviewOut),
    operation_id="record_consensus",
)
def record_consensus(
    request: HttpRequest, request_id: Path[Id], payload: ConsensusIn
) -> dict[str, Any]:
    """The reviewers' shared view, in plain words for the patient (a reviewer records it)."""
    review = _review(request, request_id)
    done = review_actions.record_consensus(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        review,
        payload.view,
        payload.text,
    )
    return review_out(request, done)


@router.post(
    "/reviews/{request_id}/close", response=answers(200, ReviewOut), operation_id="close_review"
)
def close_review(request: HttpRequest, request_id: Path[Id]) -> dict[str, Any]:
    """Close (or, before the shared view, withdraw) a request (its coordinator)."""
    review = _review(request, request_id)
    done = review_actions.close(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        review,
    )
    return review_out(request, done)


@router.get(
    "/reviews/{request_id}/packet", response=answers(200, CoreData), operation_id="review_packet"
)
def review_packet(request: HttpRequest, request_id: Path[Id]) -> dict[str, Any]:
    """The de-identified packet as it was frozen for this request."""
    review = ReviewRequest.objects.filter(pk=request_id).select_related("case").first()
    if review is None or not can_read_packet(request.user, review):  # type: ignore[arg-type]
        deny(request, review.case_id if review else None, "packet")
        raise Http404("no such request")
    record(
        Actor.from_request(request),
        "review.view",
        case_id=review.case_id,
        detail={"request": review.pk, "page": "packet", "via": "api"},
    )
    return dict(review.packet)
