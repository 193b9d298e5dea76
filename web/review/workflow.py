"""The life of a specialist review request, as one small table.

A coordinator prepares a request (``draft``), sends it to one or more reviewers (``sent``); each
reviewer answers (``answered``); one of them records the team's shared view (``consensus``); the
coordinator closes it (``closed``), which can also happen earlier, to withdraw it. The table below
is the only place that says which move starts from which state and who may make it; the actions
(:mod:`review.actions`), the pages and the API all ask it, and the tests walk it.

Nothing here touches the database: how a person stands to a request (their *party*) comes from
the permission layer (:func:`review.permissions.review_party`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("draft, not sent yet")
    SENT = "sent", _("sent, waiting for answers")
    ANSWERED = "answered", _("answered")
    CONSENSUS = "consensus", _("shared view recorded")
    CLOSED = "closed", _("closed")


class Party(StrEnum):
    """How a person stands to one review request."""

    COORDINATOR = "coordinator"  # coordinates the request's case
    REVIEWER = "reviewer"  # a reviewer the request was sent to
    TEAM = "team"  # the patient, or a caregiver they invited
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    sources: frozenset[ReviewState]
    target: ReviewState
    parties: frozenset[Party]


S = ReviewState
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("edit", frozenset({S.DRAFT}), S.DRAFT, frozenset({Party.COORDINATOR})),
        Transition("send", frozenset({S.DRAFT}), S.SENT, frozenset({Party.COORDINATOR})),
        Transition(
            "answer", frozenset({S.SENT, S.ANSWERED}), S.ANSWERED, frozenset({Party.REVIEWER})
        ),
        Transition("consensus", frozenset({S.ANSWERED}), S.CONSENSUS, frozenset({Party.REVIEWER})),
        Transition(
            "close",
            frozenset({S.DRAFT, S.SENT, S.ANSWERED, S.CONSENSUS}),
            S.CLOSED,
            frozenset({Party.COORDINATOR}),
        ),
    )
}

# Who may read a request in which state. Reviewers see nothing before it is sent and nothing
# once it is closed (closing is how a coordinator withdraws it); the patient's side sees what was
# sent and its outcome, not the coordinator's drafts.
VISIBLE_TO: dict[Party, frozenset[ReviewState]] = {
    Party.COORDINATOR: frozenset(S),
    Party.REVIEWER: frozenset({S.SENT, S.ANSWERED, S.CONSENSUS}),
    Party.TEAM: frozenset({S.SENT, S.ANSWERED, S.CONSENSUS, S.CLOSED}),
    Party.NONE: frozenset(),
}


class Verdict(StrEnum):
    ALLOWED = "allowed"
    NOT_ALLOWED = "not_allowed"  # this person may never make this move
    WRONG_STATE = "wrong_state"  # they may, but not from the request's current state


def verdict(party: Party, state: str, name: str) -> Verdict:
    """May ``party`` make the move ``name`` on a request in ``state``?"""
    transition = TRANSITIONS[name]
    if party not in transition.parties:
        return Verdict.NOT_ALLOWED
    if state not in transition.sources:
        return Verdict.WRONG_STATE
    return Verdict.ALLOWED


def moves(party: Party, state: str) -> list[str]:
    """The moves this party may make now, in table order (pages and the API show only these)."""
    return [name for name in TRANSITIONS if verdict(party, state, name) is Verdict.ALLOWED]


def visible(party: Party, state: str) -> bool:
    return state in VISIBLE_TO[party]
