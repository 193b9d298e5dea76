"""The app's own notes in a case record (``extensions.crossroads_web``), issue 17 M3.

A note of the wrong shape never breaks a page (it is left out and logged), the next save keeps
only the notes that pass, and no record from outside (FHIR import, the API, any import) can set
a note: a pasted Patient could otherwise break every page of the case for everyone on it, or
forge the decision and the places to check.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.actions import Actor
from cases import actions, results
from cases.models import CaseRecord
from crossroads.interop.fhir.export import case_data_extension
from tests.web.conftest import World
from tests.web.factories import CASE_DATA

pytestmark = pytest.mark.integration

BAD_NOTES: list[Any] = [
    {"dont_know": 5},
    {"dont_know": [1, {"a": 2}]},
    {"dont_know": "patient.name"},
    {"jurisdictions": "US"},
    {"jurisdictions": [{"x": 1}, ["US"]]},
    {"decided": "yes"},
    {"decided": {"on": 5, "ready": "no", "by": []}},
    {"unknown_note": {"x": 1}},
    5,
    ["dont_know"],
]


def _store(case: Any, notes: Any) -> None:
    """Put notes straight into the database, as an old import or a restored file could have."""
    data = {**case.data, "extensions": {"crossroads_web": notes, "other_tool": {"x": 1}}}
    CaseRecord.objects.filter(pk=case.pk).update(data=data)


def _pages(case_id: int) -> list[str]:
    steps = [reverse("cases:step", kwargs={"case_id": case_id, "number": n}) for n in range(1, 7)]
    return [reverse("cases:overview", kwargs={"case_id": case_id}), *steps]


@pytest.mark.parametrize("notes", BAD_NOTES, ids=json.dumps)
def test_a_note_of_the_wrong_shape_never_breaks_a_page(
    world: World, notes: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _store(world.case, notes)
    client = world.client("patient")
    with caplog.at_level(logging.WARNING, logger="cases.notes"):
        statuses = [client.get(url).status_code for url in _pages(world.case.pk)]
    assert statuses == [200] * 7
    assert any("crossroads_web" in r.getMessage() for r in caplog.records)
    assert CaseRecord.objects.get(pk=world.case.pk).web == {}


def test_good_notes_are_read_and_bad_ones_beside_them_left_out(world: World) -> None:
    decided = {"on": "2026-11-02", "ready": True, "by": "patient"}
    _store(world.case, {"dont_know": 5, "jurisdictions": ["CN"], "decided": decided})
    case = CaseRecord.objects.get(pk=world.case.pk)
    assert (case.web, results.jurisdictions(case)) == (
        {"jurisdictions": ["CN"], "decided": decided},
        ["CN"],
    )


def test_bad_places_note_means_every_place(world: World) -> None:
    _store(world.case, {"jurisdictions": ["XX", "US"]})
    assert results.jurisdictions(CaseRecord.objects.get(pk=world.case.pk)) == ["US", "EU", "CN"]


def test_the_next_save_keeps_only_the_notes_that_pass(world: World) -> None:
    _store(world.case, {"dont_know": 5, "jurisdictions": ["US"], "surprise": 1})
    case = CaseRecord.objects.get(pk=world.case.pk)
    actions.record_decision(Actor.system(), case, ready=False)
    stored = CaseRecord.objects.get(pk=world.case.pk).data["extensions"]
    assert stored == {
        "other_tool": {"x": 1},
        "crossroads_web": {
            "jurisdictions": ["US"],
            "decided": {"on": timezone.localdate().isoformat(), "ready": False, "by": "system"},
        },
    }


def test_an_imported_record_brings_no_notes(world: World) -> None:
    data = {
        **CASE_DATA,
        "extensions": {
            "crossroads_web": {"decided": {"on": "2020-01-01", "ready": True, "by": "patient"}},
            "other_tool": {"x": 1},
        },
    }
    case = actions.import_case(Actor.system(), world.users["patient"], "Imported", data)
    assert (case.data["extensions"], case.web) == ({"other_tool": {"x": 1}}, {})


def test_fhir_import_cannot_set_notes_or_break_the_pages(world: World) -> None:
    """The attack of the report: a pasted Patient whose case-data extension writes the notes."""
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "extension": [
            case_data_extension("extensions.crossroads_web.dont_know", 5),
            case_data_extension(
                "extensions.crossroads_web.decided",
                {"on": "2020-01-01", "ready": True, "by": "coordinator"},
            ),
            case_data_extension("extensions.crossroads_web.jurisdictions", ["CN"]),
        ],
    }
    client = world.client("patient")
    fields = {"step": "confirm", "title": "Pasted", "bundle": json.dumps(patient)}
    response = client.post(
        reverse("interop:fhir_import"),
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )
    case = CaseRecord.objects.get(title="Pasted")
    assert (response.status_code, case.data.get("extensions"), case.web) == (302, {}, {})
    statuses = [client.get(url).status_code for url in _pages(case.pk)]
    step6 = client.get(reverse("cases:step", kwargs={"case_id": case.pk, "number": 6}))
    assert (statuses, "A decision was noted" in step6.content.decode()) == ([200] * 7, False)
