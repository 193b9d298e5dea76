"""The CDS endpoints with client authentication on (as in production), the feedback endpoint,
and the service reading a FHIR server (a loopback thread) over HTTP.

What a token must be is tested in the core (tests/interop/test_cdsauth.py); here each kind of
refusal must come back as 401 JSON with ``WWW-Authenticate``, be audited without the token, and
a replay must be caught through the shared cache.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from audit.models import AuditEvent
from crossroads.interop.cdshooks import SERVICE_ID, discovery
from interop import checks
from tests.interop.localserver import serve
from tests.interop.test_cdsauth import EC_KEY, JWKS, OTHER_EC_KEY, _b64, public_jwk
from tests.interop.test_cdshooks import DLBCL_CONDITION, spec_request_with_lymphoma
from tests.web.interop.helpers import CDS_FIXTURES, load_json

pytestmark = pytest.mark.integration

BASE = "https://crossroads.example.org"
SERVICE = f"/cds-services/{SERVICE_ID}"
FEEDBACK = f"{SERVICE}/feedback"
ISS = "https://ehr.example.org/"
AUTH_ON = {
    "CROSSROADS_CDS_AUTH": True,
    "CROSSROADS_CDS_CLIENTS": [{"iss": ISS, "jwks": JWKS}],
    "CROSSROADS_CDS_BASE_URL": BASE,
}
REFUSED = "the CDS client is not authenticated: "


@pytest.fixture
def auth_on(db: None, settings: Any) -> Iterator[None]:
    for name, value in AUTH_ON.items():
        setattr(settings, name, value)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    monkeypatch.setattr("cases.results.today", lambda: dt.date(2026, 11, 30))


def signed(aud: str = BASE + SERVICE, key: Any = EC_KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISS, "aud": aud, "iat": now, "exp": now + 60, "jti": str(uuid.uuid4())}
    claims.update(changes)
    return jwt.encode(claims, key, algorithm="ES384", headers={"kid": "ec-1", "typ": "JWT"})


def post(url: str, body: Any, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_signed_call_gets_cards_and_the_client_is_audited(auth_on: None, today: None) -> None:
    response = post(SERVICE, spec_request_with_lymphoma(), signed())
    assert response.status_code == 200
    assert len(response.json()["cards"]) == 4
    (event,) = AuditEvent.objects.filter(action="cds.call")
    assert (event.role, event.actor_name, event.outcome, event.detail) == (
        "cds_client",
        ISS,
        "ok",
        {"service": SERVICE_ID, "status": 200, "cards": 4},
    )


def _alg_none() -> str:
    now = int(time.time())
    claims = {"iss": ISS, "aud": BASE + SERVICE, "iat": now, "exp": now + 60, "jti": "n"}
    return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': 'ec-1'})}.{_b64(claims)}."


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (
            None,
            "no Authorization header; send 'Authorization: Bearer <JWT>' signed with the "
            "client's private key.",
        ),
        (
            lambda: signed(key=OTHER_EC_KEY),
            "the signature does not verify with the client's key.",
        ),
        (
            lambda: signed(iss="https://stranger.example/"),
            "issuer 'https://stranger.example/' is not on the allow-list of CDS clients.",
        ),
        (
            lambda: signed(aud="https://crossroads.example.org/cds-services/other"),
            "the token's aud is not the address of the endpoint called.",
        ),
        (
            lambda: signed(aud="http://testserver" + SERVICE),
            "the token's aud is not the address of the endpoint called.",
        ),
        (
            lambda: signed(iat=int(time.time()) - 200, exp=int(time.time()) - 100),
            "the token has expired.",
        ),
        (_alg_none, "unsigned tokens (alg 'none') are not accepted."),
    ],
)
def test_unauthenticated_calls_get_401_json(auth_on: None, token: Any, reason: str) -> None:
    value = token() if callable(token) else token
    response = post(SERVICE, spec_request_with_lymphoma(), value)
    assert response.status_code == 401
    assert response.json() == {"error": REFUSED + reason}
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response["Access-Control-Allow-Origin"] == "*"
    (event,) = AuditEvent.objects.filter(action="cds.call")
    assert (event.role, event.outcome, event.detail) == (
        "anonymous",
        "denied",
        {"service": SERVICE_ID, "status": 401, "cards": 0},
    )
    if value:
        assert value not in json.dumps(list(AuditEvent.objects.values()), default=str)


def test_a_replayed_token_is_refused(auth_on: None, today: None) -> None:
    token = signed()
    assert post(SERVICE, spec_request_with_lymphoma(), token).status_code == 200
    again = post(SERVICE, spec_request_with_lymphoma(), token)
    assert (again.status_code, again.json()) == (
        401,
        {"error": REFUSED + "this token was already used (jti seen before); send a new one."},
    )


def test_the_key_set_may_come_from_the_configured_url(auth_on: None, settings: Any) -> None:
    with serve({"/jwks": {"keys": [public_jwk(EC_KEY, "ec-1", "ES384")]}}) as server:
        settings.CROSSROADS_CDS_CLIENTS = [{"iss": ISS, "jwks_url": server.url("/jwks")}]
        request = spec_request_with_lymphoma()
        request["prefetch"]["conditions"] = None
        response = post(SERVICE, request, signed())
    assert (response.status_code, response.json()) == (200, {"cards": []})
    assert server.paths == ["/jwks"]


def test_discovery_stays_public_with_authentication_on(auth_on: None) -> None:
    response = Client().get("/cds-services")
    assert (response.status_code, response.json()) == (200, discovery())


def test_without_authentication_on_calls_are_served_as_before(db: None, today: None) -> None:
    assert post(SERVICE, spec_request_with_lymphoma()).status_code == 200


# -- feedback -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "detail"),
    [
        (
            "feedback-accepted.json",
            {
                "service": SERVICE_ID,
                "card": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
                "outcome": "accepted",
                "at": "2021-12-11T10:05:31+00:00",
                "suggestions": ["e56e1945-20b3-4393-8503-a1a20fd73152"],
            },
        ),
        (
            "feedback-overridden.json",
            {
                "service": SERVICE_ID,
                "card": "f6b95768-b1c8-40dc-8385-bf3504b82ffb",
                "outcome": "overridden",
                "at": "2020-12-11T00:00:00+00:00",
            },
        ),
        (
            "feedback-override-reason.json",
            {
                "service": SERVICE_ID,
                "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
                "outcome": "overridden",
                "at": "2020-12-11T00:00:00+00:00",
                "reason": {
                    "system": "https://example.com/cds-hooks/override-reason-system",
                    "code": "d7ecf885",
                },
                "comment": True,
            },
        ),
    ],
)
def test_the_specifications_feedback_is_recorded_in_the_audit_trail(
    auth_on: None, name: str, detail: dict[str, Any]
) -> None:
    response = post(FEEDBACK, load_json(CDS_FIXTURES / name), signed(aud=BASE + FEEDBACK))
    assert (response.status_code, response.json()) == (200, {"recorded": 1})
    (event,) = AuditEvent.objects.filter(action="cds.feedback")
    assert (event.role, event.actor_name, event.detail) == ("cds_client", ISS, detail)
    trail = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "A comment entered by the clinician." not in trail


def test_feedback_accepts_the_services_own_address_as_audience(auth_on: None) -> None:
    body = load_json(CDS_FIXTURES / "feedback-overridden.json")
    assert post(FEEDBACK, body, signed(aud=BASE + SERVICE)).status_code == 200
    other = post(FEEDBACK, body, signed(aud=BASE + "/cds-services"))
    assert other.status_code == 401


def test_feedback_without_a_token_is_refused(auth_on: None) -> None:
    response = post(FEEDBACK, load_json(CDS_FIXTURES / "feedback-overridden.json"))
    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action="cds.feedback", outcome="ok").exists()
    (event,) = AuditEvent.objects.filter(action="cds.feedback")
    assert (event.outcome, event.detail) == ("denied", {"service": SERVICE_ID, "status": 401})


def test_malformed_feedback_gets_400_naming_the_field(auth_on: None) -> None:
    body = {"feedback": [{"card": "c", "outcome": "liked", "outcomeTimestamp": "x"}]}
    response = post(FEEDBACK, body, signed(aud=BASE + FEEDBACK))
    assert (response.status_code, response.json()) == (
        400,
        {"error": "feedback[0].outcome must be 'accepted' or 'overridden', not 'liked'."},
    )


def test_feedback_for_an_unknown_service_is_404(db: None) -> None:
    response = post("/cds-services/nope/feedback", {"feedback": []})
    assert response.status_code == 404


def test_feedback_needs_post(db: None) -> None:
    assert Client().get(FEEDBACK).status_code == 405


# -- reading the client's FHIR server ------------------------------------------------------------
def test_missing_prefetch_is_read_from_fhir_server_with_its_token(db: None, today: None) -> None:
    bundle = {"resourceType": "Bundle", "type": "searchset", "entry": []}
    with serve() as server:
        for template in discovery()["services"][0]["prefetch"].values():
            query = template.replace("{{context.patientId}}", "1288992")
            server.routes[f"/fhir/{query}"] = bundle
        server.routes["/fhir/Condition?patient=1288992"] = {
            **bundle,
            "entry": [{"resource": DLBCL_CONDITION}],
        }
        request = load_json(CDS_FIXTURES / "patient-view-request.json")
        request["fhirServer"] = server.url("/fhir")
        response = post(SERVICE, request)
    assert response.status_code == 200
    assert response.json()["cards"][0]["summary"] == (
        "CAR-T in United States (FDA): Cannot tell yet"
    )
    assert {auth for _, auth in server.seen} == {"Bearer some-opaque-fhir-access-token"}


@pytest.mark.parametrize(
    ("server", "why"),
    [
        ("https://169.254.169.254/latest", "169.254.169.254 is at 169.254.169.254, a private"),
        ("https://10.0.0.5/fhir", "10.0.0.5 is at 10.0.0.5, a private"),
        ("http://ehr.example.org/fhir", "ehr.example.org: only https addresses are called"),
    ],
)
def test_a_fhir_server_at_an_unsafe_address_is_not_read(db: None, server: str, why: str) -> None:
    request = load_json(CDS_FIXTURES / "patient-view-request.json")
    request["fhirServer"] = server
    response = post(SERVICE, request)
    assert response.status_code == 412
    assert response.json()["error"].startswith(
        "prefetch 'conditions' is missing, and Crossroads could not fetch it from fhirServer: "
        + why
    )


@override_settings(CROSSROADS_CDS_FETCH=False)
def test_reading_client_servers_can_be_switched_off(db: None) -> None:
    response = post(SERVICE, load_json(CDS_FIXTURES / "patient-view-request.json"))
    assert (response.status_code, response.json()) == (
        412,
        {
            "error": "prefetch 'conditions' is missing, and this installation does not read the "
            "client's FHIR server; send the prefetch listed at /cds-services."
        },
    )


# -- settings check -----------------------------------------------------------------------------
@override_settings(
    CROSSROADS_CDS_CLIENTS=[{"iss": ISS}],
    CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS=("ten",),
    CROSSROADS_CDS_FETCH_MAX_PAGES=0,
)
def test_settings_check_names_a_wrong_client_list_network_and_limit() -> None:
    assert [(e.id, e.msg) for e in checks.cds_settings()] == [
        ("interop.E003", f"CROSSROADS_CDS_CLIENTS entry 1: give jwks_url, jwks or jku for {ISS}."),
        (
            "interop.E004",
            "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS: 'ten' is not a network; write it as "
            "10.20.0.0/16.",
        ),
        ("interop.E005", "CDS fetch limits must be at least 1 page, 1 entry and some time."),
    ]


def test_production_settings_switch_authentication_on(tmp_path: Any) -> None:
    import secrets

    from tests.web.test_settings import _manage

    show = (
        "from django.conf import settings as s; "
        "print(s.CROSSROADS_CDS_AUTH, s.CROSSROADS_CDS_FETCH_LOOPBACK, s.CROSSROADS_CDS_CLIENTS)"
    )
    env = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "crossroads.example.org",
        "CROSSROADS_VAR_DIR": str(tmp_path / "var"),
        "CROSSROADS_CDS_AUTH": "0",
        "CROSSROADS_DEBUG": "1",
        "CROSSROADS_CDS_CLIENTS": json.dumps([{"iss": ISS, "jwks_url": "https://e.example/k"}]),
    }
    production = _manage(
        ["shell", "--no-imports", "-c", show],
        {**env, "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.production"},
    )
    assert production.stdout.strip() == (
        f"True False [{{'iss': '{ISS}', 'jwks_url': 'https://e.example/k'}}]"
    )
    local = _manage(
        ["shell", "--no-imports", "-c", show],
        {**env, "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.base"},
    )
    assert local.stdout.strip().startswith("False True ")
