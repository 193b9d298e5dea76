"""The progress view: questions answered per step, where "I don't know" counts as an answer."""

from __future__ import annotations

import pytest

from cases import results
from cases.journey import build_steps
from cases.progress import answered
from crossroads.record.case import Case
from tests.web.factories import CASE_DATA

pytestmark = pytest.mark.unit


def test_step1_counts_answers_and_dont_know_marks() -> None:
    step1 = build_steps(results.kb(), "en")[0]
    data = Case.model_validate(CASE_DATA).to_data()
    # 29 questions + 3 lists + 8 questions for the one treatment line = 40. Answered: age (1),
    # disease and subtype (2), the list of lines (1) and 7 of its 8 fields (refractory is
    # missing), state, relapse number and last progression (3) = 14.
    assert answered(step1, data, set()) == (14, 40)
    assert answered(step1, data, {"fitness.ecog", "lines.0.refractory"}) == (16, 40)


def test_step2_place_choice_counts_once_chosen() -> None:
    step2 = build_steps(results.kb(), "en")[1]
    assert answered(step2, {}, set()) == (0, 1)
    data = {"extensions": {"crossroads_web": {"jurisdictions": ["US"]}}}
    assert answered(step2, data, set()) == (1, 1)
