"""The CDS Hooks endpoints over HTTP: discovery, the patient-view service, errors, CORS, audit.

What the cards say is tested in the core (tests/test_cdshooks.py); here the web app must pass
the core's answers through unchanged, as valid CDS Hooks JSON, with the settings applied.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.checks import Error
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import CaseRecord
from crossroads.interop.cdshooks import CASE_PATH, SERVICE_ID, discovery
from crossroads.interop.fhir import export_case
from crossroads.record.load import load_case
from interop import cds, checks
from tests.interop.test_cdshooks import DISCOVERY, RESPONSE, spec_request_with_lymphoma
from tests.web.interop.helpers import CDS_FIXTURES, EXAMPLES, load_json

pytestmark = pytest.mark.integration

SERVICE_URL = f"/cds-services/{SERVICE_ID}"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
    "Access-Control-Max-Age": "600",
}


def _errors(validator: Any, data: Any) -> list[str]:
    return [str(e).splitlines()[0] for e in validator.iter_errors(data)]


def _cors(response: Any) -> dict[str, str]:
    return {name: response.get(name) for name in CORS}


def _spec_request() -> dict[str, Any]:
    """The specification's example call with a prefetched lymphoma (see the core's tests)."""
    return spec_request_with_lymphoma()


def _post(body: Any, client: Client | None = None, **extra: Any) -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    return (client or Client()).post(SERVICE_URL, text, content_type="application/json", **extra)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The day the core's own CDS tests use, so the cards match them."""
    import datetime as dt

    monkeypatch.setattr("cases.results.today", lambda: dt.date(2026, 11, 30))


# -- discovery --------------------------------------------------------------------------------
def test_discovery_is_exactly_the_cores_document(db: None) -> None:
    response = Client().get("/cds-services")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == discovery()
    assert _errors(DISCOVERY, response.json()) == []
    assert _cors(response) == CORS


def test_discovery_path_is_the_one_the_specification_fixes() -> None:
    assert reverse("interop:cds_discovery") == "/cds-services"
    assert reverse("interop:cds_service", kwargs={"service_id": SERVICE_ID}) == SERVICE_URL


def test_card_links_land_on_the_patient_route() -> None:
    assert reverse("interop:cds_patient", kwargs={"patient_id": "abc-1.2"}) == CASE_PATH.format(
        patient_id="abc-1.2"
    )


@pytest.mark.parametrize("url", ["/cds-services", SERVICE_URL])
def test_preflight_answers_with_cors_headers_only(db: None, url: str) -> None:
    response = Client().options(url, HTTP_ORIGIN="https://ehr.example.org")
    assert (response.status_code, response.content) == (204, b"")
    assert _cors(response) == CORS


def test_discovery_refuses_post_with_json(db: None) -> None:
    response = Client().post("/cds-services", "{}", content_type="application/json")
    assert response.status_code == 405
    assert response.json() == {"error": "use GET for the discovery endpoint."}
    assert response["Allow"] == "GET, OPTIONS"


def test_cors_headers_are_only_on_the_cds_endpoints(team: Any) -> None:
    response = team.client("patient").get(reverse("cases:dashboard"))
    assert response.status_code == 200
    assert response.get("Access-Control-Allow-Origin") is None


# -- the patient-view service -------------------------------------------------------------------
def test_spec_request_without_conditions_gets_412_and_is_audited(db: None, today: None) -> None:
    response = _post(load_json(CDS_FIXTURES / "patient-view-request.json"))
    assert response.status_code == 412
    assert response.json() == {
        "error": "prefetch 'conditions' is missing, and Crossroads could not fetch it from "
        "fhirServer: hooks.smarthealthit.org: only https addresses are called, not http."
    }
    (event,) = AuditEvent.objects.filter(action="cds.call")
    assert event.detail == {"service": SERVICE_ID, "status": 412, "cards": 0}


def test_patient_without_a_covered_diagnosis_gets_no_cards(db: None, today: None) -> None:
    request = load_json(CDS_FIXTURES / "patient-view-request.json")
    request["prefetch"]["conditions"] = None
    response = _post(request)
    assert (response.status_code, response.json()) == (200, {"cards": []})


