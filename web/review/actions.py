"""Every change to a review request goes through here, with its audit event.

Each move of the life cycle is checked against the transition table (:mod:`review.workflow`) for
this person, on the row as it is inside the transaction (locked on PostgreSQL; SQLite writers
take turns), so two people clicking at once cannot both move it. A refused move changes nothing:
:class:`MoveRefusedError` when this person may never make it, :class:`WrongStateError` when they
may but not now. Pages and the API call the same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.actions import Actor, record
from cases.actions import ActionError
from cases.models import CaseRecord
from cases.permissions import Perm, can
from review.models import ReviewAnswer, ReviewAssignment, ReviewRequest
from review.permissions import review_verdict
from review.workflow import TRANSITIONS, Verdict


class MoveRefusedError(ActionError):
    """This person may not make this move on this request (answered like a missing request)."""


class WrongStateError(ActionError):
    """The move is not possible from the request's current state."""


@dataclass(frozen=True, slots=True)
class AnswerFields:
    view: str
    answer: str
    conditions: str = ""
    check_next: str = ""
    comment: str = ""


def _check(by: User, request: ReviewRequest, move: str) -> None:
    verdict = review_verdict(by, request, move)
    if verdict is Verdict.NOT_ALLOWED:
        raise MoveRefusedError(f"{move} is not allowed for this person")
    if verdict is Verdict.WRONG_STATE:
        raise WrongStateError(f"cannot {move} a request that is {request.state}")


def _locked(request: ReviewRequest) -> ReviewRequest:
    return ReviewRequest.objects.select_for_update().select_related("case").get(pk=request.pk)


def _move(actor: Actor, request: ReviewRequest, move: str, before: str, **detail: Any) -> None:
    record(
        actor,
        f"review.{move}",
        case_id=request.case_id,
        detail={"request": request.pk, "from": before, "to": request.state, **detail},
    )


def _assign(request: ReviewRequest, reviewers: Sequence[User]) -> None:
    request.assignments.exclude(reviewer__in=reviewers).delete()
    have = set(request.assignments.values_list("reviewer_id", flat=True))
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(request=request, reviewer=r) for r in reviewers if r.pk not in have
    )


def create(
    actor: Actor,
    by: User,
    case: CaseRecord,
    question: str,
    due_date: dt.date | None,
    reviewers: Sequence[User],
    packet: dict[str, Any],
) -> ReviewRequest:
    """A new draft. The packet is a preview until :func:`send` freezes a fresh one."""
    if not can(by, Perm.SEND_FOR_REVIEW, case):
        raise MoveRefusedError("only the case's coordinator prepares review requests")
    with transaction.atomic():
        request = ReviewRequest.objects.create(
            case=case, created_by=by, question=question, due_date=due_date, packet=packet
        )
        _assign(request, reviewers)
        record(
            actor,
            "review.create",
            case_id=case.pk,
            detail={"request": request.pk, "reviewers": [r.pk for r in reviewers]},
        )
    return request


def edit(
    actor: Actor,
    by: User,
    request: ReviewRequest,
    question: str,
    due_date: dt.date | None,
    reviewers: Sequence[User],
) -> ReviewRequest:
    """Change a draft's question, due date or reviewers."""
    with transaction.atomic():
        fresh = _locked(request)
        _check(by, fresh, "edit")
        fresh.question, fresh.due_date = question, due_date
        fresh.save(update_fields=["question", "due_date"])
        _assign(fresh, reviewers)
        _move(actor, fresh, "edit", fresh.state, reviewers=[r.pk for r in reviewers])
    return fresh


def send(
    actor: Actor, by: User, request: ReviewRequest, packet: dict[str, Any], question: str
) -> ReviewRequest:
    """Freeze the packet as it is now and open the request to its reviewers.

    ``question`` is the coordinator's question with the case's identifiers scrubbed out
    (:func:`review.packet.scrub_question`): reviewers never see who the case is about.
    """
    with transaction.atomic():
        fresh = _locked(request)
        _check(by, fresh, "send")
        if not fresh.assignments.exists():
            raise WrongStateError("a request needs at least one reviewer before it is sent")
        before = fresh.state
        fresh.state, fresh.sent_at = TRANSITIONS["send"].target, timezone.now()
        fresh.packet, fresh.question = packet, question
        fresh.save(update_fields=["state", "sent_at", "packet", "question"])
        _move(actor, fresh, "send", before)
    return fresh


def answer(actor: Actor, by: User, request: ReviewRequest, fields: AnswerFields) -> ReviewAnswer:
    """Save this reviewer's answer, or revise it until the shared view is recorded."""
    with transaction.atomic():
        fresh = _locked(request)
        _check(by, fresh, "answer")
        now = timezone.now()
        values = {
            "view": fields.view,
            "answer": fields.answer,
            "conditions": fields.conditions,
            "check_next": fields.check_next,
            "comment": fields.comment,
        }
        given, created = ReviewAnswer.objects.get_or_create(
            request=fresh, reviewer=by, defaults={**values, "answered_at": now}
        )
        if not created:
            for key, value in values.items():
                setattr(given, key, value)
            given.revised_at = now
            given.save()
        before = fresh.state
        fresh.state = TRANSITIONS["answer"].target
        fresh.save(update_fields=["state"])
        _move(actor, fresh, "answer", before, revised=not created)
    return given


def record_consensus(
    actor: Actor, by: User, request: ReviewRequest, view: str, text: str
) -> ReviewRequest:
    """The reviewers' shared view, in plain words for the patient, with who and when."""
    with transaction.atomic():
        fresh = _locked(request)
        _check(by, fresh, "consensus")
        before = fresh.state
        fresh.state = TRANSITIONS["consensus"].target
        fresh.consensus_view, fresh.consensus_text = view, text
        fresh.consensus_by, fresh.consensus_at = by, timezone.now()
        fresh.save(
            update_fields=[
                "state",
                "consensus_view",
                "consensus_text",
                "consensus_by",
                "consensus_at",
            ]
        )
        _move(actor, fresh, "consensus", before)
    return fresh


def close(actor: Actor, by: User, request: ReviewRequest) -> ReviewRequest:
    """Close the request; before a shared view this withdraws it. Reviewers lose access."""
    with transaction.atomic():
        fresh = _locked(request)
        _check(by, fresh, "close")
        before = fresh.state
        fresh.state, fresh.closed_at, fresh.closed_by = (
            TRANSITIONS["close"].target,
            timezone.now(),
            by,
        )
        fresh.save(update_fields=["state", "closed_at", "closed_by"])
        _move(actor, fresh, "close", before)
    return fresh
