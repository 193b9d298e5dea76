"""Team questions added by issue 11: a prior donor (allogeneic) transplant raises one."""

from __future__ import annotations

import copy

import pytest

from crossroads.engine.classify import classify
from crossroads.kb import KnowledgeBase
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, TODAY

pytestmark = pytest.mark.integration
EXAMPLE = EXAMPLES / "ball_adult_30_ph_positive_relapse_after_transplant.yaml"


def _ids(kb: KnowledgeBase, transplants: list[dict[str, str]] | None) -> list[str]:
    case = prepare_case(EXAMPLE, kb)
    data = copy.deepcopy(case.to_data())
    data["transplants"] = transplants
    case = case.model_validate(data)
    return [q.question.id for q in classify(case, kb, today=TODAY).questions]


def test_prior_allogeneic_transplant_raises_a_question(kb: KnowledgeBase) -> None:
    ids = _ids(kb, [{"type": "allogeneic", "date": "2024-06"}])
    assert "prior_allogeneic_transplant" in ids
    question = next(q for q in kb.questions if q[0].id == "prior_allogeneic_transplant")[0]
    assert question.text.en.startswith("The person has had a stem-cell transplant from a donor.")
    assert question.confidence == "N"
    assert question.source.startswith("EBMT/EHA positions as reprinted (clinical-tools.md §5.1")


def test_no_allogeneic_question_after_an_own_cell_transplant_or_none(kb: KnowledgeBase) -> None:
    assert "prior_allogeneic_transplant" not in _ids(kb, [{"type": "autologous"}])
    assert "prior_allogeneic_transplant" not in _ids(kb, [])
