"""Every API endpoint x every persona x own / other object, against a declared policy table.

The API asks the same permission layer as the pages, so this table mirrors the pages' matrix
(tests/web/test_permission_matrix.py): case endpoints follow the same relations, review
endpoints the life-cycle table. "Own" objects belong to case A (the personas' case); "other"
objects to case B, where each outsider stands as its counterpart stands to case A, so the
expected outcome on B is the counterpart's outcome on A. An endpoint added without a row makes
``test_every_endpoint_has_a_row`` fail. Outcomes:

- ``ok``: 200 or 201;
- ``unauthorized``: 401, no token;
- ``denied``: 404, the same answer as for a case or request that does not exist (logged);
- ``forbidden``: 403, an endpoint for another role (logged).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLResolver, get_resolver

from audit.models import AuditEvent
from tests.web.api.helpers import call
from tests.web.conftest import PERSONAS, World
from tests.web.factories import CASE_DATA
from tests.web.review_world import request_in

pytestmark = pytest.mark.integration

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
COUNTERPART = {
    **{p: f"outsider_{p}" for p in ("patient", "caregiver", "coordinator", "reviewer")},
    **{f"outsider_{p}": p for p in ("patient", "caregiver", "coordinator", "reviewer")},
    "admin": "admin",
    "anonymous": "anonymous",
}


def policy(ok: tuple[str, ...] = (), others: str = "denied") -> dict[str, str]:
    out = {p: ("ok" if p in ok else others) for p in PERSONAS}
    out["anonymous"] = "ok" if "anonymous" in ok else "unauthorized"
    return out


EVERYONE = policy(ok=tuple(SIGNED_IN))
PUBLIC = policy(ok=tuple(PERSONAS))
CASE_TEAM = policy(ok=("patient", "caregiver", "coordinator"))
OWNER = policy(ok=("patient",))
COORDINATOR = policy(ok=("coordinator",))
REVIEWER = policy(ok=("reviewer",))
REVIEW_READERS = policy(ok=("patient", "caregiver", "coordinator", "reviewer"))
PACKET_READERS = policy(ok=("coordinator", "reviewer"))
PATIENT_ROLE = policy(ok=("patient", "outsider_patient"), others="forbidden")
NOBODY = {**policy(), "anonymous": "denied"}  # ninja's root: always 404


@dataclass(frozen=True)
class Target:
    """What a request is about: a case and, for review endpoints, one of its requests."""

    world: World
    case: Any

    def review(self, state: str) -> Any:
        return request_in(self.world, state, self.case)

    @property
    def reviewer_pk(self) -> int:
        other = self.case.pk == self.world.other_case.pk
        return int(self.world.users["outsider_reviewer" if other else "reviewer"].pk)


Path = Callable[[Target], str]
Body = Callable[[Target], Any]


@dataclass(frozen=True)
class Row:
    method: str
    path: Path
    table: dict[str, str]
    body: Body = lambda t: None
    per_object: bool = True  # False: no object in the path (one variant only)
    audited: bool = True  # a refusal leaves an audit event


def case_path(suffix: str = "") -> Path:
    return lambda t: f"/cases/{t.case.pk}{suffix}"


def review_path(state: str, suffix: str = "") -> Path:
    return lambda t: f"/reviews/{t.review(state).pk}{suffix}"


MATRIX: dict[str, Row] = {
    "api:openapi-json": Row("GET", lambda t: "/openapi.json", PUBLIC, per_object=False),
    "api:api-root": Row("GET", lambda t: "/", NOBODY, per_object=False, audited=False),
    "api:list_cases": Row("GET", lambda t: "/cases", EVERYONE, per_object=False),
    "api:create_case": Row(
        "POST", lambda t: "/cases", PATIENT_ROLE, body=lambda t: {"title": "Mine"}, per_object=False
    ),
    "api:get_case": Row("GET", case_path(), CASE_TEAM),
    "api:update_case": Row(
        "PUT",
        case_path(),
        CASE_TEAM,
        body=lambda t: {"version": t.case.version, "record": t.case.data},
    ),
    "api:delete_case": Row("DELETE", case_path(), OWNER),
    "api:assess_case": Row("GET", case_path("/assessment"), CASE_TEAM),
    "api:compare_case": Row("GET", case_path("/compare"), CASE_TEAM),
    "api:case_timeline": Row("GET", case_path("/timeline"), CASE_TEAM),
    "api:case_packet": Row("GET", case_path("/packet"), COORDINATOR),
    "api:assess_record": Row(
        "POST",
        lambda t: "/assess",
        EVERYONE,
        body=lambda t: {"record": CASE_DATA},
        per_object=False,
    ),
    "api:list_reviews": Row("GET", lambda t: "/reviews", EVERYONE, per_object=False),
    "api:list_case_reviews": Row("GET", case_path("/reviews"), CASE_TEAM),
    "api:create_review": Row(
        "POST",
        case_path("/reviews"),
        COORDINATOR,
        body=lambda t: {"question": "Is CAR-T realistic?", "reviewers": [t.reviewer_pk]},
    ),
    "api:get_review": Row("GET", review_path("sent"), REVIEW_READERS),
    "api:edit_review": Row(
        "PATCH", review_path("draft"), COORDINATOR, body=lambda t: {"question": "Still?"}
    ),
    "api:send_review": Row("POST", review_path("draft", "/send"), COORDINATOR),
    "api:answer_review": Row(
        "POST",
        review_path("sent", "/answer"),
        REVIEWER,
        body=lambda t: {"view": "agree", "answer": "Worth a consult."},
    ),
    "api:record_consensus": Row(
        "POST",
        review_path("answered", "/consensus"),
        REVIEWER,
        body=lambda t: {"view": "agree", "text": "A consult is worth it."},
    ),
    "api:close_review": Row("POST", review_path("sent", "/close"), COORDINATOR),
    "api:review_packet": Row("GET", review_path("sent", "/packet"), PACKET_READERS),
}


def api_names() -> set[str]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            return {f"api:{p.name}" for p in entry.url_patterns}
    return set()


def test_every_endpoint_has_a_row() -> None:
    assert api_names() == set(MATRIX)


def outcome(status: int) -> str:
    return {200: "ok", 201: "ok", 401: "unauthorized", 403: "forbidden", 404: "denied"}.get(
        status, f"status {status}"
    )


def _cases() -> list[Any]:
    out = []
    for name, row in MATRIX.items():
        for which in ("own", "other") if row.per_object else ("none",):
            for persona in PERSONAS:
                who = COUNTERPART[persona] if which == "other" else persona
                out.append(
                    pytest.param(
                        name, which, persona, row.table[who], id=f"{name}-{which}-{persona}"
                    )
                )
    return out


@pytest.mark.parametrize(("name", "which", "persona", "expected"), _cases())
def test_api_matrix(world: World, name: str, which: str, persona: str, expected: str) -> None:
    row = MATRIX[name]
    target = Target(world, world.other_case if which == "other" else world.case)
    path, body = row.path(target), row.body(target)
    before = AuditEvent.objects.filter(outcome="denied").count()
    response = call(world, persona, row.method, path, body)
    assert outcome(response.status_code) == expected, response.content
    assert response["Content-Type"].startswith("application/json")
    if expected in ("denied", "forbidden") and row.audited:
        assert AuditEvent.objects.filter(outcome="denied").count() == before + 1
