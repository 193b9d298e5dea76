"""Case endpoints: the record (create, read, replace, delete) and the core's results for it.

Each endpoint asks the same permission layer as the pages, through the same check
(:func:`cases.access.checked_case`): a case the caller may not reach answers 404, exactly like a
case that does not exist, and the refusal is in the audit trail. Changes go through
:mod:`cases.actions`; results come from the core, as on the step pages.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from accounts.models import Role, User
from api.errors import core_lang
from api.schemas import (
    AssessIn,
    CaseCreate,
    CaseOut,
    CaseSummary,
    CaseUpdate,
    CoreData,
    Deleted,
    Goal,
    Id,
    Lang,
    Place,
    answers,
)
from audit.actions import Actor, record
from cases import actions, results, steps
from cases.access import checked_case
from cases.models import CaseRecord
from cases.permissions import Perm, can, listed_cases, relation
from crossroads.engine.classify import classify
from crossroads.engine.codes import check_codes
from crossroads.kb import JURISDICTIONS
from crossroads.render.data import assessment_data
from crossroads.steps.compare import compare, grid_data
from crossroads.steps.timeline import build_timeline, timeline_data
from review.packet import build_packet

router = Router(tags=["cases"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _case(request: HttpRequest, case_id: int, perm: Perm) -> CaseRecord:
    found = checked_case(request, case_id, perm)
    if found is None:
        raise Http404("no such case")
    return found


def _lang(request: HttpRequest, lang: str | None) -> str:
    return lang or core_lang(request)


def _read(request: HttpRequest, case: CaseRecord, what: str) -> None:
    record(Actor.from_request(request), "case.view", case_id=case.pk, detail={"page": what})


def _out(request: HttpRequest, case: CaseRecord) -> dict[str, Any]:
    return {
        "id": case.pk,
        "title": case.title,
        "version": case.version,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "relation": str(relation(_user(request), case)),
        "record": case.data,
    }


@router.get("/cases", response=answers(200, list[CaseSummary]), operation_id="list_cases")
def list_cases(request: HttpRequest) -> list[dict[str, Any]]:
    """The cases on the caller's dashboard (administrators: every case, without content)."""
    user = _user(request)
    found = list(listed_cases(user))
    record(Actor.from_request(request), "case.list", detail={"count": len(found), "via": "api"})
    return [
        {
            "id": c.pk,
            "title": c.title if can(user, Perm.VIEW, c) else None,
            "version": c.version,
            "updated_at": c.updated_at,
            "relation": str(relation(user, c)),
        }
        for c in found
    ]


@router.post(
    "/cases",
    response=answers(201, CaseOut),
    by_alias=True,
    exclude_none=True,
    operation_id="create_case",
)
def create_case(request: HttpRequest, payload: CaseCreate) -> Status[dict[str, Any]]:
    """Start a case (patients), empty or from a record in the public case format."""
    user = _user(request)
    if user.role != Role.PATIENT:
        record(
            Actor.from_request(request),
            "access.denied",
            outcome="denied",
            detail={"why": "role", "method": request.method},
        )
        raise HttpError(403, "Only patients start cases.")
    actor = Actor.from_request(request)
    if payload.record is None:
        case = actions.create_case(actor, user, payload.title)
    else:
        record_data = actions.with_own_notes(payload.record.to_data(), {})
        case = actions.import_case(actor, user, payload.title, record_data)
    return Status(201, _out(request, case))


@router.get(
    "/cases/{case_id}",
    response=answers(200, CaseOut),
    by_alias=True,
    exclude_none=True,
    operation_id="get_case",
)
def get_case(request: HttpRequest, case_id: Path[Id]) -> dict[str, Any]:
    """The case record, with the version to send back with a change."""
    case = _case(request, case_id, Perm.VIEW)
    _read(request, case, "api.record")
    return _out(request, case)


@router.put(
    "/cases/{case_id}",
    response=answers(200, CaseOut),
    by_alias=True,
    exclude_none=True,
    operation_id="update_case",
)
def update_case(request: HttpRequest, case_id: Path[Id], payload: CaseUpdate) -> dict[str, Any]:
    """Replace the record; refused (409) if it changed since the version you read."""
    case = _case(request, case_id, Perm.EDIT)
    actions.replace_record(
        Actor.from_request(request),
        case,
        payload.record.to_data(),
        payload.version,
        payload.title,
    )
    return _out(request, case)


