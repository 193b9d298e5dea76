"""Every URL x every persona x every method it accepts, against a declared policy table.

The table below is the single source of truth for who may do what (design section 1). A URL
added to the app without a row here makes ``test_every_url_has_a_row`` fail. Outcomes:

- ``ok``: the page or the action worked (2xx, or a redirect that is not to sign-in);
- ``login``: sent to the sign-in page;
- ``denied``: 404, the same answer as for a case that does not exist;
- ``forbidden``: 403, a page for another role.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEvent
from tests.web.conftest import INVITE_TOKEN, PERSONAS, World
from tests.web.documents.conftest import matrix_document, upload_file, writer_pdf
from tests.web.documents.redaction_world import matrix_redaction
from tests.web.review_world import queued_case, request_in, request_kwargs, token_id_of
from tests.web.screening.conftest import matrix_screening, tiny_results

pytestmark = pytest.mark.integration

ROLES = ("patient", "caregiver", "coordinator", "reviewer", "admin")
OUTSIDERS = tuple(f"outsider_{r}" for r in ("patient", "caregiver", "coordinator", "reviewer"))


def policy(
    ok: tuple[str, ...] = (), anonymous: str = "login", others: str = "denied"
) -> dict[str, str]:
    """Expected outcome per persona: ``ok`` for the listed ones, ``others`` for the rest."""
    out = {p: ("ok" if p in ok else others) for p in PERSONAS}
    out["anonymous"] = "ok" if "anonymous" in ok else anonymous
    return out


PUBLIC = policy(ok=PERSONAS)
SIGNED_IN = policy(ok=(*ROLES, *OUTSIDERS))
CASE_TEAM = policy(ok=("patient", "caregiver", "coordinator"))
OWNER = policy(ok=("patient",))
OWNER_OR_ADMIN = policy(ok=("patient", "admin"))
DECIDERS = policy(ok=("patient", "caregiver"))
ADMIN_ON_CASE = policy(ok=("admin",))
COORDINATOR_ON_CASE = policy(ok=("coordinator",))
ADMIN_ROLE = policy(ok=("admin",), others="forbidden")
PATIENT_ROLE = policy(ok=("patient", "outsider_patient"), others="forbidden")
REVIEWER_ROLE = policy(ok=("reviewer", "outsider_reviewer"), others="forbidden")
PACKET = {**policy(ok=("reviewer",), others="forbidden"), "outsider_reviewer": "denied"}
COORDINATOR_ROLE = policy(ok=("coordinator", "outsider_coordinator"), others="forbidden")
WORKLIST_ROLE = policy(ok=("coordinator", "outsider_coordinator", "admin"), others="forbidden")
OWN_RESULTS = {  # a screening results file: its uploader only; other roles never reach it
    **policy(ok=("coordinator",), others="forbidden"),
    "outsider_coordinator": "denied",
    "admin": "denied",
}
OWN_RESULTS_CASE = {  # a case from a row: its uploader, a coordinator (admins look after no one)
    **policy(ok=("coordinator",), others="forbidden"),
    "outsider_coordinator": "denied",
}
IMPORTERS = policy(
    ok=("patient", "coordinator", "outsider_patient", "outsider_coordinator"), others="forbidden"
)


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    get: dict[str, str] | None = None
    post: dict[str, str] | None = None
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    variants: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    json_body: bool = False  # send ``data`` as a JSON body (CDS Hooks), not as a form


def case_a(w: World) -> dict[str, Any]:
    return {"case_id": w.case.pk}


STEP_POST = {"version": "1", "next": "stay"}
CDS_FEEDBACK = {
    "feedback": [
        {"card": "c-1", "outcome": "overridden", "outcomeTimestamp": "2025-01-02T03:04:05Z"}
    ]
}
CDS_CALL = {
    "hook": "patient-view",
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "context": {"userId": "Practitioner/example", "patientId": "1288992"},
    "prefetch": {
        "patient": {"resourceType": "Patient", "id": "1288992", "gender": "male"},
        "conditions": None,  # looked for, none found: an answer (no cards), not a 412
    },
}

MATRIX: dict[str, Row] = {
    "home": Row(get=PUBLIC),
    "about": Row(get=PUBLIC),
    "glossary": Row(get=PUBLIC),
    "floor": Row(get=PUBLIC),
    "set_language": Row(post=PUBLIC, data=lambda w: {"language": "zh-hans", "next": "/"}),
    "invite": Row(kwargs=lambda w: {"token": INVITE_TOKEN}, get=PUBLIC),
    "accounts:login": Row(get=PUBLIC),
    "accounts:logout": Row(post=PUBLIC),
    "accounts:register": Row(get=PUBLIC),
    "accounts:password": Row(get=SIGNED_IN),
    "accounts:settings": Row(
        get=SIGNED_IN, post=SIGNED_IN, data=lambda w: {"email": "", "time_zone": "Asia/Shanghai"}
    ),
    "accounts:password_reset": Row(
        get=PUBLIC, post=PUBLIC, data=lambda w: {"email": "nobody@example.org"}
    ),
    "accounts:password_reset_done": Row(get=PUBLIC),
    "accounts:password_reset_confirm": Row(
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}, get=PUBLIC
    ),
    "accounts:password_reset_complete": Row(get=PUBLIC),
    "accounts:staff": Row(get=ADMIN_ROLE),
    # Two-step sign-in: staff clients here have passed it (tests/web/conftest.py: sign_in);
    # the gate itself is tested in tests/web/test_twofactor.py.
    "accounts:twofactor_setup": Row(get=SIGNED_IN),
    "accounts:twofactor_verify": Row(get=SIGNED_IN),
    "accounts:twofactor_codes": Row(get=SIGNED_IN, post=SIGNED_IN),
    "cases:dashboard": Row(get=SIGNED_IN),
    "cases:new": Row(get=PATIENT_ROLE, post=PATIENT_ROLE, data=lambda w: {"title": "Mine"}),
    "cases:overview": Row(kwargs=case_a, get=CASE_TEAM),
    "cases:step": Row(
        kwargs=case_a,
        get=CASE_TEAM,
        post=CASE_TEAM,
        data=lambda w: STEP_POST,
        variants=tuple({"number": n} for n in range(1, 7)),
    ),
    "drafts:save": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "number": 1},
        post=CASE_TEAM,
        data=lambda w: {"patient.city": "Shanghai", "version": "1"},
    ),
    "drafts:discard": Row(kwargs=lambda w: {"case_id": w.case.pk, "number": 1}, post=CASE_TEAM),
    "drafts:keepalive": Row(post=SIGNED_IN, data=lambda w: {"next": "/cases/"}),
    "cases:checklist": Row(
        kwargs=case_a, get=CASE_TEAM, post=CASE_TEAM, data=lambda w: {"done": "records.pathology"}
    ),
    "cases:tasks": Row(
        kwargs=case_a, get=CASE_TEAM, post=CASE_TEAM, data=lambda w: {"title": "Call"}
    ),
    "cases:task_toggle": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "task_id": w.task_id}, post=CASE_TEAM
    ),
    "cases:decide": Row(
        kwargs=case_a, post=DECIDERS, data=lambda w: {"confirm": "1", "choice": "wait"}
    ),
    "cases:caregivers": Row(kwargs=case_a, get=OWNER, post=OWNER, data=lambda w: {"label": "son"}),
    "cases:caregiver_revoke": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "grant_id": w.grant.pk}, post=OWNER
    ),
    "cases:invite_cancel": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "invite_id": w.invite.pk}, post=OWNER
    ),
    "cases:assign": Row(
        kwargs=case_a,
        post=ADMIN_ON_CASE,
        data=lambda w: {"coordinator": w.users["outsider_coordinator"].pk},
    ),
    # Coordination (issue 13): the patient's side asks; any coordinator sees the queue and may
    # take a queued case (tests/web/test_coordination.py has the limited view per persona).
    "cases:ask_coordinator": Row(kwargs=case_a, post=DECIDERS),
    "cases:queue": Row(get=COORDINATOR_ROLE),
    "cases:take": Row(
        kwargs=lambda w: {"case_id": queued_case(w).pk},
        post=policy(ok=("coordinator", "outsider_coordinator")),
    ),
    "cases:review_send": Row(
        kwargs=case_a,
        get=COORDINATOR_ON_CASE,
        post=COORDINATOR_ON_CASE,
        data=lambda w: {
            "reviewers": [w.users["reviewer"].pk],
            "question": "Is CAR-T realistic?",
            "action": "send",
        },
    ),
    "cases:review_preview": Row(kwargs=case_a, get=COORDINATOR_ON_CASE),
    "cases:review_withdraw": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "request_id": w.review.pk},
        post=COORDINATOR_ON_CASE,
    ),
    "cases:report": Row(kwargs=case_a, get=CASE_TEAM),
    "cases:report_pdf": Row(kwargs=case_a, get=CASE_TEAM),
    "cases:audit": Row(kwargs=case_a, get=OWNER_OR_ADMIN),
    "cases:audit_csv": Row(kwargs=case_a, get=OWNER_OR_ADMIN),
    "reviews:inbox": Row(get=REVIEWER_ROLE),
    "reviews:packet": Row(
        kwargs=lambda w: {"request_id": w.review.pk},
        get=PACKET,
        post=PACKET,
        data=lambda w: {"view": "agree", "answer": "Worth a CAR-T consult."},
    ),
    "reviews:packet_document": Row(kwargs=lambda w: {"request_id": w.review.pk}, get=PACKET),
    # Review life cycle (issue 6); the API has its own matrix in tests/web/api/.
    "cases:next_steps": Row(get=COORDINATOR_ROLE),
    "cases:review_detail": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "request_id": w.review.pk}, get=CASE_TEAM
    ),
    "cases:review_edit": Row(
        kwargs=request_kwargs("draft"),
        get=COORDINATOR_ON_CASE,
        post=COORDINATOR_ON_CASE,
        data=lambda w: {"reviewers": [w.users["reviewer"].pk], "question": "Still realistic?"},
    ),
    "cases:review_dispatch": Row(kwargs=request_kwargs("draft"), post=COORDINATOR_ON_CASE),
    "cases:review_packet": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "request_id": w.review.pk},
        get=COORDINATOR_ON_CASE,
    ),
    "reviews:consensus": Row(
        kwargs=lambda w: {"request_id": request_in(w, "answered").pk},
        post=PACKET,
        data=lambda w: {"consensus_view": "agree", "consensus_text": "A consult is worth it."},
    ),
    "api_tokens:list": Row(
        get=SIGNED_IN, post=SIGNED_IN, data=lambda w: {"label": "x", "days": 30}
    ),
    "api_tokens:revoke": Row(
        kwargs=lambda w: {"token_id": token_id_of(w, "patient")}, post=policy(ok=("patient",))
    ),
    "audit:all": Row(get=ADMIN_ROLE),
    "audit:csv": Row(get=ADMIN_ROLE),
    # CDS Hooks endpoints take no Crossroads session: CDS clients (health record systems)
    # authenticate each call with a signed JWT (off in these settings, always on in production;
    # tests/web/interop/test_cds_auth.py), and the service stores no health data; its answers
    # derive only from the request. The card link checks who is asking (signed-in people; it
    # opens only cases they may already see).
    "interop:cds_discovery": Row(get=PUBLIC),
    "interop:cds_service": Row(
        kwargs=lambda w: {"service_id": "crossroads-car-t"},
        post=PUBLIC,
        data=lambda w: CDS_CALL,
        json_body=True,
    ),
    "interop:cds_feedback": Row(
        kwargs=lambda w: {"service_id": "crossroads-car-t"},
        post=PUBLIC,
        data=lambda w: CDS_FEEDBACK,
        json_body=True,
    ),
    "interop:cds_patient": Row(kwargs=lambda w: {"patient_id": "1288992"}, get=SIGNED_IN),
    "interop:fhir_export": Row(kwargs=case_a, get=CASE_TEAM),
    "interop:fhir_import": Row(
        get=IMPORTERS,
        post=IMPORTERS,
        data=lambda w: {
            "step": "check",
            "title": "From the hospital",
            "bundle": json.dumps({"resourceType": "Patient", "id": "1288992"}),
        },
    ),
    "interop:trials": Row(kwargs=case_a, get=CASE_TEAM),
    # Record documents (issue 15): the case team reads and uploads; only the owner deletes.
    "documents:list": Row(kwargs=case_a, get=CASE_TEAM),
    "documents:upload": Row(
        kwargs=case_a, post=CASE_TEAM, data=lambda w: {"file": upload_file("a.pdf", writer_pdf())}
    ),
    "documents:detail": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "document_id": matrix_document(w).pk},
        get=CASE_TEAM,
        post=CASE_TEAM,
        data=lambda w: {"version": str(w.case.version)},
    ),
    "documents:status": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "document_id": matrix_document(w).pk},
        get=CASE_TEAM,
    ),
    "documents:file": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "document_id": matrix_document(w).pk},
        get=CASE_TEAM,
    ),
    "documents:delete": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "document_id": matrix_document(w).pk},
        post=OWNER,
    ),
    # Redacted copies for the specialist packet: the case's coordinator makes, reads and
    # approves them; the reviewers of a request sent after the approval download them.
    "documents:redact": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "document_id": matrix_document(w).pk},
        post=COORDINATOR_ON_CASE,
    ),
    "documents:redacted": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "document_id": matrix_redaction(w).document_id},
        get=COORDINATOR_ON_CASE,
    ),
    "documents:redaction_approve": Row(
        kwargs=lambda w: {"case_id": w.case.pk, "document_id": matrix_redaction(w).document_id},
        post=COORDINATOR_ON_CASE,
    ),
    "reviews:packet_attachment": Row(
        kwargs=lambda w: {"request_id": w.review.pk, "copy_id": matrix_redaction(w).pk},
        get=PACKET,
    ),
    # Screening worklist (issue 16): coordinators and admins; a results file its uploader only.
    "screening:list": Row(get=WORKLIST_ROLE),
    "screening:upload": Row(
        post=WORKLIST_ROLE,
        data=lambda w: {"label": "Run", "file": upload_file("r.parquet", tiny_results())},
    ),
    "screening:worklist": Row(
        kwargs=lambda w: {"file_id": matrix_screening(w).pk}, get=OWN_RESULTS
    ),
    "screening:open": Row(
        kwargs=lambda w: {"file_id": matrix_screening(w).pk, "number": 1}, get=OWN_RESULTS
    ),
    "screening:case": Row(
        kwargs=lambda w: {"file_id": matrix_screening(w).pk, "number": 1}, post=OWN_RESULTS_CASE
    ),
    "screening:delete": Row(kwargs=lambda w: {"file_id": matrix_screening(w).pk}, post=OWN_RESULTS),
}


def url_names(patterns: list[Any] | None = None, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found |= url_names(entry.url_patterns, space)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL {entry.pattern} has no name: name it and add a row"
            found.add(prefix + entry.name)
    return found


def test_every_url_has_a_row() -> None:
    pages = {name for name in url_names() if not name.startswith("api:")}  # tests/web/api/
    assert pages == set(MATRIX)


def outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303):
        return "login" if response["Location"].startswith("/accounts/login/") else "ok"
    if response.status_code == 404:
        return "denied"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code in (200, 201):
        return "ok"
    return f"status {response.status_code}"


def _cases() -> list[Any]:
    out = []
    for name, row in MATRIX.items():
        for method, table in (("GET", row.get), ("POST", row.post)):
            if table is None:
                continue
            for variant in row.variants or ({},):
                for persona in PERSONAS:
                    label = f"{name}-{method}-{persona}" + "".join(
                        f"-{v}" for v in variant.values()
                    )
                    out.append(
                        pytest.param(name, method, variant, persona, table[persona], id=label)
                    )
    return out


@pytest.mark.parametrize(("name", "method", "variant", "persona", "expected"), _cases())
def test_permission_matrix(
    world: World, name: str, method: str, variant: dict[str, Any], persona: str, expected: str
) -> None:
    row = MATRIX[name]
    url = reverse(name, kwargs={**row.kwargs(world), **variant})
    client = world.client(persona)
    before = AuditEvent.objects.filter(outcome="denied").count()
    if method == "GET":
        response = client.get(url)
    elif row.json_body:
        response = client.post(url, json.dumps(row.data(world)), content_type="application/json")
    else:
        response = client.post(url, row.data(world))
    assert outcome(response) == expected
    if expected in ("denied", "forbidden"):
        assert AuditEvent.objects.filter(outcome="denied").count() == before + 1


def test_tampered_ids_are_denied(world: World) -> None:
    """Another case's grant, invite, review request or task under case A's owner: all 404."""
    client = world.client("patient")
    other = world.other_case
    other_grant = other.grants.first()
    urls = [
        reverse(
            "cases:caregiver_revoke", kwargs={"case_id": world.case.pk, "grant_id": other_grant.pk}
        ),
        reverse("cases:caregiver_revoke", kwargs={"case_id": other.pk, "grant_id": world.grant.pk}),
        reverse("cases:task_toggle", kwargs={"case_id": world.case.pk, "task_id": "t-nope"}),
    ]
    for url in urls:
        assert client.post(url).status_code == 404, url
    coordinator = world.client("coordinator")
    url = reverse(
        "cases:review_withdraw",
        kwargs={"case_id": world.case.pk, "request_id": world.other_review.pk},
    )
    assert coordinator.post(url).status_code == 404
    other_grant.refresh_from_db()
    assert other_grant.revoked_at is None
