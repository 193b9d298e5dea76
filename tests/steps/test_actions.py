"""The action plan: actions from the case's gaps, due dates, and merging with the case's own.

Due days come from checklists.yaml (records and facts 7 days, or 3 when the disease may not
wait; practical check 14/7; question 10/5; review 14/7; compare 21/10; decide 28/14).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from crossroads.common.dates import PartialDate
from crossroads.engine.classify import classify
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case
from crossroads.render.plan_text import actions_text
from crossroads.steps.actions import action_plan, actions_data
from crossroads.steps.assess import prepare_case
from tests.builders import DLBCL_FIRST_RELAPSE, build_case, case_data
from tests.conftest import EXAMPLES, TODAY, Golden

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "plan"

ALL_RECORDS = {
    "pathology": True,
    "imaging": True,
    "treatment_summary": True,
    "labs": True,
    "transplant_history": True,
    "infection_history": True,
    "medication_list": True,
}
READY = {
    "treatment_country": "US",
    "caregiver_available": True,
    "caregiver_weeks": 2,
    "lodging_near_centre": True,
    "transport_arranged": True,
    "funding_confirmed": True,
    "work_leave_arranged": True,
}
# Fully known DLBCL relapse 6 months after first-line treatment (axi-cel, liso-cel on label).
BASE = case_data(
    DLBCL_FIRST_RELAPSE,
    disease_status={"rapid_progression": False},
    records=ALL_RECORDS,
    logistics=READY,
)
ONCE = ["send_question", "book_review", "compare_options", "decide"]


def make(kb: KnowledgeBase, **changes: Any) -> Case:
    return build_case(BASE, kb=kb, **changes)


def plan(kb: KnowledgeBase, case: Case) -> list[Any]:
    return action_plan(case, kb, classify(case, kb, today=TODAY), TODAY)


def due(days: int) -> PartialDate:
    return PartialDate.parse(TODAY + dt.timedelta(days=days))


def test_nothing_missing_leaves_the_journey_steps(kb: KnowledgeBase) -> None:
    found = plan(kb, make(kb))
    assert [(a.id, a.owner, a.due) for a in found] == [
        ("send_question", "coordinator", due(10)),
        ("book_review", "coordinator", due(14)),
        ("compare_options", "patient", due(21)),
        ("decide", "patient", due(28)),
    ]


def test_each_missing_record_is_asked_for(kb: KnowledgeBase) -> None:
    found = plan(kb, make(kb, records={"imaging": False, "labs": None}))
    assert [(a.id, a.owner, a.due) for a in found][:2] == [
        ("gather_imaging", "caregiver", due(7)),
        ("gather_labs", "caregiver", due(7)),
    ]
    assert found[0].title.en == "Ask your treating team for: Scan reports"


def test_unknown_deciding_fact_becomes_an_action(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "lbcl_partial_relapse_date_window_unknown.yaml", kb)
    ids = [a.id for a in plan(kb, case)]
    assert "answer_months_first_line_end_to_relapse" in ids
    assert ids.count("answer_rapid_progression") == 1


def kb_points(kb: KnowledgeBase, name: str) -> list[str]:
    case = prepare_case(EXAMPLES / f"{name}.yaml", kb)
    return [a.id for a in plan(kb, case) if a.id.startswith("answer_kb_")]


def test_unsettled_knowledge_waits_until_the_case_facts_are_in(kb: KnowledgeBase) -> None:
    # only the disease is known: the label questions for the team would be noise
    assert kb_points(kb, "lbcl_only_disease_known") == []
    assert "answer_age_years" in [
        a.id for a in plan(kb, prepare_case(EXAMPLES / "lbcl_only_disease_known.yaml", kb))
    ]


def test_unsettled_knowledge_is_asked_when_it_is_all_that_is_open(kb: KnowledgeBase) -> None:
    # every case fact of the EU transformed-FL indication is known; only the label's reading is not
    assert len(kb_points(kb, "lbcl_transformed_fl_third_line_eu_not_named")) == 1
    assert len(kb_points(kb, "ball_age_20_first_relapse_pcar_19b_age_uncertain")) == 1


def test_missing_practical_item_and_unknown_ones(kb: KnowledgeBase) -> None:
    found = plan(kb, make(kb, logistics={"lodging_near_centre": False, "funding_confirmed": None}))
    assert [a.id for a in found] == ["arrange_lodging", "practical_check", *ONCE]
    assert [a.due for a in found[:2]] == [due(21), due(14)]


def test_due_dates_shorter_when_disease_may_not_wait(kb: KnowledgeBase) -> None:
    case = make(kb, records={"imaging": False}, disease_status={"rapid_progression": True})
    found = plan(kb, case)
    assert [(a.id, a.due, a.urgent) for a in found] == [
        ("gather_imaging", due(3), True),
        ("send_question", due(5), True),
        ("book_review", due(7), True),
        ("compare_options", due(10), True),
        ("decide", due(14), True),
    ]
    assert actions_data(found, kb, TODAY)["urgent"] is True


def test_case_action_wins_by_id_and_keeps_its_place(kb: KnowledgeBase) -> None:
    own = [{"id": "book_review", "title": "MDT booked", "owner": "reviewer", "due": "2026-12-03"}]
    found = plan(kb, make(kb, actions=own))
    review = found[1]
    assert (review.id, review.title.en, review.owner, review.due, review.origin) == (
        "book_review",
        "MDT booked",
        "reviewer",
        PartialDate.parse("2026-12-03"),
        "case",
    )
    assert [a.id for a in found] == ONCE


def test_done_actions_are_kept_even_when_the_gap_closed(kb: KnowledgeBase) -> None:
    own = [
        {"id": "gather_pathology", "title": "Got the report", "done": True},
        {"id": "call_insurer", "title": "Call the insurer", "owner": "patient", "done": True},
    ]
    found = plan(kb, make(kb, actions=own))
    assert [(a.id, a.done, a.origin) for a in found] == [
        *[(i, False, "derived") for i in ONCE],
        ("gather_pathology", True, "case"),
        ("call_insurer", True, "case"),
    ]


def test_overdue_is_marked(kb: KnowledgeBase) -> None:
    own = [
        {"id": "late", "title": "Late", "due": "2026-11-29"},
        {"id": "today", "title": "Today", "due": "2026-11-30"},
        {"id": "done", "title": "Done", "due": "2026-11-01", "done": True},
    ]
    rows = actions_data(plan(kb, make(kb, actions=own)), kb, TODAY)["actions"]
    assert [(r["id"], r["overdue"]) for r in rows[-3:]] == [
        ("late", True),
        ("today", False),
        ("done", False),
    ]


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("us_axi_cel_second_line_early_relapse", "en"),
        ("lbcl_dlbcl_third_line_cn_patient_cross_border", "zh-Hans"),
        ("ball_teen_17_first_relapse_after_transplant_eu_tisa_cel", "en"),
    ],
)
def test_actions_golden(kb: KnowledgeBase, name: str, lang: str, golden: Golden) -> None:
    case = prepare_case(EXAMPLES / f"{name}.yaml", kb)
    data = actions_data(plan(kb, case), kb, TODAY, lang)
    suffix = "" if lang == "en" else f".{lang}"
    golden.check(
        GOLDEN / f"{name}.actions{suffix}.json",
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
    )
    golden.check(GOLDEN / f"{name}.actions{suffix}.txt", actions_text(data, kb))