def test_spec_request_returns_valid_cards_for_every_configured_place(db: None, today: None) -> None:
    response = _post(_spec_request())
    assert response.status_code == 200
    data = response.json()
    assert _errors(RESPONSE, data) == []
    assert [(c["summary"], c["indicator"]) for c in data["cards"]] == [
        ("CAR-T in United States (FDA): Cannot tell yet", "info"),
        ("CAR-T in European Union (EMA/EC): Cannot tell yet", "info"),
        ("CAR-T in China (NMPA): Cannot tell yet", "info"),
        ("Crossroads needs 7 more facts to place CAR-T for this patient", "warning"),
    ]
    link = {
        "label": "Open this case in Crossroads",
        "url": "http://testserver/cds/patients/1288992",
        "type": "absolute",
    }
    assert all(card["links"] == [link] for card in data["cards"])
    assert _cors(response) == CORS


def test_the_csrf_check_does_not_apply_to_cds_clients(db: None, today: None) -> None:
    client = Client(enforce_csrf_checks=True)
    assert _post(_spec_request(), client).status_code == 200


@override_settings(
    CROSSROADS_CDS_JURISDICTIONS=("US", "CN"),
    CROSSROADS_CDS_BASE_URL="https://crossroads.example.org",
)
def test_settings_choose_the_places_and_the_link_address(db: None, today: None) -> None:
    cards = _post(_spec_request()).json()["cards"]
    assert [c["summary"] for c in cards] == [
        "CAR-T in United States (FDA): Cannot tell yet",
        "CAR-T in China (NMPA): Cannot tell yet",
        "Crossroads needs 7 more facts to place CAR-T for this patient",
    ]
    assert cards[0]["links"][0]["url"] == "https://crossroads.example.org/cds/patients/1288992"


