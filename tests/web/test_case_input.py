"""The case forms take what the core takes (issue 12): a country by name, a written date, and
an organ detail from a case file or the API is kept when the form (organs only) is saved."""

from __future__ import annotations

import pytest

from cases.models import CaseRecord
from tests.web.conftest import World
from tests.web.test_step_forms import page_form, snapshot, submit

pytestmark = pytest.mark.integration


def test_country_by_name_and_a_written_date_are_stored_as_codes(world: World) -> None:
    data = page_form(world, 1)
    data["patient.country"] = "中国"
    data["patient.birth_date"] = "1960年5月"
    assert submit(world, 1, data).status_code == 302
    saved, _ = snapshot(world)
    assert (saved["patient"]["country"], saved["patient"]["birth_date"]) == ("CN", "1960-05")


def test_an_organ_detail_survives_a_form_save(world: World) -> None:
    case = CaseRecord.objects.get(pk=world.case.pk)
    case.data = {
        **case.data,
        "fitness": {"organ_dysfunction": [{"organ": "lung", "detail": "mild COPD"}, "heart"]},
    }
    case.save()
    data = page_form(world, 1)
    assert data["fitness.organ_dysfunction"] == ["heart", "lung"]  # in the form's order
    assert submit(world, 1, data).status_code == 302
    saved, _ = snapshot(world)
    assert saved["fitness"]["organ_dysfunction"] == [
        "heart",
        {"organ": "lung", "detail": "mild COPD"},
    ]
