"""The one permission layer: who may do what with which case.

The pages and the JSON API both ask :func:`can` before they touch a case, and list cases only
through :func:`visible_cases`; review requests build on it (:mod:`review.permissions`). A
person's *relation* to a case follows from their role and the rows that link them to it (design
section 1); the policy table below is the single source of truth, and the permission matrices
(pages and API) check every URL against it.

Denied access to a case looks the same as a case that does not exist (404), so that nobody can
learn which case numbers are in use.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from cases.models import CaseRecord


class Relation(StrEnum):
    OWNER = "owner"
    CAREGIVER = "caregiver"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    QUEUE = "queue"  # a coordinator, and the case waits in the queue for one (no coordinator yet)
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
    TAKE = "take"  # see a queued case's summary and take it (become its coordinator)
    ASK_COORDINATOR = "ask_coordinator"  # ask for a care coordinator and a specialist review


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
    Perm.TAKE: frozenset({Relation.QUEUE}),
    Perm.ASK_COORDINATOR: frozenset({Relation.OWNER, Relation.CAREGIVER}),
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
    if user.role == Role.COORDINATOR and case.coordinator_id is None and queued(case):
        return Relation.QUEUE
    if user.role == Role.ADMIN:
        return Relation.ADMIN
    return Relation.NONE


def queued(case: CaseRecord) -> bool:
    """The patient's side asked for a coordinator and none has taken the case yet.

    The requests live in the review app (``review.models.CoordinationRequest``); reached here
    through the reverse relation, so this layer stays the one place that decides.
    """
    return bool(case.coordination_requests.filter(taken_at__isnull=True).exists())


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
