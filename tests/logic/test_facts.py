"""Derived facts: counting rules, partial dates, and "unknown is not no"."""

from __future__ import annotations

from typing import Any

import pytest

from crossroads.common.dates import Interval, PartialDate
from crossroads.common.values import SetValue
from crossroads.kb import KnowledgeBase
from crossroads.logic.facts import derive_facts
from crossroads.record.case import Case
from tests.builders import build_case

pytestmark = pytest.mark.unit
ON = PartialDate(2025, 3, 1)


def facts(kb: KnowledgeBase, data: dict[str, Any]) -> dict[str, Any]:
    return dict(derive_facts(build_case(data, kb=kb), kb.classes_of, ON).values)


R_CHOP = {
    "regimen": "R-CHOP",
    "agents": ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"],
    "start": "2024-04",
    "end": "2024-08",
    "best_response": "CR",
    "progression": "2025-02",
}


def test_empty_record_knows_nothing(kb: KnowledgeBase) -> None:
    derived = facts(kb, {})
    known = {k: v for k, v in derived.items() if v is not None}
    assert known == {}


def test_first_line_relapse_facts(kb: KnowledgeBase) -> None:
    derived = facts(kb, {"lines": [R_CHOP], "disease_status": {"state": "relapsed"}})
    assert derived["prior_lines"] == Interval(1, 1)
    assert derived["primary_refractory"] is False
    assert derived["months_first_line_end_to_relapse"] == Interval(6, 6)
    assert derived["months_first_line_start_to_relapse"] == Interval(10, 10)
    assert derived["exposed_classes"] == SetValue(
        frozenset({"anti_cd20", "alkylator", "anthracycline", "vinca_alkaloid", "corticosteroid"}),
        complete=False,  # prior cellular therapy is unknown, so the list may be incomplete
    )
    assert derived["relapsed_or_refractory"] is True
    assert derived["months_since_last_progression"] is None


def test_maintenance_and_radiotherapy_do_not_count_as_lines(kb: KnowledgeBase) -> None:
    lines = [R_CHOP, {"kind": "maintenance", "agents": ["rituximab"]}, {"kind": "radiotherapy"}]
    assert facts(kb, {"lines": lines})["prior_lines"] == Interval(1, 1)


def test_primary_refractory_from_best_response(kb: KnowledgeBase) -> None:
    line = {**R_CHOP, "best_response": "PD"}
    assert facts(kb, {"lines": [line]})["primary_refractory"] is True
    assert facts(kb, {"lines": [{"regimen": "R-CHOP"}]})["primary_refractory"] is None
    assert facts(kb, {"lines": []})["primary_refractory"] is False


def test_brand_and_chinese_names_count_as_the_drug(kb: KnowledgeBase) -> None:
    line = {"agents": ["Revlimid", "硼替佐米", "Darzalex"], "refractory": True}
    derived = facts(kb, {"lines": [line], "prior_cellular_therapy": []})
    assert derived["triple_class_exposed"] is True
    assert derived["lenalidomide_refractory"] is True


def test_unknown_agents_leave_exposure_unknown_not_no(kb: KnowledgeBase) -> None:
    lines = [{"agents": ["lenalidomide", "bortezomib"]}, {"regimen": "something"}]
    derived = facts(kb, {"lines": lines, "prior_cellular_therapy": []})
    assert derived["triple_class_exposed"] is None
    assert derived["lenalidomide_refractory"] is None
    assert derived["exposed_classes"].has("btk_inhibitor") is None


def test_complete_history_can_say_no(kb: KnowledgeBase) -> None:
    derived = facts(kb, {"lines": [R_CHOP], "prior_cellular_therapy": []})
    assert derived["exposed_classes"].has("btk_inhibitor") is False
    assert derived["prior_cd19_directed"] is False
    assert derived["lenalidomide_refractory"] is False


def test_prior_car_t_counts_as_cd19_directed(kb: KnowledgeBase) -> None:
    derived = facts(kb, {"prior_cellular_therapy": [{"target": "CD19", "product": "axi-cel"}]})
    assert derived["prior_cd19_directed"] is True
    assert derived["prior_car_t"] is True
    assert derived["prior_bcma_directed"] is None


def test_age_from_birth_date_on_assessment_date(kb: KnowledgeBase) -> None:
    data = {"patient": {"birth_date": "1967-05-12"}, "assessment_date": "2025-03-01"}
    assert facts(kb, data)["age_years"] == Interval(57, 57)
    assert facts(kb, {"patient": {"birth_date": "1967"}})["age_years"] == Interval(57, 58)
    assert facts(kb, {"patient": {"age_years": 40}})["age_years"] == Interval(40, 40)


def test_transplant_facts(kb: KnowledgeBase) -> None:
    data = {"transplants": [{"type": "autologous"}], "disease_status": {"state": "relapsed"}}
    derived = facts(kb, data)
    assert derived["prior_autologous_transplant"] is True
    assert derived["prior_allogeneic_transplant"] is False
    assert derived["relapsed_after_transplant"] is True
    assert facts(kb, {})["prior_autologous_transplant"] is None


def test_refractory_state_and_last_line(kb: KnowledgeBase) -> None:
    assert facts(kb, {"disease_status": {"state": "refractory"}})["refractory_disease"] is True
    assert facts(kb, {"disease_status": {"state": "relapsed"}})["refractory_disease"] is False
    line = {"regimen": "R-ICE", "best_response": "SD"}
    derived = facts(kb, {"lines": [R_CHOP, line]})
    assert derived["refractory_to_last_line"] is True
    assert derived["progressed_after_last_line"] is True


def test_partial_progression_date_gives_interval(kb: KnowledgeBase) -> None:
    line = {**R_CHOP, "progression": "2025"}
    assert facts(kb, {"lines": [line]})["months_first_line_end_to_relapse"] == Interval(5, 16)


def test_facts_cover_exactly_the_catalogue(kb: KnowledgeBase) -> None:
    assert set(derive_facts(Case(), kb.classes_of, ON).values) == set(kb.facts)
