"""Derived facts: counting rules, partial dates, and "unknown is not no"."""

from __future__ import annotations

from typing import Any

import pytest

from crossroads.common.dates import Elapsed, Interval, MonthSpan, PartialDate
from crossroads.common.values import SetValue
from crossroads.kb import KnowledgeBase
from crossroads.logic.facts import derive_facts
from crossroads.record.case import Case
from crossroads.record.load import case_from_data
from tests.builders import build_case

pytestmark = pytest.mark.unit
ON = PartialDate(2025, 3, 1)


def facts(kb: KnowledgeBase, data: dict[str, Any]) -> dict[str, Any]:
    return dict(derive_facts(build_case(data, kb=kb), kb.class_sources, ON).values)


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
    # 2024-08 (any day) to 2025-02 (any day): from 08-31 to 02-01 up to 08-01 to 02-28
    assert derived["months_first_line_end_to_relapse"] == MonthSpan(Elapsed(5, 1), Elapsed(6, 27))
    assert derived["months_first_line_start_to_relapse"] == MonthSpan(
        Elapsed(9, 2), Elapsed(10, 27)
    )
    assert derived["exposed_classes"] == SetValue(
        frozenset({"anti_cd20", "alkylator", "anthracycline", "vinca_alkaloid", "corticosteroid"}),
        complete=False,  # prior cellular therapy is unknown, so the list may be incomplete ...
        could_add=frozenset({"car_t", "cd19_directed", "bcma_directed", "cd22_directed"}),
    )  # ... but only in the classes a cellular therapy can add
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
    # design section 4: ended in 2024-08, relapsed in 2025: 4 months and 1 day (08-31 to
    # 2025-01-01) to 16 months and 30 days (08-01 to 2025-12-31)
    assert facts(kb, {"lines": [line]})["months_first_line_end_to_relapse"] == MonthSpan(
        Elapsed(4, 1), Elapsed(16, 30)
    )


def test_facts_cover_exactly_the_catalogue(kb: KnowledgeBase) -> None:
    assert set(derive_facts(Case(), kb.class_sources, ON).values) == set(kb.facts)


# -- months precise to the day (issue 11, item 1) -----------------------------------------------
def _first_line(end: str, relapse: str, start: str | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {"regimen": "R-CHOP", "end": end, "progression": relapse}
    if start is not None:
        line["start"] = start
    return line


def test_day_precise_relapse_393_days_is_12_months_and_28_days(kb: KnowledgeBase) -> None:
    derived = facts(kb, {"lines": [_first_line("2025-01-02", "2026-01-30")]})
    assert derived["months_first_line_end_to_relapse"] == MonthSpan(
        Elapsed(12, 28), Elapsed(12, 28)
    )


def test_unknown_first_line_end_is_bounded_by_its_start(kb: KnowledgeBase) -> None:
    line = {"regimen": "R-CHOP", "start": "2025-01-10", "progression": "2025-10-10"}
    derived = facts(kb, {"lines": [line]})
    # the end is on or after the start, so at most 9 months before the relapse
    assert derived["months_first_line_end_to_relapse"] == MonthSpan(None, Elapsed(9, 0))
    assert derived["months_first_line_start_to_relapse"] == MonthSpan(Elapsed(9, 0), Elapsed(9, 0))


def test_unknown_first_line_end_is_bounded_by_the_next_line(kb: KnowledgeBase) -> None:
    first = {"regimen": "R-CHOP", "progression": "2025-10-10"}
    second = {"regimen": "R-ICE", "start": "2025-06-01"}
    derived = facts(kb, {"lines": [first, second]})
    assert derived["months_first_line_end_to_relapse"] == MonthSpan(Elapsed(4, 9), None)


def test_start_to_relapse_is_never_negative(kb: KnowledgeBase) -> None:
    line = {"regimen": "R-CHOP", "start": "2025", "progression": "2025-03-15"}
    assert facts(kb, {"lines": [line]})["months_first_line_start_to_relapse"] == MonthSpan(
        Elapsed(0, 0), Elapsed(2, 14)
    )


def test_cellular_therapy_cannot_add_a_btk_inhibitor(kb: KnowledgeBase) -> None:
    # issue 11, item 3: every line's medicines known, earlier cellular therapy not known
    derived = facts(kb, {"lines": [R_CHOP]})
    assert derived["exposed_classes"].has("btk_inhibitor") is False
    assert derived["exposed_classes"].has("cd19_directed") is None
    assert derived["prior_cd19_directed"] is None
    assert (
        facts(kb, {"lines": [R_CHOP, {"regimen": "x"}]})["exposed_classes"].has("btk_inhibitor")
        is None
    )


def test_cellular_therapy_adds_its_classes_from_the_data(kb: KnowledgeBase) -> None:
    data = {"lines": [R_CHOP], "prior_cellular_therapy": [{"target": "CD22"}]}
    exposed = facts(kb, data)["exposed_classes"]
    assert exposed.complete is True
    assert {m for m in exposed.members if m in {"car_t", "cd22_directed", "cd19_directed"}} == {
        "car_t",
        "cd22_directed",
    }


def test_a_line_that_ends_before_it_starts_is_refused() -> None:
    from crossroads.common.errors import CrossroadsError

    data = {"lines": [{"regimen": "R-CHOP", "start": "2024-05-10", "end": "2024-03"}]}
    with pytest.raises(CrossroadsError, match=r"lines\[0\]: end \(2024-03\) is before start"):
        case_from_data(data)


def test_overlapping_lines_are_kept_and_not_used_to_bound_each_other(kb: KnowledgeBase) -> None:
    """A real history may record a new line before the old one's end: keep it, infer nothing."""
    data = {
        "diagnosis": {"disease": "lbcl"},
        "lines": [
            {"regimen": "R-CHOP", "start": "2024-01", "end": "2024-09"},
            {"regimen": "R-ICE", "start": "2024-05-01"},
        ],
    }
    case = case_from_data(data)
    assert [line.regimen for line in case.lines or []] == ["R-CHOP", "R-ICE"]
    assert facts(kb, data)["prior_lines"] == Interval(2, 2)
