"""The six step pages as a person uses them: save as you go, "I don't know", and bad input.

Every test reads the page as served, changes answers the way a person would, and submits it.
Bad input must come back with a plain message next to the field, keep what was typed, and save
nothing: the stored record and its version stay exactly as they were.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import CaseRecord
from tests.web.conftest import World
from tests.web.formdata import journey_form

pytestmark = pytest.mark.integration


def step_url(world: World, number: int) -> str:
    return reverse("cases:step", kwargs={"case_id": world.case.pk, "number": number})


def page_form(world: World, number: int, persona: str = "patient") -> dict[str, Any]:
    response = world.client(persona).get(step_url(world, number))
    assert response.status_code == 200
    return journey_form(response.content.decode())


def submit(world: World, number: int, data: dict[str, Any], persona: str = "patient") -> Any:
    return world.client(persona).post(step_url(world, number), data)


def snapshot(world: World) -> tuple[dict[str, Any], int]:
    case = CaseRecord.objects.get(pk=world.case.pk)
    return case.data, case.version


# -- saving --------------------------------------------------------------------------------------
def test_step_unchanged_form_saves_same_record(world: World) -> None:
    before, version = snapshot(world)
    response = submit(world, 1, page_form(world, 1))
    assert response.status_code == 302
    after, new_version = snapshot(world)
    assert after == before
    assert new_version == version + 1


def test_step1_save_stores_values_and_names_fields_in_audit(world: World) -> None:
    data = page_form(world, 1)
    data["diagnosis.stage"] = "III"
    data["fitness.ecog"] = "1"
    data["fitness.active_infection"] = "no"
    response = submit(world, 1, data)
    assert response.status_code == 302
    saved, _ = snapshot(world)
    assert saved["diagnosis"] == {"disease": "lbcl", "subtype": "dlbcl_nos", "stage": "III"}
    assert saved["fitness"] == {"ecog": 1, "active_infection": False}
    event = AuditEvent.objects.filter(action="case.save").latest("id")
    assert event.detail == {
        "step": 1,
        "fields": ["diagnosis.stage", "fitness.active_infection", "fitness.ecog"],
    }
    assert (event.actor_name, event.role, event.case_id) == ("pat", "patient", world.case.pk)


def test_step1_dont_know_is_kept_as_mark_not_as_no(world: World) -> None:
    data = page_form(world, 1)
    data["diagnosis.cns_involvement"] = "unknown"
    data["patient.birth_date.dk"] = "1"
    data["fitness.organ_dysfunction"] = "unknown"
    assert submit(world, 1, data).status_code == 302
    saved, _ = snapshot(world)
    assert "cns_involvement" not in saved["diagnosis"]
    assert "birth_date" not in saved["patient"]
    assert "organ_dysfunction" not in saved.get("fitness", {})
    assert saved["extensions"]["crossroads_web"]["dont_know"] == [
        "diagnosis.cns_involvement",
        "fitness.organ_dysfunction",
        "patient.birth_date",
    ]
    again = page_form(world, 1)
    assert again["diagnosis.cns_involvement"] == "unknown"
    assert again["patient.birth_date.dk"] == "1"


def test_step1_none_of_these_stores_empty_list(world: World) -> None:
    data = page_form(world, 1)
    data["fitness.organ_dysfunction"] = "none"
    assert submit(world, 1, data).status_code == 302
    saved, _ = snapshot(world)
    assert saved["fitness"]["organ_dysfunction"] == []


def test_step1_group_no_stores_empty_list_and_unknown_stores_mark(world: World) -> None:
    data = page_form(world, 1)
    data["transplants.known"] = "no"
    data["prior_cellular_therapy.known"] = "unknown"
    assert submit(world, 1, data).status_code == 302
    saved, _ = snapshot(world)
    assert saved["transplants"] == []
    assert "prior_cellular_therapy" not in saved
    assert saved["extensions"]["crossroads_web"]["dont_know"] == ["prior_cellular_therapy"]


def test_step1_new_line_added_in_blank_block(world: World) -> None:
    data = page_form(world, 1)
    assert data["lines.count"] == "2"
    data.update(
        {
            "lines.1.regimen": "R-ICE",
            "lines.1.agents": "rituximab, ifosfamide, carboplatin, etoposide",
            "lines.1.kind": "systemic",
            "lines.1.start": "2025-02",
            "lines.1.best_response": "PD",
        }
    )
    assert submit(world, 1, data).status_code == 302
    saved, _ = snapshot(world)
    assert saved["lines"][1] == {
        "regimen": "R-ICE",
        "agents": ["rituximab", "ifosfamide", "carboplatin", "etoposide"],
        "kind": "systemic",
        "start": "2025-02",
        "best_response": "PD",
    }


def test_step1_remove_line(world: World) -> None:
    data = page_form(world, 1)
    data["lines.0.remove"] = "1"
    data["lines.known"] = "no"
    assert submit(world, 1, data).status_code == 302
    saved, _ = snapshot(world)
    assert saved["lines"] == []


def test_step2_jurisdictions_change_classification(world: World) -> None:
    data = page_form(world, 2)
    data["extensions.crossroads_web.jurisdictions"] = ["CN"]
    assert submit(world, 2, data).status_code == 302
    page = world.client("patient").get(step_url(world, 2)).content.decode()
    assert 'id="j-CN"' in page
    assert 'id="j-US"' not in page


def test_step6_drafts_prefilled_until_saved(world: World) -> None:
    page = world.client("patient").get(step_url(world, 6)).content.decode()
    assert "A draft from Crossroads" in page
    data = journey_form(page)
    assert data["decision.sentences.status"] != ""


def test_version_conflict_keeps_entries_and_saves_nothing(world: World) -> None:
    data = page_form(world, 1)
    CaseRecord.objects.filter(pk=world.case.pk).update(version=5)
    before, _ = snapshot(world)
    data["diagnosis.stage"] = "II"
    response = submit(world, 1, data)
    assert response.status_code == 409
    assert "Someone else saved this case" in response.content.decode()
    assert journey_form(response.content.decode())["diagnosis.stage"] == "II"
    assert snapshot(world) == (before, 5)


# -- bad input: a message, what was typed kept, nothing saved ---------------------------------
BAD_INPUTS = [
    (1, "patient.age_years", "sixty", "Write a whole number, like 3."),
    (1, "patient.age_years", "130", "Write a number from 0 to 120."),
    (1, "patient.age_years", "<script>alert(1)</script>", "Write a whole number, like 3."),
    (1, "patient.birth_date", "2025-02-30", "2025-02 has no day 30."),
    (1, "patient.birth_date", "2025-13", "There is no month 13. Use 01 to 12."),
    (1, "patient.birth_date", "1850", "The year must be between 1900 and 2100."),
    (1, "patient.birth_date", "last spring", "Write the date as a year (2024)"),
    (1, "patient.country", "Netherland5", "We could not read this country."),
    (1, "lines.0.start", "03/04/2024", "Two numbers before the year can be read day first"),
    (1, "patient.city", "x" * 101, "This is too long: 101 characters. The most is 100."),
    (1, "patient.city", "<script>alert(1)</script>", "Please write plain text without"),
    (1, "notes", "<img src=x onerror=alert(1)>", "Please write plain text without"),
    (1, "notes", "y" * 20001, "This is too long: 20001 characters. The most is 20000."),
    (1, "diagnosis.subtype", "cll", "This subtype does not belong to the disease chosen above."),
    (1, "lines.0.agents", "rituximab, aspirinx", "Crossroads does not know: aspirinx."),
    (1, "lines.0.start", "2024-00", "There is no month 0. Use 01 to 12."),
    (1, "lines.0.end", "2023-01", "The end date (2023-01) is before the start date (2024-03)."),
    (1, "disease_status.relapse_number", "2.5", "Write a whole number, like 3."),
    (3, "preferences.fears", "<b>pain</b>", "Please write plain text without"),
    (4, "logistics.caregiver_weeks", "-1", "Write a number from 0 to 52."),
    (4, "logistics.treatment_country", "U5", "We could not read this country."),
    (5, "review.specific_question", "q" * 2001, "This is too long: 2001 characters."),
    (6, "decision.sentences.status", "s" * 1001, "This is too long: 1001 characters."),
    # Issue 17 (Low): direction overrides and zero-width characters are refused like controls.
    (1, "patient.city", "Lon\u202edon", "Please remove the special characters from this text."),
    (1, "notes", "Ann\u200bEve", "Please remove the special characters from this text."),
    (3, "preferences.fears", "pain\u2066", "Please remove the special characters from this text."),
    (5, "review.specific_question", "Is\u200f it?", "Please remove the special characters"),
]


@pytest.mark.parametrize(
    ("number", "name", "typed", "message"),
    BAD_INPUTS,
    ids=[f"step{n}-{name}-{i}" for i, (n, name, _t, _m) in enumerate(BAD_INPUTS)],
)
def test_bad_input_gets_message_keeps_typed_saves_nothing(
    world: World, number: int, name: str, typed: str, message: str
) -> None:
    data = page_form(world, number)
    data[name] = typed
    before = snapshot(world)
    saves = AuditEvent.objects.filter(action="case.save").count()
    response = submit(world, number, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Nothing was saved" in html
    assert journey_form(html)[name] == typed
    assert snapshot(world) == before
    assert AuditEvent.objects.filter(action="case.save").count() == saves
    assert "<script>alert(1)</script>" not in html


# Values no page offers (a tampered request): refused with a message, nothing saved.
TAMPERED = [
    (1, "diagnosis.disease", "leukemia-x", "Choose from the options shown."),
    (1, "diagnosis.subtype", "myeloma_nos", "Choose from the options shown."),
    (1, "fitness.ecog", "7", "Choose from the options shown."),
    (1, "fitness.active_infection", "maybe", "Choose yes, no or I don&#x27;t know."),
    (1, "fitness.organ_dysfunction", ["heart", "none"], "You chose &#x27;none&#x27; and also"),
    (3, "preferences.importance.aim", "9", "Choose from the options shown."),
    (6, "decision.sure.sure_of_choice", "true", "Choose yes, no or I don&#x27;t know."),
]


@pytest.mark.parametrize(
    ("number", "name", "sent", "message"),
    TAMPERED,
    ids=[f"step{n}-{name}" for n, name, _s, _m in TAMPERED],
)
def test_tampered_choice_gets_message_saves_nothing(
    world: World, number: int, name: str, sent: Any, message: str
) -> None:
    data = page_form(world, number)
    data[name] = sent
    before = snapshot(world)
    response = submit(world, number, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(world) == before


def test_group_yes_without_entries_is_refused(world: World) -> None:
    data = page_form(world, 1)
    data["transplants.known"] = "yes"
    before = snapshot(world)
    response = submit(world, 1, data)
    assert response.status_code == 400
    assert "add at least one entry" in response.content.decode()
    assert snapshot(world) == before


def test_dont_know_and_value_together_is_refused(world: World) -> None:
    data = page_form(world, 1)
    data["patient.age_years.dk"] = "1"
    before = snapshot(world)
    response = submit(world, 1, data)
    assert response.status_code == 400
    assert "also wrote a value" in response.content.decode()
    assert snapshot(world) == before


def test_item_needs_required_field(world: World) -> None:
    data = page_form(world, 1)
    data["transplants.known"] = "yes"
    data["transplants.0.date"] = "2020"
    before = snapshot(world)
    response = submit(world, 1, data)
    assert response.status_code == 400
    assert "Needed for each entry" in response.content.decode()
    assert snapshot(world) == before


def test_bad_input_message_in_chinese(world: World) -> None:
    user = world.users["patient"]
    user.language = "zh-hans"
    user.save()
    data = page_form(world, 1)
    data["patient.birth_date"] = "2025-02-30"
    data["lines.0.end"] = "2023-01"
    response = submit(world, 1, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "2025-02 没有 30 日。" in html
    assert "没有保存。请检查这些回答" in html
