"""One completeness rule for every page, the command line and the report (issue 13, item 5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.common.progress import completeness


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