@override_settings(CROSSROADS_CDS_JURISDICTIONS=("CN",))
def test_cards_follow_the_callers_language(db: None, today: None) -> None:
    response = _post(_spec_request(), HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.json()["cards"][0]["summary"] == "中国（NMPA）的 CAR-T：暂无法判断"


def _request_for_example(name: str) -> dict[str, Any]:
    from cases import results

    case = load_case(EXAMPLES / name)
    bundle = export_case(case, results.kb())
    patient = bundle["entry"][0]["resource"]["id"]
    return {
        "hookInstance": "b0e3d8a2-1111-4c3e-9a55-2d1f0e6c7a10",
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": patient},
        "prefetch": {"record": bundle},
    }


@override_settings(CROSSROADS_CDS_JURISDICTIONS=("US",))
def test_patient_lacking_key_facts_gets_a_needs_information_card(db: None, today: None) -> None:
    response = _post(_request_for_example("lbcl_partial_relapse_date_window_unknown.yaml"))
    assert response.status_code == 200
    data = response.json()
    assert _errors(RESPONSE, data) == []
    category, needs = data["cards"]
    assert category["summary"] == "CAR-T in United States (FDA): Cannot tell yet"
    assert (needs["indicator"], needs["summary"]) == (
        "warning",
        "Crossroads needs 1 more facts to place CAR-T for this patient",
    )
    assert needs["detail"] == (
        "Record these in the chart or ask the patient for them:\n"
        "- the month the first treatment ended and the month the disease came back"
    )


@override_settings(CROSSROADS_CDS_JURISDICTIONS=("US",))
def test_patient_with_every_deciding_fact_gets_no_needs_information_card(
    db: None, today: None
) -> None:
    response = _post(_request_for_example("us_axi_cel_second_line_early_relapse.yaml"))
    assert [c["summary"] for c in response.json()["cards"]] == [
        "CAR-T in United States (FDA): Established option"
    ]


def test_a_call_is_audited_without_the_patient_id_and_stores_no_case(db: None, today: None) -> None:
    _post(_spec_request())
    (event,) = AuditEvent.objects.filter(action="cds.call")
    assert (event.role, event.case_id, event.detail) == (
        "anonymous",
        None,
        {"service": SERVICE_ID, "status": 200, "cards": 4},
    )
    assert "1288992" not in json.dumps(list(AuditEvent.objects.values()), default=str)
    assert CaseRecord.objects.count() == 0


# -- bad requests ---------------------------------------------------------------------------------
def _bad(change: Any) -> dict[str, Any]:
    request = copy.deepcopy(_spec_request())
    change(request)
    return request


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "{not json",
            "the request body is not JSON (line 1, column 2: Expecting property name enclosed "
            "in double quotes).",
        ),
        ("", "the request body is empty; send the hook call as a JSON object."),
        (
            '{"a": NaN}',
            "the request body is not JSON (line 1, column 1: NaN is not allowed in JSON).",
        ),
        ("[1, 2]", "the request body must be a JSON object."),
        (
            _bad(lambda r: r.update(hook="order-sign")),
            "hook must be 'patient-view', not 'order-sign'.",
        ),
        (
            _bad(lambda r: r["context"].pop("patientId")),
            "context.patientId is missing; patient-view needs the patient's id.",
        ),
        (
            _bad(lambda r: r["context"].update(patientId="42")),
            "prefetch holds Patient/1288992, but context.patientId is 42; send the record of the "
            "patient in view.",
        ),
    ],
)
def test_bad_requests_get_400_with_a_json_error(db: None, body: Any, message: str) -> None:
    response = _post(body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": message}
    assert _cors(response) == CORS
    (event,) = AuditEvent.objects.filter(action="cds.call")
    assert event.detail == {"service": SERVICE_ID, "status": 400, "cards": 0}


def test_body_that_is_not_utf8_gets_400(db: None) -> None:
    response = Client().post(SERVICE_URL, b"\xff\xfe{}", content_type="application/json")
    assert (response.status_code, response.json()) == (
        400,
        {"error": "the request body is not UTF-8 text."},
    )


def test_too_large_body_gets_413_without_reading_it(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cds, "MAX_REQUEST_BYTES", 1024 * 1024)
    response = _post({"padding": "x" * (1024 * 1024)})
    assert (response.status_code, response.json()) == (
        413,
        {"error": "the request is larger than 1 MB."},
    )


def test_body_over_the_apps_form_limit_is_still_read(db: None, today: None) -> None:
    """A prefetched record bigger than the 512 kB the rest of the app accepts."""
    request = _spec_request()
    request["prefetch"]["padding"] = {"resourceType": "Basic", "id": "pad", "text": "x" * 700_000}
    assert _post(request).status_code == 200


def test_unknown_service_gets_404_json(db: None) -> None:
    response = Client().post("/cds-services/no-such-service", "{}", content_type="application/json")
    assert (response.status_code, response.json()) == (
        404,
        {"error": "no CDS service 'no-such-service'; see /cds-services."},
    )


def test_service_refuses_get_with_json(db: None) -> None:
    response = Client().get(SERVICE_URL)
    assert (response.status_code, response.json(), response["Allow"]) == (
        405,
        {"error": "call a CDS service with POST."},
        "POST, OPTIONS",
    )


def test_a_failure_inside_the_service_is_json_without_a_traceback(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(cds, "patient_view", broken)
    response = _post(_spec_request())
    assert (response.status_code, response.json()) == (
        500,
        {"error": "the service failed on this request; it has been logged."},
    )


# -- settings check -----------------------------------------------------------------------------
@override_settings(CROSSROADS_CDS_JURISDICTIONS=("US", "XX"), CROSSROADS_CDS_BASE_URL="crossroads")
def test_settings_check_names_a_wrong_place_and_a_relative_address() -> None:
    found = checks.cds_settings()
    assert [(e.id, e.msg) for e in found] == [
        ("interop.E001", "CROSSROADS_CDS_JURISDICTIONS: XX is not a place Crossroads knows."),
        ("interop.E002", "CROSSROADS_CDS_BASE_URL: 'crossroads' is not an absolute address."),
    ]
    assert all(isinstance(e, Error) for e in found)


def test_settings_check_passes_the_defaults() -> None:
    assert checks.cds_settings() == []
