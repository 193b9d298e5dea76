"""Readiness: checklist items read from the case (known, missing, unknown) and step completeness.

Expected states are read by hand from the example files' ``records:`` and ``logistics:`` sections
and from the stay-near-centre weeks in logistics.yaml (US 2, EU 4, CN 4).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crossroads.common.dates import Interval
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case
from crossroads.record.load import case_from_data
from crossroads.render.plan_text import readiness_text
from crossroads.steps.assess import prepare_case
from crossroads.steps.readiness import readiness, readiness_data
from tests.builders import build_case
from tests.conftest import EXAMPLES, TODAY, Golden

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "plan"


def states(kb: KnowledgeBase, case: Case) -> dict[str, str]:
    return {s.item.id: s.state for s in readiness(case, kb, TODAY).items}


def practical(**logistics: Any) -> Case:
    return build_case(patient={"country": "NL"}, logistics=logistics)


def test_cross_border_example_states(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "fl_two_lines_eu_axi_cel_needs_three_cn_patient.yaml", kb)
    assert states(kb, case) == {
        "pathology": "known",
        "imaging": "missing",
        "treatment_summary": "known",
        "labs": "known",
        "transplant_history": "known",
        "infection_history": "known",
        "medication_list": "known",
        "caregiver": "known",
        "caregiver_weeks": "missing",  # 2 weeks against the EU's 4
        "lodging": "unknown",
        "transport": "known",
        "funding": "unknown",
        "work_leave": "unknown",
        "visa": "missing",  # a visa is needed and not yet in hand
        "translation": "missing",
    }


@pytest.mark.parametrize(
    ("country", "weeks", "expected"),
    [
        ("DE", 4, "known"),  # EU: 4 weeks near the centre
        ("DE", 3, "missing"),
        ("US", 2, "known"),  # US: 2 weeks
        ("US", 1, "missing"),
        (None, 4, "known"),  # place unknown: enough for every place
        (None, 2, "unknown"),  # enough in the US, not in the EU or China
        (None, 1, "missing"),  # too few anywhere
        ("DE", None, "unknown"),
    ],
)
def test_caregiver_weeks_against_the_place(
    kb: KnowledgeBase, country: str | None, weeks: int | None, expected: str
) -> None:
    case = practical(treatment_country=country, caregiver_weeks=weeks)
    assert states(kb, case)["caregiver_weeks"] == expected


def test_caregiver_weeks_needed_is_a_range_when_place_unknown(kb: KnowledgeBase) -> None:
    result = readiness(practical(caregiver_weeks=2), kb, TODAY)
    assert result.item("caregiver_weeks").need_weeks == Interval(2, 4)
    row = next(i for i in readiness_data(result, kb)["items"] if i["id"] == "caregiver_weeks")
    assert row["detail"] == "needs 2 to 4 weeks depending on the place, has 2"


def test_no_visa_items_when_treated_at_home(kb: KnowledgeBase) -> None:
    found = states(kb, practical(treatment_country="NL"))
    assert "visa" not in found and "translation" not in found


def test_visa_items_unknown_when_place_unknown(kb: KnowledgeBase) -> None:
    found = states(kb, practical())
    assert (found["visa"], found["translation"]) == ("unknown", "unknown")


@pytest.mark.parametrize(("needed", "expected"), [(False, "known"), (True, "missing")])
def test_visa_not_needed_counts_as_ready(kb: KnowledgeBase, needed: bool, expected: str) -> None:
    case = practical(treatment_country="US", visa_needed=needed)
    assert states(kb, case)["visa"] == expected


def test_empty_case_scores_zero_everywhere(kb: KnowledgeBase) -> None:
    result = readiness(Case(), kb, TODAY)
    # Step 1: 11 critical facts + 7 records; step 2: 3 places; step 4: the treatment country,
    # 2 tempo facts and 8 practical items (visa and translation apply while the place is unknown).
    assert [(s.step, s.known, s.total) for s in result.steps] == [
        (1, 0, 18),
        (2, 0, 3),
        (3, 0, 2),
        (4, 0, 11),
        (5, 0, 2),
        (6, 0, 8),
    ]


def test_step_scores_of_cross_border_example(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "fl_two_lines_eu_axi_cel_needs_three_cn_patient.yaml", kb)
    result = readiness(case, kb, TODAY)
    # Step 1: all 11 critical facts known, 6 of 7 records held (no scan reports).
    # Step 4: country DE, months since progression known (rapid growth not), 2 of 8 practical.
    # (Steps 3, 5 and 6 read sections that other parts of the journey fill in.)
    assert [(s.step, s.known, s.total, s.percent) for s in (result.step(1), result.step(4))] == [
        (1, 17, 18, 94),
        (4, 4, 11, 36),
    ]
    assert (result.step(2).known, result.step(2).total) == (3, 3)
    assert [g.key for g in result.step(1).gaps] == ["imaging"]


def test_review_and_decision_steps_count_answered_fields(kb: KnowledgeBase) -> None:
    case = case_from_data(
        {
            "preferences": {"main_goal": "cure"},
            "review": {"conflicting_advice": False},
            "decision": {
                "sentences": {"status": "Relapsed once.", "options": "CAR-T or chemo."},
                "sure": {"sure_of_choice": False, "enough_support": True},
            },
        }
    )
    result = readiness(case, kb, TODAY)
    assert [(s.step, s.known, s.total) for s in result.steps[2:]] == [
        (3, 1, 2),
        (4, 0, 11),
        (5, 1, 2),
        (6, 4, 8),  # an answer of "no" is still an answer
    ]
    assert [g.key for g in result.step(5).gaps] == ["review.specific_question"]


def test_records_unknown_is_not_missing(kb: KnowledgeBase) -> None:
    case = case_from_data({"records": {"pathology": True, "imaging": False}})
    found = states(kb, case)
    assert (found["pathology"], found["imaging"], found["labs"]) == ("known", "missing", "unknown")


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("fl_two_lines_eu_axi_cel_needs_three_cn_patient", "en"),
        ("lbcl_dlbcl_third_line_cn_patient_cross_border", "zh-Hans"),
        ("ball_child_8_second_relapse_cn", "en"),
    ],
)
def test_readiness_golden(kb: KnowledgeBase, name: str, lang: str, golden: Golden) -> None:
    data = readiness_data(
        readiness(prepare_case(EXAMPLES / f"{name}.yaml", kb), kb, TODAY), kb, lang
    )
    suffix = "" if lang == "en" else f".{lang}"
    golden.check(
        GOLDEN / f"{name}.readiness{suffix}.json",
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
    )
    golden.check(GOLDEN / f"{name}.readiness{suffix}.txt", readiness_text(data, kb))
