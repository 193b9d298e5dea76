"""Who may read and move a review request: the case's permission layer, applied to review.

A person's *party* to a request follows from their relation to its case
(:func:`cases.permissions.relation`) or, for reviewers, from an assignment; the transition table
of :mod:`review.workflow` then says what that party may see and do in each state.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User
from cases.permissions import Relation, relation, visible_cases
from review import workflow
from review.models import ReviewRequest
from review.workflow import Party


def review_party(user: User, request: ReviewRequest) -> Party:
    """How this person stands to this review request (see :mod:`review.workflow`).

    Reviewers stand to a request only through an assignment; everyone else through the case:
    its coordinator coordinates the request, its patient and their caregivers are the team.
    Administrators have no party: they manage accounts, not cases.
    """
    if not user.is_authenticated or not user.is_active:
        return Party.NONE
    if user.role == Role.REVIEWER:
        assigned = request.assignments.filter(reviewer=user).exists()
        return Party.REVIEWER if assigned else Party.NONE
    rel = relation(user, request.case)
    if rel == Relation.COORDINATOR:
        return Party.COORDINATOR
    if rel in (Relation.OWNER, Relation.CAREGIVER):
        return Party.TEAM
    return Party.NONE


def can_view_review(user: User, request: ReviewRequest) -> bool:
    return workflow.visible(review_party(user, request), request.state)


def review_verdict(user: User, request: ReviewRequest, move: str) -> workflow.Verdict:
    """May this person make ``move`` on this request now? (The table is in review.workflow.)"""
    return workflow.verdict(review_party(user, request), request.state, move)


def review_moves(user: User, request: ReviewRequest) -> list[str]:
    return workflow.moves(review_party(user, request), request.state)


def can_read_packet(user: User, request: ReviewRequest) -> bool:
    """The frozen packet: for the reviewers it was sent to while open, and its coordinator."""
    party = review_party(user, request)
    return party in (Party.REVIEWER, Party.COORDINATOR) and workflow.visible(party, request.state)


def review_inbox(user: User) -> QuerySet[ReviewRequest]:
    """The requests open to this reviewer (sent to them, not closed)."""
    if not user.is_authenticated or not user.is_active or user.role != Role.REVIEWER:
        return ReviewRequest.objects.none()
    return ReviewRequest.objects.filter(
        assignments__reviewer=user, state__in=workflow.VISIBLE_TO[Party.REVIEWER]
    ).distinct()


def visible_reviews(user: User) -> QuerySet[ReviewRequest]:
    """Every request this person may read: a reviewer's inbox, or those on their cases."""
    if not user.is_authenticated or not user.is_active:
        return ReviewRequest.objects.none()
    if user.role == Role.REVIEWER:
        return review_inbox(user)
    requests = ReviewRequest.objects.filter(case__in=visible_cases(user))
    if user.role == Role.COORDINATOR:
        return requests
    return requests.filter(state__in=workflow.VISIBLE_TO[Party.TEAM])
