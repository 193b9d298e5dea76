"""Every change this app makes, with its audit event, and the audit events of its reads.

Like ``cases.actions``: views parse and check permission; these functions write the change and
its event in one transaction. Events name what happened, never health data: no patient ids, no
field values (only counts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from accounts.models import Role, User
from audit.actions import Actor, record
from audit.models import Outcome
from cases import actions as case_actions
from cases.models import CaseRecord
from crossroads.interop.cdshooks import Feedback
from interop.models import FhirPatientLink, LinkOrigin


def _link(case: CaseRecord, patient_id: str | None, origin: LinkOrigin) -> bool:
    """Remember that this FHIR patient id belongs to the case; True if it is new."""
    if not patient_id:
        return False
    _, created = FhirPatientLink.objects.get_or_create(
        case=case, patient_id=patient_id, defaults={"origin": origin}
    )
    return created


def record_export(actor: Actor, case: CaseRecord, patient_id: str | None) -> None:
    """A download of the case as a FHIR Bundle, and the Patient id the Bundle gave it."""
    with transaction.atomic():
        linked = _link(case, patient_id, LinkOrigin.EXPORT)
        record(actor, "fhir.export", case_id=case.pk, detail={"new_patient_link": linked})


def record_import_check(actor: Actor, notes: Iterable[Any]) -> None:
    """A Bundle was read and its report shown; nothing was saved."""
    counts = Counter(note.kind for note in notes)
    record(actor, "fhir.import_check", detail={"notes": dict(sorted(counts.items()))})


def import_case(
    actor: Actor,
    user: User,
    title: str,
    data: dict[str, Any],
    patient_id: str | None,
    notes: Iterable[Any],
) -> CaseRecord:
    """A new case from an imported Bundle, after the person confirmed the report.

    A patient owns the new case. A coordinator who imports a case for someone without an
    account yet is both its owner of record and its coordinator, so that they, and only they,
    can see it until an administrator assigns it otherwise.
    """
    counts = Counter(note.kind for note in notes)
    with transaction.atomic():
        case = case_actions.import_case(actor, user, title, data)
        if user.role == Role.COORDINATOR:
            CaseRecord.objects.filter(pk=case.pk).update(coordinator=user)
            case.refresh_from_db()
        _link(case, patient_id, LinkOrigin.IMPORT)
        record(
            actor,
            "fhir.import",
            case_id=case.pk,
            detail={"notes": dict(sorted(counts.items())), "patient_link": bool(patient_id)},
        )
    return case


def record_cds_open(actor: Actor, found: list[CaseRecord]) -> None:
    """Someone followed a card's link; which of their cases it led to (never the patient id)."""
    record(
        actor,
        "cds.open",
        case_id=found[0].pk if len(found) == 1 else None,
        detail={"cases": len(found)},
    )


def record_cds_call(actor: Actor, service: str, status: int, cards: int = 0) -> None:
    """One call of the CDS service: which service, the answer's status and how many cards."""
    record(actor, "cds.call", detail={"service": service[:64], "status": status, "cards": cards})


def record_cds_refusal(actor: Actor, service: str, action: str, status: int = 401) -> None:
    """A CDS call or feedback refused before it was read (an unauthenticated client, 401)."""
    record(
        actor,
        action,
        outcome=Outcome.DENIED if status == 401 else Outcome.OK,
        detail={"service": service[:64], "status": status, "cards": 0}
        if action == "cds.call"
        else {"service": service[:64], "status": status},
    )


def record_cds_feedback(actor: Actor, service: str, items: Iterable[Feedback]) -> None:
    """What the clinician did with each card (CDS Hooks feedback), one event per item.

    Kept: the card id, the outcome, when, the accepted suggestion ids and the override reason's
    code; whether a comment was written, never its words (it may name the patient).
    """
    with transaction.atomic():
        for item in items:
            detail: dict[str, Any] = {
                "service": service[:64],
                "card": item.card,
                "outcome": item.outcome,
                "at": item.at.isoformat(),
            }
            if item.accepted:
                detail["suggestions"] = list(item.accepted)
            if item.reason is not None:
                detail["reason"] = {"system": item.reason[0], "code": item.reason[1]}
            if item.comment:
                detail["comment"] = True
            record(actor, "cds.feedback", detail=detail)
