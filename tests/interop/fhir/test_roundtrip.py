"""Round trip: case -> FHIR Bundle -> case gives the same record (compared with ==)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import export_case, import_bundle, validate_bundle
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case
from crossroads.steps.assess import prepare_case
from tests.conftest import example_files

pytestmark = pytest.mark.integration


def _round_trip(case: Case, kb: KnowledgeBase) -> tuple[Case, list[str]]:
    bundle = json.loads(json.dumps(export_case(case, kb)))  # through JSON text, as on disk
    assert validate_bundle(bundle) == []
    result = import_bundle(bundle, kb)
    return result.case, [f"{n.kind} {n.where}: {n.message}" for n in result.notes]


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_round_trip_gives_the_same_record_for_every_example(
    kb: KnowledgeBase, case_file: Path
) -> None:
    case = prepare_case(case_file, kb)
    back, notes = _round_trip(case, kb)
    assert back == case
    assert notes == []


# Corners the examples do not reach: unknown versus empty lists, partial dates, states that the
# standard clinical status cannot tell apart, and fields only an extension can carry.
EDGE_CASES: dict[str, dict[str, Any]] = {
    "empty_record": {},
    "agents_unknown_and_none": {
        "diagnosis": {"disease": "mm"},
        "lines": [
            {"regimen": "first", "start": "2024"},
            {"regimen": "radiotherapy", "kind": "radiotherapy", "agents": [], "end": "2024-06-30"},
            {"agents": ["lenalidomide"], "kind": "maintenance"},
        ],
    },
    "lines_known_empty": {"diagnosis": {"disease": "fl"}, "lines": []},
    "progressing_and_rapid": {
        "diagnosis": {"disease": "lbcl", "subtype": "hgbcl"},
        "disease_status": {"state": "progressing", "rapid_progression": True},
    },
    "remission_without_dates": {
        "diagnosis": {"disease": "cll"},
        "disease_status": {"state": "remission"},
    },
    "status_without_disease": {"disease_status": {"relapse_number": 2, "last_progression": "2026"}},
    "empty_sub_sections": {
        "patient": {"contact": {}},
        "diagnosis": {"disease": "mcl", "target_antigens": {}},
        "fitness": {"organ_dysfunction": []},
        "transplant_ineligible_reasons": [],
    },
    "both_antigens_and_other_target": {
        "diagnosis": {
            "disease": "ball",
            "target_antigens": {"cd19": "negative", "bcma": "positive"},
        },
        "prior_cellular_therapy": [
            {"target": "other"},
            {"target": "CD22", "product": "an academic CD22 CAR-T", "date": "2025-03-02"},
        ],
        "transplants": [{"type": "allogeneic"}, {"type": "autologous", "date": "2019"}],
    },
    "identity_only": {
        "patient": {
            "name": "张三 (Zhang San)",
            "record_numbers": [
                {"value": "A-1"},
                {"system": "national ID (fictional)", "value": "B-2"},
            ],
            "contact": {"email": "z@example.org", "address": "北京市虚构路 1 号"},
            "age_years": 61,
            "language": "en",
        },
        "notes": "Made-up record for a test.",
    },
    "future_fields_in_extensions": {
        "extensions": {"other_tool": {"score": 3, "flags": [True, None]}}
    },
    "workbench_sections": {
        "preferences": {"main_goal": "time_at_home", "importance": {"aim": 1}, "fears": ["pain"]},
        "logistics": {"treatment_country": "CN", "visa_needed": True},
        "records": {"pathology": False},
        "supportive_care": [{"name": "灵芝", "kind": "tcm", "told_treating_team": None}],
        "review": {"specific_question": "Is a second CAR-T sensible?"},
        "decision": {"sentences": {"status": "It came back."}, "sure": {"enough_support": False}},
        "actions": [
            {"id": "a1", "title": "Call the clinic", "owner": "caregiver", "due": "2026-12"}
        ],
    },
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_round_trip_keeps_edge_cases(kb: KnowledgeBase, name: str) -> None:
    case = check_codes(Case.model_validate(EDGE_CASES[name]), kb)
    back, _ = _round_trip(case, kb)
    assert back == case


def test_round_trip_keeps_unknown_apart_from_none(kb: KnowledgeBase) -> None:
    case = check_codes(Case.model_validate(EDGE_CASES["agents_unknown_and_none"]), kb)
    back, _ = _round_trip(case, kb)
    assert [line.agents for line in back.lines or []] == [None, [], ["lenalidomide"]]
    assert back.transplants is None  # never said: stays unknown, not "no transplants"
    empty = check_codes(Case.model_validate(EDGE_CASES["lines_known_empty"]), kb)
    assert _round_trip(empty, kb)[0].lines == []
