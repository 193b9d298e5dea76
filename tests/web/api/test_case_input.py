"""The JSON API takes case records as people write them, the same as the command line
(issue 12): disease words, isotypes, countries by name and written dates are read by the core."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cases import results
from crossroads.engine.classify import classify
from crossroads.engine.codes import check_codes
from crossroads.record.load import case_from_data
from crossroads.render.data import assessment_data
from tests.web.api.helpers import call
from tests.web.conftest import World

pytestmark = pytest.mark.integration

WRITTEN: dict[str, Any] = {
    "patient": {"age_years": 64, "country": "中国"},
    "diagnosis": {"disease": "multiple myeloma", "subtype": "IgG kappa", "diagnosed": "2021年3月"},
    "lines": [
        {"agents": ["bortezomib", "lenalidomide"], "start": "2021年4月", "end": "Dec 2021"},
        {"agents": ["daratumumab"], "start": "2022/06", "end": "Sept 2024"},
    ],
    "fitness": {"organ_dysfunction": ["kidney: eGFR 38"], "egfr": "38 mL/min/1.73m2"},
    "logistics": {"treatment_country": "United States"},
    "assessment_date": "2024-11-01",
}


def test_assess_reads_a_record_written_in_words(world: World) -> None:
    kb = results.kb()
    core = check_codes(case_from_data(WRITTEN), kb)
    assert (core.diagnosis.disease, core.diagnosis.qualifiers, core.patient.country) == (
        "mm",
        {"isotype": "igg", "light_chain": "kappa"},
        "CN",
    )
    expected = assessment_data(classify(core, kb, ["US"], results.today()), kb, "en")
    response = call(
        world, "patient", "POST", "/assess", {"record": WRITTEN, "jurisdictions": ["US"]}
    )
    assert (response.status_code, json.loads(response.content)) == (200, expected)


def test_assess_refuses_disease_words_it_cannot_read_with_a_plain_422(world: World) -> None:
    record = {**WRITTEN, "diagnosis": {"disease": "lbcx"}}
    response = call(world, "patient", "POST", "/assess", {"record": record})
    body = json.loads(response.content)
    assert response.status_code == 422
    assert "diagnosis.disease" in json.dumps(body)


def test_assess_refuses_an_ambiguous_date_naming_the_field(world: World) -> None:
    record = {**WRITTEN, "assessment_date": "03/04/2025"}
    response = call(world, "patient", "POST", "/assess", {"record": record})
    assert response.status_code == 422
    assert "two numbers before the year" in json.dumps(json.loads(response.content))
