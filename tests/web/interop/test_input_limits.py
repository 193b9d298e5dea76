"""CDS Hooks calls and pasted FHIR Bundles beyond the readers' limits: a 4xx, never a 500.

Each case once gave a 500 (issue 17, M4): JSON nested about 1,000 deep, a number of 4,301
digits, and a ``hookInstance`` holding half a character (``\\ud800``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from audit.models import AuditEvent
from cases.models import CaseRecord
from crossroads.common import safeio
from crossroads.interop.cdshooks import SERVICE_ID
from crossroads.interop.fhir import mcode
from tests.web.interop.conftest import Team
from tests.web.interop.helpers import CDS_FIXTURES, MCODE_FIXTURES, load_json, main_text

pytestmark = pytest.mark.integration

SERVICE_URL = f"/cds-services/{SERVICE_ID}"
IMPORT_URL = "/cases/import/fhir/"
TOO_DEEP = (
    "the data is nested more than 64 levels deep. Crossroads reads records with far fewer "
    "levels; check that the file is the record you meant to send."
)
TOO_LONG = (
    "a number has 4,301 digits; numbers may have at most 64 digits. Remove the number or write "
    "it as text in quotes."
)
HALF = (
    "the text holds half of a character (a lone \\ud800-style escape). Send whole characters "
    "as UTF-8 text."
)
NESTED = '{"hook": "patient-view", "context": ' + "[" * 1000 + "]" * 1000 + "}"
LONG_NUMBER = '{"hook": "patient-view", "n": ' + "9" * 4301 + "}"


def _cds(text: str) -> Any:
    return Client().post(SERVICE_URL, text, content_type="application/json")


def _hook_instance_half_character() -> str:
    request = load_json(CDS_FIXTURES / "patient-view-request.json")
    return json.dumps(request).replace(request["hookInstance"], "\\ud800", 1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (NESTED, TOO_DEEP),
        ("[" * 100_000 + "]" * 100_000, TOO_DEEP),
        (LONG_NUMBER, TOO_LONG),
        (_hook_instance_half_character(), HALF),
    ],
    ids=["nested-1000", "nested-100000", "number-4301-digits", "hook-instance-half-character"],
)
def test_cds_call_beyond_the_limits_gets_400_json(db: None, body: str, message: str) -> None:
    response = _cds(body)
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json() == {"error": f"the request body cannot be read: {message}"}
    (event,) = AuditEvent.objects.filter(action="cds.call")
    assert event.detail == {"service": SERVICE_ID, "status": 400, "cards": 0}


def _import(team: Team, text: str) -> Any:
    fields = {"step": "check", "title": "From the hospital", "bundle": text}
    return team.client("patient").post(
        IMPORT_URL, urlencode(fields), content_type="application/x-www-form-urlencoded"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"resourceType": "Bundle", "entry": ' + "[" * 1000 + "]" * 1000 + "}",
            "The text is nested more than 64 levels deep; a patient's record has far fewer. "
            "Export the record again as a FHIR Bundle and paste that.",
        ),
        (
            '{"resourceType": "Bundle", "total": ' + "9" * 4301 + "}",
            "The text holds a number with more than 64 digits. Export the record again as a "
            "FHIR Bundle and paste that.",
        ),
        (
            '{"resourceType": "Bundle", "id": "\\ud800"}',
            "The text holds half of a character (a \\ud800-style escape). Export the record "
            "again as UTF-8 text and paste that.",
        ),
        (
            '{"resourceType": "Bundle", "type": "collection", "type": "transaction"}',
            "The text gives the same key twice in one object, so one of the two values would "
            "be lost. Export the record again as a FHIR Bundle and paste that.",
        ),
    ],
    ids=["nested-1000", "number-4301-digits", "half-character", "key-twice"],
)
def test_pasted_bundle_beyond_the_limits_is_refused_with_a_plain_message(
    team: Team, text: str, message: str
) -> None:
    response = _import(team, text)
    assert response.status_code == 400
    assert f"The FHIR Bundle (JSON text): {message}" in main_text(response)
    assert CaseRecord.objects.count() == 1


def test_a_case_data_extension_beyond_the_limits_is_left_out_with_a_note(team: Team) -> None:
    """The JSON text inside a Crossroads case-data extension is read within the limits too."""
    data = load_json(MCODE_FIXTURES / "ctms-eom_patient_1.json")
    patient = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    patient.setdefault("extension", []).append(
        {
            "url": mcode.EXT_CASE_DATA,
            "extension": [
                {"url": "path", "valueString": "extensions"},
                {"url": "json", "valueString": "[" * 5000 + "]" * 5000},
            ],
        }
    )
    response = _import(team, json.dumps(data))
    assert response.status_code == 200
    assert f"case-data extension not used: {TOO_DEEP}" in main_text(response)


def test_the_limits_are_the_documented_ones() -> None:
    assert (safeio.MAX_DEPTH, safeio.MAX_INT_DIGITS, safeio.MAX_YAML_VALUES) == (64, 64, 100_000)
