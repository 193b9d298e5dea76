"""Control and direction-changing characters are refused on every way into the web app's records:
the API (case create and update, review questions) and FHIR import (issue 17, Low)."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cases.models import CaseRecord
from review.models import ReviewRequest
from tests.web.api.helpers import call
from tests.web.conftest import World
from tests.web.factories import CASE_DATA

pytestmark = pytest.mark.integration
MESSAGE = (
    "contains the invisible character U+202E (a control or direction mark); remove it and type "
    "the text again"
)


def _errors(response: Any) -> list[tuple[str, str]]:
    body = json.loads(response.content)
    return [(e["field"], e["message"]) for e in body["errors"]]


def test_api_create_refuses_a_direction_override_naming_the_field(world: World) -> None:
    record = copy.deepcopy(CASE_DATA)
    record["patient"]["name"] = "Ann\u202eEve"
    before = CaseRecord.objects.count()
    response = call(world, "patient", "POST", "/cases", {"title": "Mine", "record": record})
    assert (response.status_code, _errors(response), CaseRecord.objects.count()) == (
        422,
        [("record.patient.name", MESSAGE)],
        before,
    )


def test_api_update_refuses_a_zero_width_space_and_keeps_the_record(world: World) -> None:
    record = copy.deepcopy(world.case.data)
    record["lines"][0]["regimen"] = "R-\u200bCHOP"
    response = call(
        world, "patient", "PUT", f"/cases/{world.case.pk}", {"version": 1, "record": record}
    )
    assert (response.status_code, _errors(response)) == (
        422,
        [("record.lines[0].regimen", MESSAGE.replace("U+202E", "U+200B"))],
    )
    assert CaseRecord.objects.get(pk=world.case.pk).data == world.case.data


def test_api_review_question_refuses_an_isolate(world: World) -> None:
    before = ReviewRequest.objects.count()
    body = {
        "question": "Is \u2066CAR-T\u2069 realistic?",
        "reviewers": [world.users["reviewer"].pk],
    }
    response = call(world, "coordinator", "POST", f"/cases/{world.case.pk}/reviews", body)
    fields = [field for field, _message in _errors(response)]
    assert (response.status_code, fields, ReviewRequest.objects.count()) == (
        422,
        ["question"],
        before,
    )


def test_fhir_import_leaves_out_a_name_with_an_override_and_says_where(world: World) -> None:
    patient = {"resourceType": "Patient", "id": "p1", "name": [{"text": "Ann\u202eEve"}]}
    client = world.client("patient")
    fields = {"title": "Pasted", "bundle": json.dumps(patient)}
    url = reverse("interop:fhir_import")
    form = "application/x-www-form-urlencoded"
    checked = client.post(url, urlencode({**fields, "step": "check"}), content_type=form)
    assert "(in the file: patient.name)" in checked.content.decode()
    client.post(url, urlencode({**fields, "step": "confirm"}), content_type=form)
    assert CaseRecord.objects.get(title="Pasted").data["patient"].get("name") is None
