"""Out of scope: a disease CAR-T does not cover gets "what to ask instead", never a CAR-T plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.engine.classify import classify
from crossroads.kb import KnowledgeBase
from crossroads.kb.models import Disease, Text
from crossroads.kb.scope import load_scope
from crossroads.steps.actions import action_plan
from crossroads.steps.assess import prepare_case
from crossroads.steps.scope import ask_instead_data, out_of_scope, out_of_scope_disease
from tests.builders import build_case
from tests.conftest import EXAMPLES, TODAY, example_files

OUTSIDE = {"out_of_scope_aml", "out_of_scope_hodgkin", "out_of_scope_other_t_cell_lymphoma"}


def _classified(kb: KnowledgeBase, path: Path):  # type: ignore[no-untyped-def]
    case = prepare_case(path, kb)
    return case, classify(case, kb, today=TODAY)


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_only_the_out_of_scope_examples_are_out_of_scope(
    kb: KnowledgeBase, case_file: Path
) -> None:
    _, cl = _classified(kb, case_file)
    assert out_of_scope(cl, kb) is (case_file.stem in OUTSIDE)


def test_an_unknown_disease_is_not_out_of_scope(kb: KnowledgeBase) -> None:
    """Three-valued: "cannot tell" which disease is never "out of scope"."""
    assert out_of_scope_disease(None, kb) is False
    case = build_case(
        {
            "schema": "crossroads.case/v1",
            "patient": {"age_years": 50, "country": "US"},
            "diagnosis": {},
            "assessment_date": "2026-11-01",
        }
    )
    cl = classify(case, kb, today=TODAY)
    assert {jr.category for jr in cl.jurisdictions} == {"cannot_tell"}
    assert out_of_scope(cl, kb) is False
    assert ask_instead_data(cl, kb, "en") is None


def test_a_disease_in_scope_with_no_indication_anywhere_is_out_of_scope(
    kb: KnowledgeBase,
) -> None:
    name = Text(en="a disease no product covers", zh="没有产品覆盖的疾病")
    assert out_of_scope_disease(Disease(code="nowhere", name=name), kb) is True
    assert out_of_scope_disease(kb.diseases["lbcl"], kb) is False
    assert out_of_scope_disease(kb.diseases["aml"], kb) is True


@pytest.mark.parametrize(
    ("stem", "disease_items"),
    [
        ("out_of_scope_aml", ["ask_aml_transplant", "ask_aml_gene_tests"]),
        ("out_of_scope_hodgkin", ["ask_hodgkin_medicines", "ask_hodgkin_transplant"]),
        ("out_of_scope_other_t_cell_lymphoma", []),
    ],
)
@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_ask_instead_lists_the_general_then_the_disease_questions(
    kb: KnowledgeBase, stem: str, disease_items: list[str], lang: str
) -> None:
    _, cl = _classified(kb, EXAMPLES / f"{stem}.yaml")
    data = ask_instead_data(cl, kb, lang)
    assert data is not None
    general = ["ask_options", "ask_trials", "ask_course_without", "ask_supportive"]
    assert [i["id"] for i in data["items"]] == general + disease_items
    scope = load_scope()
    assert data["title"] == scope.title.get(lang)
    assert data["items"][0]["text"] == scope.general[0].text.get(lang)
    for item in data["items"]:
        assert item["source"] and item["as_of"] and item["confidence"] in "LPNU"


@pytest.mark.parametrize("stem", sorted(OUTSIDE))
def test_the_plan_of_an_out_of_scope_case_has_no_car_t_logistics(
    kb: KnowledgeBase, stem: str
) -> None:
    case, cl = _classified(kb, EXAMPLES / f"{stem}.yaml")
    ids = [a.id for a in action_plan(case, kb, cl, TODAY)]
    assert "practical_check" not in ids
    assert not [i for i in ids if i.startswith("arrange_")]
    assert "answer_rapid_progression" not in ids  # the tempo of the CAR-T timeline
    assert "decide" in ids


def test_an_in_scope_plan_keeps_its_practical_check(kb: KnowledgeBase) -> None:
    case, cl = _classified(kb, EXAMPLES / "lbcl_primary_refractory_second_line.yaml")
    assert "practical_check" in [a.id for a in action_plan(case, kb, cl, TODAY)]