@router.delete("/cases/{case_id}", response=answers(200, Deleted), operation_id="delete_case")
def delete_case(request: HttpRequest, case_id: Path[Id]) -> dict[str, int]:
    """Delete the case (its owner only). The audit trail keeps its events."""
    case = _case(request, case_id, Perm.DELETE)
    actions.delete_case(Actor.from_request(request), case)
    return {"deleted": case_id}


# -- the core's results ---------------------------------------------------------------------------
@router.get(
    "/cases/{case_id}/assessment", response=answers(200, CoreData), operation_id="assess_case"
)
def assess_case(
    request: HttpRequest, case_id: Path[Id], lang: Query[Lang | None] = None
) -> dict[str, Any]:
    """Step 2: CAR-T per product, indication and place (``crossroads assess`` as JSON)."""
    case = _case(request, case_id, Perm.VIEW)
    _read(request, case, "api.assessment")
    chosen = _lang(request, lang)
    return results.cached(  # type: ignore[no-any-return]
        case,
        "api-assessment",
        chosen,
        lambda: assessment_data(results.classification(case), results.kb(), chosen),
    )


@router.get(
    "/cases/{case_id}/compare", response=answers(200, CoreData), operation_id="compare_case"
)
def compare_case(
    request: HttpRequest,
    case_id: Path[Id],
    lang: Query[Lang | None] = None,
    goal: Query[Goal | None] = None,
) -> dict[str, Any]:
    """Step 3: the option grid (``crossroads compare`` as JSON), against the case's goal or
    ``goal``."""
    case = _case(request, case_id, Perm.VIEW)
    _read(request, case, "api.compare")
    chosen = _lang(request, lang)

    def make() -> dict[str, Any]:
        kb = results.kb()
        grid = compare(results.core_case(case), kb, results.classification(case), goal=goal)
        return grid_data(grid, kb, chosen)

    return results.cached(case, f"api-compare-{goal}", chosen, make)  # type: ignore[no-any-return]


@router.get(
    "/cases/{case_id}/timeline", response=answers(200, CoreData), operation_id="case_timeline"
)
def case_timeline(
    request: HttpRequest,
    case_id: Path[Id],
    lang: Query[Lang | None] = None,
    place: Query[Place | None] = None,
) -> dict[str, Any]:
    """Step 4: the timeline from referral to recovery for one place (``crossroads timeline``)."""
    case = _case(request, case_id, Perm.VIEW)
    _read(request, case, "api.timeline")
    chosen = _lang(request, lang)
    shown = steps.timeline_place(case, place)

    def make() -> dict[str, Any]:
        kb = results.kb()
        tl = build_timeline(results.core_case(case), kb, shown, today=results.today())
        return timeline_data(tl, kb, chosen)

    return results.cached(case, f"api-timeline-{shown}", chosen, make)  # type: ignore[no-any-return]


@router.get("/cases/{case_id}/packet", response=answers(200, CoreData), operation_id="case_packet")
def case_packet(
    request: HttpRequest, case_id: Path[Id], lang: Query[Lang | None] = None
) -> dict[str, Any]:
    """The de-identified packet as it would be sent now (the case's coordinator)."""
    case = _case(request, case_id, Perm.SEND_FOR_REVIEW)
    _read(request, case, "api.packet")
    return build_packet(case, _lang(request, lang))


@router.post("/assess", response=answers(200, CoreData), operation_id="assess_record")
def assess_record(request: HttpRequest, payload: AssessIn) -> dict[str, Any]:
    """Assess a record sent with the request, without storing it.

    Nothing is kept, so nothing is added to the audit trail: it records reads and changes of
    stored cases.
    """
    kb = results.kb()
    places: list[Any] = list(dict.fromkeys(payload.jurisdictions or JURISDICTIONS))
    case = check_codes(payload.record, kb)
    classification = classify(case, kb, places, results.today())
    return assessment_data(classification, kb, payload.lang)
