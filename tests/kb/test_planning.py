"""Planning data (timeline.yaml, checklists.yaml): references, rules and the loader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb import KnowledgeBase
from crossroads.kb.base import DATA_DIR
from crossroads.kb.planning import Planning, findings, load_planning, planning_for

pytestmark = pytest.mark.unit


def errors(kb: KnowledgeBase, planning: Planning) -> list[str]:
    return [f"{f.where}: {f.message}" for f in findings(kb, planning) if f.level == "error"]


def test_shipped_planning_data_has_no_errors(kb: KnowledgeBase) -> None:
    assert errors(kb, planning_for(kb)) == []


def test_every_uncertain_planning_fact_is_listed_as_a_warning(kb: KnowledgeBase) -> None:
    warned = {f.where for f in findings(kb) if f.level == "warning"}
    assert "timeline: rules/may_not_wait" in warned
    assert "timeline: driving.missing.CN" in warned


def test_loader_caches_per_file_version(kb: KnowledgeBase) -> None:
    assert planning_for(kb) is planning_for(kb)


def _with(planning: Planning, **timeline: object) -> Planning:
    return Planning(
        planning.timeline.model_copy(update=timeline), planning.checklists, planning.rules
    )


def test_unknown_logistics_id_is_an_error(kb: KnowledgeBase) -> None:
    planning = planning_for(kb)
    stay = planning.timeline.stay_near_centre.model_copy(
        update={
            "logistics": {"US": "us_stay_nowhere", "EU": "eu_driving", "CN": "cn_stay_near_centre"}
        }
    )
    assert errors(kb, _with(planning, stay_near_centre=stay)) == [
        "timeline: stay_near_centre.EU: 'eu_driving' is about driving in EU, "
        "not stay_near_centre in EU",
        "timeline: stay_near_centre.US: unknown logistics fact id 'us_stay_nowhere'",
    ]


def test_missing_place_without_note_is_an_error(kb: KnowledgeBase) -> None:
    planning = planning_for(kb)
    driving = planning.timeline.driving.model_copy(update={"missing": {}})
    assert errors(kb, _with(planning, driving=driving)) == [
        "timeline: driving: no fact and no note for CN"
    ]


def test_unknown_product_in_schedule_is_an_error(kb: KnowledgeBase) -> None:
    planning = planning_for(kb)
    step = planning.timeline.lymphodepletion
    bad = step.by_product[0].model_copy(update={"product": "imaginary-cel", "diseases": ["xyz"]})
    changed = step.model_copy(update={"by_product": [bad, *step.by_product[1:]]})
    assert errors(kb, _with(planning, lymphodepletion=changed)) == [
        "timeline: ld_axi_cel: unknown product 'imaginary-cel'",
        "timeline: ld_axi_cel: unknown disease code 'xyz'",
    ]


def test_unknown_case_field_in_checklist_is_an_error(kb: KnowledgeBase) -> None:
    planning = planning_for(kb)
    items = list(planning.checklists.items)
    items[0] = items[0].model_copy(update={"field": "records.pathologee"})
    checklists = planning.checklists.model_copy(update={"items": items})
    assert errors(kb, Planning(planning.timeline, checklists, planning.rules)) == [
        "checklists: pathology: no case field 'records.pathologee'"
    ]


def test_rule_over_unknown_fact_refuses_to_load(tmp_path: Path, kb: KnowledgeBase) -> None:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / "timeline.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "fact: rapid_progression", "fact: rapid_growth", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_planning({c: f.kind for c, f in kb.facts.items()}, target)
    assert "unknown fact 'rapid_growth'" in str(caught.value)
