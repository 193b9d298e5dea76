"""The case record reads organ problems, measurements, countries and dates as people write them,
and refuses a history date after the assessment date (issue 12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from crossroads.common.errors import CaseFileError
from crossroads.record.case import Case
from crossroads.record.load import case_from_data

pytestmark = pytest.mark.unit


def _refusal(data: dict[str, Any]) -> str:
    with pytest.raises(CaseFileError) as raised:
        case_from_data(data, "case.yaml")
    return str(raised.value)


# -- organ problems -------------------------------------------------------------------------------
def test_organ_problems_as_codes_text_and_mappings() -> None:
    case = case_from_data(
        {
            "fitness": {
                "organ_dysfunction": [
                    "heart",
                    "lung: mild COPD",
                    "肝：乙肝病毒携带",
                    {"organ": "kidney", "detail": "CKD stage 3"},
                    "mild COPD",
                ]
            }
        }
    )
    assert case.to_data()["fitness"]["organ_dysfunction"] == [
        "heart",
        {"organ": "lung", "detail": "mild COPD"},
        {"organ": "肝", "detail": "乙肝病毒携带"},
        {"organ": "kidney", "detail": "CKD stage 3"},
        "mild COPD",
    ]


def test_an_organ_problem_round_trips_through_the_public_format() -> None:
    data = {"fitness": {"organ_dysfunction": ["heart", {"organ": "lung", "detail": "COPD"}]}}
    once = case_from_data(data).to_data()
    assert case_from_data(once).to_data() == once


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"organ": "lung", "grade": 2}, "fitness.organ_dysfunction[0].grade: is not a field"),
        ({"detail": "x"}, "fitness.organ_dysfunction[0].organ: is required."),
        ("", "fitness.organ_dysfunction[0].organ: is too short (at least 1)."),
    ],
)
def test_a_misshapen_organ_problem_names_the_field(item: Any, message: str) -> None:
    assert message in _refusal({"fitness": {"organ_dysfunction": [item]}})


# -- measurements ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "written", "read"),
    [
        ("lvef_percent", 1, 1.0),
        ("lvef_percent", 100, 100.0),
        ("lvef_percent", "45%", 45.0),
        ("lvef_percent", "45 %", 45.0),
        ("egfr", 0, 0.0),
        ("egfr", 200, 200.0),
        ("egfr", "55 mL/min/1.73m2", 55.0),
        ("egfr", "55 mL/min/1.73m²", 55.0),
        ("egfr", "55,5", 55.5),
        ("spo2_percent", 1, 1.0),
        ("spo2_percent", "96%", 96.0),
        ("spo2_percent", 100, 100.0),
    ],
)
def test_measurements_at_their_bounds_and_with_units(field: str, written: Any, read: float) -> None:
    assert getattr(case_from_data({"fitness": {field: written}}).fitness, field) == read


@pytest.mark.parametrize(
    ("field", "written", "message"),
    [
        ("lvef_percent", 0.9, "fitness.lvef_percent: must be 1 or more."),
        ("lvef_percent", 100.1, "fitness.lvef_percent: must be 100 or less."),
        ("egfr", -0.1, "fitness.egfr: must be 0 or more."),
        ("egfr", 200.1, "fitness.egfr: must be 200 or less."),
        ("spo2_percent", 101, "fitness.spo2_percent: must be 100 or less."),
        ("lvef_percent", "45 mg", "'45 mg' is not a number for lvef_percent; write a number in %"),
        ("egfr", "normal", "'normal' is not a number for egfr"),
    ],
)
def test_measurements_out_of_range_are_refused_naming_the_field(
    field: str, written: Any, message: str
) -> None:
    assert message in _refusal({"fitness": {field: written}})


@pytest.mark.parametrize(
    ("written", "value", "unit"),
    [
        ("1.2 mg/dL", 1.2, "mg/dL"),
        ("20 µmol/L", 20.0, "µmol/L"),
        ("20 umol/l", 20.0, "µmol/L"),
        ("20 μmol/L", 20.0, "µmol/L"),
        ({"value": 0, "unit": "mg/dl"}, 0.0, "mg/dL"),
        ("50 mg/dL", 50.0, "mg/dL"),
        ("855 µmol/L", 855.0, "µmol/L"),
    ],
)
def test_bilirubin_is_read_with_its_unit(written: Any, value: float, unit: str) -> None:
    bilirubin = case_from_data({"fitness": {"bilirubin": written}}).fitness.bilirubin
    assert bilirubin is not None and (bilirubin.value, bilirubin.unit) == (value, unit)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (1.2, "fitness.bilirubin: 1.2 needs its unit; write e.g. '1.2 mg/dL' or '20 µmol/L'."),
        ("1.2", "'1.2' is not a bilirubin value; write e.g. '1.2 mg/dL' or '20 µmol/L'."),
        ("50.1 mg/dL", "bilirubin 50.1 mg/dL is more than any measured value (50 mg/dL)"),
        ("856 µmol/L", "bilirubin 856 µmol/L is more than any measured value (855 µmol/L)"),
        ({"value": -1, "unit": "mg/dL"}, "fitness.bilirubin.value: must be 0 or more."),
        ({"value": 1, "unit": "g/L"}, "fitness.bilirubin.unit: must be one of"),
    ],
)
def test_bilirubin_without_unit_or_out_of_range_is_refused(written: Any, message: str) -> None:
    assert message in _refusal({"fitness": {"bilirubin": written}})


# -- countries ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("China", "CN"),
        ("中国", "CN"),
        ("USA", "US"),
        ("Deutschland", "DE"),
        ("nl", "NL"),
        ("Narnia", "Narnia"),
    ],
)
def test_countries_by_name_are_stored_as_codes(written: str, stored: str) -> None:
    """A name that is no country is kept as written; the knowledge-base check warns about it."""
    case = case_from_data(
        {"patient": {"country": written}, "logistics": {"treatment_country": written}}
    )
    assert (case.patient.country, case.logistics.treatment_country) == (stored, stored)


# -- dates after the assessment date --------------------------------------------------------------
HISTORY_FIELDS = [
    ({"diagnosis": {"diagnosed": "{d}"}}, "diagnosis.diagnosed"),
    ({"lines": [{"start": "{d}"}]}, "lines[0].start"),
    ({"lines": [{"start": "2024-01", "end": "{d}"}]}, "lines[0].end"),
    ({"lines": [{"start": "2024-01", "progression": "{d}"}]}, "lines[0].progression"),
    ({"disease_status": {"last_progression": "{d}"}}, "disease_status.last_progression"),
    ({"transplants": [{"type": "autologous", "date": "{d}"}]}, "transplants[0].date"),
    (
        {"prior_cellular_therapy": [{"target": "CD19", "date": "{d}"}]},
        "prior_cellular_therapy[0].date",
    ),
    ({"patient": {"birth_date": "{d}"}}, "patient.birth_date"),
]


def _with_date(template: dict[str, Any], date: str) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(template).replace("{d}", date))


@pytest.mark.parametrize(("template", "where"), HISTORY_FIELDS)
def test_a_history_date_after_the_assessment_date_is_refused(
    template: dict[str, Any], where: str
) -> None:
    data = {**_with_date(template, "2025-06-02"), "assessment_date": "2025-06-01"}
    message = _refusal(data)
    assert f"{where} (2025-06-02) is after assessment_date (2025-06-01)" in message


@pytest.mark.parametrize(("template", "where"), HISTORY_FIELDS)
def test_a_history_date_on_the_assessment_date_or_overlapping_it_is_kept(
    template: dict[str, Any], where: str
) -> None:
    for date in ("2025-06-01", "2025-06", "2025"):
        case_from_data({**_with_date(template, date), "assessment_date": "2025-06-01"})


def test_without_an_assessment_date_today_is_the_limit() -> None:
    today = dt.date(2025, 6, 1)
    Case.model_validate({"lines": [{"start": "2025-06-01"}]}, context={"today": today})
    with pytest.raises(ValueError, match=r"lines\[0\]\.start \(2025-06-02\) is after today"):
        Case.model_validate({"lines": [{"start": "2025-06-02"}]}, context={"today": today})


def test_planned_dates_may_lie_after_the_assessment_date() -> None:
    case_from_data(
        {
            "assessment_date": "2025-06-01",
            "actions": [{"id": "a1", "title": "See the team", "due": "2025-07"}],
            "decision": {"edited": "2025-06-20"},
        }
    )


def test_a_line_that_ends_before_it_starts_is_still_refused() -> None:
    assert "end (2024-01) is before start (2024-03)" in _refusal(
        {"lines": [{"start": "2024-03", "end": "2024-01"}]}
    )
