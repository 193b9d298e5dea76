"""CDS Hooks patient-view service (pure core): discovery and card shapes, and what the cards say.

The two JSON Schemas below are written from the CDS Hooks 2.0 wire format as summarised in the
project's ecosystem dossier (section 3): discovery ``{"services": [{hook, title?, description,
id, prefetch?, usageRequirements?}]}``; a response ``{"cards": [...]}`` whose cards need
``summary`` (under 140 characters), ``indicator`` (info | warning | critical) and ``source``
(``label`` required), with optional ``uuid``, ``detail``, ``suggestions`` (needing
``selectionBehavior``), ``overrideReasons`` and ``links`` (``label``, ``url``, ``type`` absolute |
smart). The schemas are first checked against the specification's own examples.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from crossroads.common.errors import BadOptionError, CdsPrefetchMissingError, CdsRequestError
from crossroads.interop.cdshooks import SERVICE_ID, bearer_reader, discovery, patient_view
from crossroads.interop.fetch import FetchPolicy
from crossroads.interop.fhir import export_case
from crossroads.kb import KnowledgeBase
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.integration

FIXTURES = ROOT / "tests" / "fixtures" / "cds-hooks"
TODAY = dt.date(2026, 11, 30)
BASE = "https://crossroads.example.org"

CODING = {
    "type": "object",
    "properties": {
        "system": {"type": "string"},
        "code": {"type": "string"},
        "display": {"type": "string"},
    },
    "required": ["code"],
}
DISCOVERY_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["services"],
    "properties": {
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["hook", "description", "id"],
                "properties": {
                    "hook": {"type": "string", "minLength": 1},
                    "title": {"type": "string"},
                    "description": {"type": "string", "minLength": 1},
                    "id": {"type": "string", "pattern": "^[A-Za-z0-9._-]+$"},
                    "prefetch": {"type": "object", "additionalProperties": {"type": "string"}},
                    "usageRequirements": {"type": "string"},
                },
                "additionalProperties": False,
            },
        }
    },
}
RESPONSE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["cards"],
    "properties": {
        "cards": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["summary", "indicator", "source"],
                "properties": {
                    "uuid": {"type": "string"},
                    "summary": {"type": "string", "minLength": 1, "maxLength": 140},
                    "detail": {"type": "string"},
                    "indicator": {"enum": ["info", "warning", "critical"]},
                    "source": {
                        "type": "object",
                        "required": ["label"],
                        "properties": {
                            "label": {"type": "string", "minLength": 1},
                            "url": {"type": "string", "pattern": "^https?://"},
                            "icon": {"type": "string", "pattern": "^https?://"},
                            "topic": CODING,
                        },
                        "additionalProperties": False,
                    },
                    "suggestions": {
                        "type": "array",
                        "items": {"type": "object", "required": ["label"]},
                    },
                    "selectionBehavior": {"enum": ["at-most-one", "any"]},
                    "overrideReasons": {"type": "array", "items": CODING},
                    "links": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["label", "url", "type"],
                            "properties": {
                                "label": {"type": "string", "minLength": 1},
                                "url": {"type": "string", "pattern": "^https?://"},
                                "type": {"enum": ["absolute", "smart"]},
                                "appContext": {"type": "string"},
                                "autolaunchable": {"type": "boolean"},
                            },
                            "additionalProperties": False,
                        },
                    },
                },
                "dependentRequired": {"suggestions": ["selectionBehavior"]},
                "additionalProperties": False,
            },
        },
        "systemActions": {"type": "array"},
    },
}
DISCOVERY = jsonschema_rs.Draft202012Validator(DISCOVERY_SCHEMA)
RESPONSE = jsonschema_rs.Draft202012Validator(RESPONSE_SCHEMA)


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


DLBCL_CONDITION = {
    "resourceType": "Condition",
    "id": "dlbcl",
    "subject": {"reference": "Patient/1288992"},
    "code": {
        "coding": [
            {
                "system": "http://snomed.info/sct",
                "code": "109969005",
                "display": "Diffuse large B-cell lymphoma (disorder)",
            }
        ]
    },
}


def spec_request_with_lymphoma() -> dict[str, Any]:
    """The specification's example call, plus a prefetched diffuse large B-cell lymphoma.

    The spec's own request sends only a Patient: without conditions the service must answer 412
    (it does not read the client's FHIR server), so tests that need cards add the conditions.
    """
    request = _load("patient-view-request.json")
    request["prefetch"]["conditions"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": copy.deepcopy(DLBCL_CONDITION)}],
    }
    return request  # type: ignore[no-any-return]


def _errors(validator: Any, data: Any) -> list[str]:
    return [str(e).splitlines()[0] for e in validator.iter_errors(data)]


# -- the schemas accept the specification's examples and refuse broken ones ---------------------
def test_schema_accepts_the_spec_discovery_example() -> None:
    assert _errors(DISCOVERY, _load("discovery-response.json")) == []


@pytest.mark.parametrize(
    "name", ["patient-view-response-cards.json", "response-cards-autolaunchable.json"]
)
def test_schema_accepts_the_spec_card_examples(name: str) -> None:
    data = _load(name)
    if name == "response-cards-autolaunchable.json":
        # The spec's own example leaves out the required indicator; the schema must notice.
        assert _errors(RESPONSE, data) == ['"indicator" is a required property']
        data["cards"][0]["indicator"] = "info"
    assert _errors(RESPONSE, data) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c.update(summary="x" * 141), "is longer than 140 characters"),
        (lambda c: c.update(indicator="hard-stop"), "is not one of"),
        (lambda c: c.update(source={}), '"label" is a required property'),
        (
            lambda c: c.update(suggestions=[{"label": "do"}]),
            '"selectionBehavior" is a required property',
        ),
    ],
)
def test_schema_refuses_broken_cards(change: Any, expected: str) -> None:
    data = _load("patient-view-response-cards.json")
    change(data["cards"][1])
    assert any(expected in e for e in _errors(RESPONSE, data))


# -- discovery ------------------------------------------------------------------------------
def test_discovery_offers_one_patient_view_service() -> None:
    data = discovery()
    assert _errors(DISCOVERY, data) == []
    (service,) = data["services"]
    assert (service["hook"], service["id"]) == ("patient-view", SERVICE_ID)
    assert service["prefetch"] == {
        "patient": "Patient/{{context.patientId}}",
        "conditions": "Condition?patient={{context.patientId}}",
        "observations": "Observation?patient={{context.patientId}}"
        "&code=http://loinc.org|89247-1,http://loinc.org|97509-4",
        "medications": "MedicationAdministration?patient={{context.patientId}}",
        "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
        "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
        "procedures": "Procedure?patient={{context.patientId}}",
    }


# -- patient-view ---------------------------------------------------------------------------
def test_patient_view_spec_request_asks_for_the_missing_facts(kb: KnowledgeBase) -> None:
    response = patient_view(spec_request_with_lymphoma(), kb, ["US", "CN"], BASE, today=TODAY)
    assert _errors(RESPONSE, response) == []
    cards = response["cards"]
    assert [(c["summary"][:37], c["indicator"]) for c in cards] == [
        ("CAR-T in United States (FDA): Cannot ", "info"),
        ("CAR-T in China (NMPA): Cannot tell ye", "info"),
        ("Crossroads needs 7 more facts to plac", "warning"),
    ]
    # The Patient gives sex and birth date and the Condition the disease: the subtype comes
    # first, then where the disease stands and the treatment history.
    needs = cards[2]["detail"].splitlines()
    assert needs == [
        "Record these in the chart or ask the patient for them:",
        "- the subtype named in the pathology report (such as DLBCL or PMBCL)",
        "- where the disease stands now (came back, did not respond, or in remission)",
        "- a list of each past treatment with its start and end month",
        "- the best response to the first treatment (CR, PR, SD or PD)",
        "- the month the first treatment ended and the month the disease came back",
        "- whether the treating team thinks a stem-cell transplant could be done, and if not, why",
        "- why the treating team thinks a transplant cannot be done",
    ]
    link = {
        "label": "Open this case in Crossroads",
        "url": f"{BASE}/cds/patients/1288992",
        "type": "absolute",
    }
    assert all(c["links"] == [link] for c in cards)
    assert all(
        c["source"] == {"label": f"Crossroads (knowledge base {kb.release.version})"} for c in cards
    )


def _request_for(
    bundle: dict[str, Any], instance: str = "b0e3d8a2-1111-4c3e-9a55-2d1f0e6c7a10"
) -> dict[str, Any]:
    patient = bundle["entry"][0]["resource"]["id"]
    return {
        "hookInstance": instance,
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": patient},
        "prefetch": {"record": bundle, "nothing": None},
    }


def test_patient_view_full_record_gives_categories_with_reasons(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", kb)
    response = patient_view(
        _request_for(export_case(case, kb)), kb, ["US", "CN"], BASE, today=TODAY
    )
    assert _errors(RESPONSE, response) == []
    cards = response["cards"]
    assert [c["summary"] for c in cards] == [
        "CAR-T in United States (FDA): Established option",
        "CAR-T in China (NMPA): Established option",
    ]  # every deciding fact is known: no needs-information card
    us = cards[0]["detail"].splitlines()
    assert us[2] == "On label here for this case: axi-cel, liso-cel."
    assert "- **axi-cel** (us_axi_cel_lbcl_2l): on label" in us
    assert (
        "  - months from the end of the first treatment to relapse: needs 12 months or less; "
        "this case: 5 to 7 months (met)" in us
    )
    assert (
        us[-1] == "Crossroads puts the facts in order. It does not take the place of your doctors."
    )


def test_patient_view_patient_lacking_key_facts_gets_a_needs_information_card(
    kb: KnowledgeBase,
) -> None:
    case = prepare_case(EXAMPLES / "lbcl_partial_relapse_date_window_unknown.yaml", kb)
    response = patient_view(_request_for(export_case(case, kb)), kb, ["US"], BASE, today=TODAY)
    assert _errors(RESPONSE, response) == []
    category, needs = response["cards"]
    assert category["summary"] == "CAR-T in United States (FDA): Cannot tell yet"
    assert needs["indicator"] == "warning"
    assert needs["summary"] == "Crossroads needs 1 more facts to place CAR-T for this patient"
    assert needs["detail"] == (
        "Record these in the chart or ask the patient for them:\n"
        "- the month the first treatment ended and the month the disease came back"
    )


def test_patient_view_lists_what_it_could_not_read(kb: KnowledgeBase) -> None:
    request = copy.deepcopy(_load("patient-view-request.json"))
    request["prefetch"]["conditions"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": "c1",
                    "subject": {"reference": "Patient/1288992"},
                    "code": {
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": "308121000",
                                "display": "Follicular non-Hodgkin's lymphoma (disorder)",
                            }
                        ]
                    },
                }
            }
        ],
    }
    needs = patient_view(request, kb, ["EU"], BASE, today=TODAY)["cards"][-1]
    lines = needs["detail"].splitlines()
    assert "Crossroads could not read these parts of the record:" in lines
    assert lines[-1].startswith(
        "- Condition/c1: http://snomed.info/sct#308121000 (Follicular non-Hodgkin's lymphoma "
        "(disorder)): This code does not give the grade."
    )


def test_patient_view_spec_request_without_conditions_is_refused_with_412(
    kb: KnowledgeBase,
) -> None:
    """The spec's own call sends a Patient and a plain-http fhirServer with a token: Crossroads
    would fetch the conditions, but reads only https servers, so it cannot get them."""
    with pytest.raises(CdsPrefetchMissingError) as raised:
        patient_view(
            _load("patient-view-request.json"),
            kb,
            ["US"],
            BASE,
            today=TODAY,
            read=bearer_reader(FetchPolicy()),
        )
    assert str(raised.value) == (
        "prefetch 'conditions' is missing, and Crossroads could not fetch it from fhirServer: "
        "hooks.smarthealthit.org: only https addresses are called, not http."
    )


def test_patient_view_without_a_reader_does_not_read_the_fhir_server(kb: KnowledgeBase) -> None:
    with pytest.raises(CdsPrefetchMissingError) as raised:
        patient_view(_load("patient-view-request.json"), kb, ["US"], BASE, today=TODAY)
    assert str(raised.value) == (
        "prefetch 'conditions' is missing, and this installation does not read the client's "
        "FHIR server; send the prefetch listed at /cds-services."
    )


def test_patient_view_with_a_server_but_no_token_is_refused(kb: KnowledgeBase) -> None:
    request = _load("patient-view-request.json")
    del request["fhirAuthorization"]
    with pytest.raises(CdsPrefetchMissingError) as raised:
        patient_view(request, kb, ["US"], BASE, today=TODAY, read=bearer_reader(FetchPolicy()))
    assert str(raised.value) == (
        "prefetch 'conditions' is missing, and fhirServer comes without fhirAuthorization, so "
        "Crossroads may not read it; send the prefetch listed at /cds-services."
    )


def test_patient_view_without_any_prefetch_is_refused(kb: KnowledgeBase) -> None:
    request = _load("patient-view-request.json")
    del request["prefetch"], request["fhirServer"], request["fhirAuthorization"]
    with pytest.raises(
        CdsPrefetchMissingError,
        match=r"^prefetch 'conditions' is missing, and the call gives no fhirServer with "
        r"fhirAuthorization to fetch it from; send",
    ):
        patient_view(request, kb, ["US"], BASE, today=TODAY)


@pytest.mark.parametrize(
    "conditions",
    [
        None,  # the client looked and found nothing
        {"resourceType": "Bundle", "type": "searchset", "total": 0},
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Condition",
                        "id": "breast",
                        "subject": {"reference": "Patient/1288992"},
                        "code": {
                            "coding": [{"system": "http://snomed.info/sct", "code": "254837009"}]
                        },
                    }
                }
            ],
        },
    ],
    ids=["null", "empty-search", "breast-cancer"],
)
def test_patient_view_without_a_covered_diagnosis_returns_no_cards(
    kb: KnowledgeBase, conditions: Any
) -> None:
    request = _load("patient-view-request.json")
    request["prefetch"]["conditions"] = conditions
    assert patient_view(request, kb, ["US", "EU", "CN"], BASE, today=TODAY) == {"cards": []}


def test_patient_view_for_a_disease_outside_car_t_returns_no_cards(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "out_of_scope_aml.yaml", kb)
    request = _request_for(export_case(case, kb))
    assert patient_view(request, kb, ["US", "EU", "CN"], BASE, today=TODAY) == {"cards": []}


def test_patient_view_says_when_the_client_could_not_send_the_conditions(
    kb: KnowledgeBase,
) -> None:
    request = _load("patient-view-request.json")
    request["prefetch"]["conditions"] = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout", "diagnostics": "search timed out"}],
    }
    response = patient_view(request, kb, ["US"], BASE, today=TODAY)
    assert _errors(RESPONSE, response) == []
    (card,) = response["cards"]
    assert (card["indicator"], card["summary"]) == (
        "warning",
        "Crossroads needs 10 more facts to place CAR-T for this patient",
    )
    assert card["detail"].splitlines()[1] == "- the exact diagnosis from the pathology report"
    assert (
        "- The record system could not send conditions: search timed out"
        in card["detail"].splitlines()
    )


def test_patient_view_says_when_a_search_was_sent_only_in_part(kb: KnowledgeBase) -> None:
    request = spec_request_with_lymphoma()
    request["prefetch"]["conditions"]["link"] = [
        {"relation": "self", "url": "https://ehr.example/Condition?patient=1288992"},
        {"relation": "next", "url": "https://ehr.example/Condition?patient=1288992&page=2"},
    ]
    cards = patient_view(request, kb, ["US"], BASE, today=TODAY)["cards"]
    assert (
        "- conditions: only the first page was sent, so later pages were not read and the "
        "record may be incomplete." in cards[-1]["detail"].splitlines()
    )


def test_patient_view_cards_are_stable_for_one_hook_instance(kb: KnowledgeBase) -> None:
    request = spec_request_with_lymphoma()
    first = patient_view(request, kb, ["US"], BASE, today=TODAY)
    again = patient_view(request, kb, ["US"], BASE, today=TODAY)
    assert first == again
    uuids = [c["uuid"] for c in first["cards"]]
    assert len(set(uuids)) == len(uuids)


def test_patient_view_answers_in_chinese(kb: KnowledgeBase) -> None:
    response = patient_view(
        spec_request_with_lymphoma(), kb, ["CN"], BASE, today=TODAY, lang="zh-Hans"
    )
    assert response["cards"][0]["summary"] == "中国（NMPA）的 CAR-T：暂无法判断"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(hook="order-sign"), "hook must be 'patient-view', not 'order-sign'."),
        (
            lambda r: r.pop("hookInstance"),
            "hookInstance is missing; send the UUID of this hook call.",
        ),
        (
            lambda r: r["context"].pop("patientId"),
            "context.patientId is missing; patient-view needs the patient's id.",
        ),
        (lambda r: r.update(prefetch=[1]), "prefetch must be an object of FHIR resources."),
    ],
)
def test_patient_view_refuses_a_malformed_request(
    kb: KnowledgeBase, change: Any, message: str
) -> None:
    request = _load("patient-view-request.json")
    change(request)
    with pytest.raises(CdsRequestError) as raised:
        patient_view(request, kb, ["US"], BASE, today=TODAY)
    assert str(raised.value) == message


def test_patient_view_needs_an_absolute_base_url(kb: KnowledgeBase) -> None:
    with pytest.raises(BadOptionError, match="must be an absolute http"):
        patient_view(
            _load("patient-view-request.json"), kb, ["US"], "crossroads.local", today=TODAY
        )


def test_patient_view_refuses_a_prefetch_with_a_second_patient(kb: KnowledgeBase) -> None:
    request = _load("patient-view-request.json")
    request["prefetch"]["other"] = {"resourceType": "Patient", "id": "someone-else"}
    with pytest.raises(CdsRequestError, match="prefetch holds Patient/someone-else, but"):
        patient_view(request, kb, ["US"], BASE, today=TODAY)


def test_fixture_folder_holds_the_spec_files() -> None:
    assert sorted(p.name for p in Path(FIXTURES).glob("*.json")) == [
        "discovery-response.json",
        "feedback-accepted.json",
        "feedback-overridden.json",
        "feedback-override-reason.json",
        "jwt-example.json",
        "patient-view-request.json",
        "patient-view-response-cards.json",
        "response-cards-autolaunchable.json",
    ]


def test_patient_view_refuses_a_prefetch_about_another_patient(kb: KnowledgeBase) -> None:
    request = _load("patient-view-request.json")
    request["context"]["patientId"] = "42"
    with pytest.raises(CdsRequestError) as raised:
        patient_view(request, kb, ["US"], BASE, today=TODAY)
    assert str(raised.value) == (
        "prefetch holds Patient/1288992, but context.patientId is 42; send the record of the "
        "patient in view."
    )


def test_patient_view_refuses_resources_of_two_patients_without_a_patient(
    kb: KnowledgeBase,
) -> None:
    def condition(subject: str) -> dict[str, Any]:
        return {"resourceType": "Condition", "id": subject, "subject": {"reference": subject}}

    request = _load("patient-view-request.json")
    request["prefetch"] = {"a": condition("Patient/1288992"), "b": condition("Patient/7")}
    with pytest.raises(CdsRequestError, match=r"^prefetch: the file holds 2 patients"):
        patient_view(request, kb, ["US"], BASE, today=TODAY)
