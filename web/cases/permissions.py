"""The one permission layer: who may do what with which case.

The pages and the JSON API both ask :func:`can` before they touch a case, and list cases only
through :func:`visible_cases`; review requests go through :func:`review_party` and the transition
table of :mod:`cases.workflow`. A person's *relation* to a case follows from their role and the
rows that link them to it (design section 1); the policy table below is the single source of
truth, and the permission matrices (pages and API) check every URL against it.

Denied access to a case looks the same as a case that does not exist (404), so that nobody can
learn which case numbers are in use.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from cases import workflow
from cases.models import CaseRecord, ReviewRequest
from cases.workflow import Party


class Relation(StrEnum):
    OWNER = "owner"
    CAREGIVER = "caregiver"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    NONE = "none"


class Perm(StrEnum):
    VIEW = "view"  # read the case record and the step results
    EDIT = "edit"  # change the case record, tick the checklist, manage tasks
    REPORT = "report"  # download the patient report
    MANAGE_CAREGIVERS = "manage_caregivers"  # invite and revoke caregivers
    VIEW_AUDIT = "view_audit"  # see and export the case's audit trail
    ASSIGN = "assign"  # assign a coordinator
    SEND_FOR_REVIEW = "send_for_review"  # send a de-identified packet to a reviewer
    DECIDE = "decide"  # record that a decision has been made
    DELETE = "delete"  # delete the case and everything linked to it (audit rows stay)


POLICY: dict[Perm, frozenset[Relation]] = {
    Perm.VIEW: frozenset({Relation.OWNER, Relation.CAREGIVER, Relation.COORDINATOR}),
    Perm.EDIT: frozenset({Relation.OWNER, Relation.CAREGIVER, Relation.COORDINATOR}),
    Perm.REPORT: frozenset({Relation.OWNER, Relation.CAREGIVER, Relation.COORDINATOR}),
    Perm.MANAGE_CAREGIVERS: frozenset({Relation.OWNER}),
    Perm.VIEW_AUDIT: frozenset({Relation.OWNER, Relation.ADMIN}),
    Perm.ASSIGN: frozenset({Relation.ADMIN}),
    Perm.SEND_FOR_REVIEW: frozenset({Relation.COORDINATOR}),
    Perm.DECIDE: frozenset({Relation.OWNER, Relation.CAREGIVER}),
    Perm.DELETE: frozenset({Relation.OWNER}),
}


def relation(user: User, case: CaseRecord) -> Relation:
    """How this person stands to this case, from their role and the linking rows.

    Remembered on the loaded case object for its (one request's) lifetime, so a page that asks
    several times costs one query.
    """
    seen: dict[int | None, Relation] = case.__dict__.setdefault("_relations", {})
    key = user.pk if user.is_authenticated else None
    if key not in seen:
        seen[key] = _relation(user, case)
    return seen[key]


def _relation(user: User, case: CaseRecord) -> Relation:
    if not user.is_authenticated or not user.is_active:
        return Relation.NONE
    if user.role == Role.PATIENT and case.owner_id == user.pk:
        return Relation.OWNER
    if (
        user.role == Role.CAREGIVER
        and case.grants.filter(caregiver=user, revoked_at__isnull=True).exists()
    ):
        return Relation.CAREGIVER
    if user.role == Role.COORDINATOR and case.coordinator_id == user.pk:
        return Relation.COORDINATOR
    if user.role == Role.ADMIN:
        return Relation.ADMIN
    return Relation.NONE


def can(user: User, perm: Perm, case: CaseRecord) -> bool:
    return relation(user, case) in POLICY[perm]


def perms_for(user: User, case: CaseRecord) -> frozenset[Perm]:
    """Everything this person may do with this case (templates show only those links)."""
    rel = relation(user, case)
    return frozenset(perm for perm, allowed in POLICY.items() if rel in allowed)


def visible_cases(user: User) -> QuerySet[CaseRecord]:
    """The cases whose record this person may read (admins list cases without content)."""
    cases = CaseRecord.objects.select_related("owner", "coordinator")
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.role == Role.PATIENT:
        return cases.filter(owner=user)
    if user.role == Role.CAREGIVER:
        return cases.filter(
            Q(grants__caregiver=user) & Q(grants__revoked_at__isnull=True)
        ).distinct()
    if user.role == Role.COORDINATOR:
        return cases.filter(coordinator=user)
    return cases.none()


def listed_cases(user: User) -> QuerySet[CaseRecord]:
    """The cases on a person's dashboard: their visible cases, or every case for an admin."""
    if user.is_authenticated and user.is_active and user.role == Role.ADMIN:
        return CaseRecord.objects.select_related("owner", "coordinator")
    return visible_cases(user)


# -- review requests -----------------------------------------------------------------------------
def review_party(user: User, request: ReviewRequest) -> Party:
    """How this person stands to this review request (see :mod:`cases.workflow`).

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
    """May this person make ``move`` on this request now? (The table is in cases.workflow.)"""
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
