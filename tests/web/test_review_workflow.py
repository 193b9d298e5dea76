"""The review life cycle, exhaustively: every move from every state, and every persona trying
every move it must not make (through the actions that pages and API share).

The expected table is written out here by hand, not read from ``review.workflow``, so a change to
the code's table fails a test until this one is changed too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from audit.actions import Actor
from audit.models import AuditEvent
from review import actions as review_actions
from review import workflow
from review.models import ReviewRequest
from review.permissions import review_party
from review.workflow import Party
from tests.web.conftest import PERSONAS, World
from tests.web.review_world import STATES, request_in

pytestmark = pytest.mark.integration

# move -> (states it may start from, state it leads to, personas who may make it on case A)
EXPECTED = {
    "edit": ({"draft"}, "draft", {"coordinator"}),
    "send": ({"draft"}, "sent", {"coordinator"}),
    "answer": ({"sent", "answered"}, "answered", {"reviewer"}),
    "consensus": ({"answered"}, "consensus", {"reviewer"}),
    "close": ({"draft", "sent", "answered", "consensus"}, "closed", {"coordinator"}),
}
SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


def _do(move: str, world: World, user: User, review: ReviewRequest) -> Any:
    actor = Actor(user.pk, user.username, user.role)
    calls: dict[str, Callable[[], Any]] = {
        "edit": lambda: review_actions.edit(
            actor, user, review, "New question?", None, [world.users["reviewer"]]
        ),
        "send": lambda: review_actions.send(actor, user, review, {"case": {}}, "Q?"),
        "answer": lambda: review_actions.answer(
            actor, user, review, review_actions.AnswerFields("agree", "Yes.")
        ),
        "consensus": lambda: review_actions.record_consensus(
            actor, user, review, "agree", "Worth a consult."
        ),
        "close": lambda: review_actions.close(actor, user, review),
    }
    return calls[move]()


def test_code_table_matches_the_expected_table() -> None:
    table = {
        name: ({str(s) for s in t.sources}, str(t.target), {str(p) for p in t.parties})
        for name, t in workflow.TRANSITIONS.items()
    }
    assert table == EXPECTED  # the personas who may move a request are named like their party


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("move", list(EXPECTED))
def test_move_from_every_state(world: World, move: str, state: str) -> None:
    sources, target, who = EXPECTED[move]
    persona = next(iter(who))
    review = request_in(world, state)
    events = AuditEvent.objects.count()
    if state in sources:
        _do(move, world, world.users[persona], review)
        review.refresh_from_db()
        assert review.state == target
        assert AuditEvent.objects.latest("id").action == f"review.{move}"
    else:
        with pytest.raises(review_actions.WrongStateError):
            _do(move, world, world.users[persona], review)
        review.refresh_from_db()
        assert (review.state, AuditEvent.objects.count()) == (state, events)


def _refused() -> list[Any]:
    out = []
    for move, (sources, _target, who) in EXPECTED.items():
        start = sorted(sources)[0]
        for persona in SIGNED_IN:
            if persona not in who:
                out.append(pytest.param(move, start, persona, id=f"{move}-{persona}"))
    return out


@pytest.mark.parametrize(("move", "state", "persona"), _refused())
def test_every_persona_refused_every_move_it_must_not_make(
    world: World, move: str, state: str, persona: str
) -> None:
    review = request_in(world, state)
    before = (review.state, review.question, review.answers.count(), AuditEvent.objects.count())
    with pytest.raises(review_actions.MoveRefusedError):
        _do(move, world, world.users[persona], review)
    review.refresh_from_db()
    after = (review.state, review.question, review.answers.count(), AuditEvent.objects.count())
    assert after == before


def test_parties_of_the_personas(world: World) -> None:
    review = request_in(world, "sent")
    parties = {p: review_party(world.users[p], review) for p in SIGNED_IN}
    assert parties == {
        "patient": Party.TEAM,
        "caregiver": Party.TEAM,
        "coordinator": Party.COORDINATOR,
        "reviewer": Party.REVIEWER,
        "admin": Party.NONE,
        "outsider_patient": Party.NONE,
        "outsider_caregiver": Party.NONE,  # access to case A revoked
        "outsider_coordinator": Party.NONE,
        "outsider_reviewer": Party.NONE,
    }


def test_visibility_per_party_and_state() -> None:
    seen = {party.value: sorted(s for s in STATES if workflow.visible(party, s)) for party in Party}
    assert seen == {
        "coordinator": sorted(STATES),
        "reviewer": ["answered", "consensus", "sent"],
        "team": ["answered", "closed", "consensus", "sent"],
        "none": [],
    }


def test_moves_offered_match_the_table() -> None:
    offered = {
        (party.value, state): workflow.moves(party, state) for party in Party for state in STATES
    }
    assert {k: v for k, v in offered.items() if v} == {
        ("coordinator", "draft"): ["edit", "send", "close"],
        ("coordinator", "sent"): ["close"],
        ("coordinator", "answered"): ["close"],
        ("coordinator", "consensus"): ["close"],
        ("reviewer", "sent"): ["answer"],
        ("reviewer", "answered"): ["answer", "consensus"],
    }


def test_a_second_shared_view_is_refused(world: World) -> None:
    review = request_in(world, "answered")
    reviewer = world.users["reviewer"]
    _do("consensus", world, reviewer, review)
    with pytest.raises(review_actions.WrongStateError):
        review_actions.record_consensus(Actor.system(), reviewer, review, "disagree", "Changed.")
    review.refresh_from_db()
    assert (review.consensus_view, review.consensus_text) == ("agree", "Worth a consult.")


def test_overdue_boundaries(world: World) -> None:
    today = dt.date(2026, 12, 1)
    review = request_in(world, "sent")
    cases = []
    for due, state in (
        (today, "sent"),
        (today - dt.timedelta(days=1), "sent"),
        (today - dt.timedelta(days=1), "answered"),
        (today - dt.timedelta(days=1), "consensus"),
        (None, "sent"),
    ):
        review.due_date, review.state = due, state
        cases.append(review.overdue(today))
    assert cases == [False, True, True, False, False]
