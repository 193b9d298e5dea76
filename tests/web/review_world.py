"""Review requests in each state on case A, and API tokens, for the matrices and workflow tests.

Built on the shared personas (tests/web/conftest.py): case A's coordinator made each request and
the persona "reviewer" is assigned to it; "outsider_reviewer" is not.
"""

from __future__ import annotations

from typing import Any

from api import tokens
from audit.actions import Actor
from review.models import ReviewRequest
from tests.web.conftest import World
from tests.web.factories import ReviewAnswerFactory, ReviewRequestFactory

STATES = ("draft", "sent", "answered", "consensus", "closed")


def request_in(world: World, state: str, case: Any = None) -> ReviewRequest:
    """A request on case A (or ``case``) in ``state``, with an answer once answered."""
    other = case is not None and case.pk == world.other_case.pk
    reviewer = world.users["outsider_reviewer" if other else "reviewer"]
    coordinator = world.users["outsider_coordinator" if other else "coordinator"]
    review = ReviewRequestFactory(
        case=case or world.case, reviewer=reviewer, sent_by=coordinator, state=state
    )
    if state in ("answered", "consensus", "closed"):
        ReviewAnswerFactory(request=review, reviewer=reviewer)
    if state in ("consensus", "closed"):
        ReviewRequest.objects.filter(pk=review.pk).update(
            consensus_view="agree",
            consensus_text="A CAR-T consult is worth it.",
            consensus_by=reviewer,
            consensus_at=review.sent_at,
        )
    if state == "closed":
        ReviewRequest.objects.filter(pk=review.pk).update(
            closed_at=review.sent_at, closed_by=coordinator
        )
    review.refresh_from_db()
    return review


def queued_case(world: World) -> Any:
    """A new case of the persona "patient" with no coordinator, waiting in the queue."""
    from review.models import CoordinationRequest
    from tests.web.factories import CaseFactory

    case = CaseFactory(owner=world.users["patient"], coordinator=None)
    CoordinationRequest.objects.create(case=case, asked_by=world.users["patient"])
    return case


def token_for(world: World, persona: str) -> str:
    """A fresh API token for a persona (none for "anonymous")."""
    _token, raw = tokens.issue(Actor.system("test"), world.users[persona], "test")
    return raw


def token_id_of(world: World, persona: str) -> int:
    """The number of a fresh token of this persona (the token page's revoke button)."""
    token, _raw = tokens.issue(Actor.system("test"), world.users[persona], "test")
    return token.pk


def request_kwargs(state: str) -> Any:
    """Matrix ``kwargs`` for a case-A request in ``state``."""
    return lambda w: {"case_id": w.case.pk, "request_id": request_in(w, state).pk}
