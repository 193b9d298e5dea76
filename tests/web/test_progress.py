"""The progress view: questions answered per step, where "I don't know" counts as an answer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import results
from cases.journey import build_steps
from cases.progress import answered, completeness
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


# -- one completeness definition (issue 13, item 5) ---------------------------------------------
@pytest.mark.parametrize(
    ("done", "total", "percent"),
    [
        (0, 0, 100),  # a step that asks nothing
        (0, 1, 0),
        (1, 1, 100),
        (14, 14, 100),  # was shown as "56% · 14 of 14"
        (1, 300, 1),  # something answered is never 0%
        (299, 300, 99),  # something missing is never 100%
        (199, 200, 99),
        (1, 2, 50),
        (14, 40, 35),
    ],
)
def test_completeness_is_answered_over_asked(done: int, total: int, percent: int) -> None:
    assert completeness(done, total) == percent


@given(st.integers(1, 2000).flatmap(lambda t: st.tuples(st.integers(0, t), st.just(t))))
def test_completeness_never_contradicts_the_count(pair: tuple[int, int]) -> None:
    done, total = pair
    percent = completeness(done, total)
    assert (percent == 100) == (done == total)
    assert (percent == 0) == (done == 0)
    # the fraction rounded down, except that a little answered shows as 1%
    assert percent == max(100 * done // total, 1 if done else 0)
