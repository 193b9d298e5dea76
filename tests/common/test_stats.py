"""The Wilson score range for a share: textbook values, bad input, and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.common.errors import CrossroadsError
from crossroads.common.stats import wilson_interval

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("events", "n", "low", "high"),
    [
        # Newcombe, Stat Med 1998;17:857, table II (method 3, Wilson score), to 4 places
        (81, 263, 25.53, 36.62),
        (15, 148, 6.24, 16.05),
        (0, 20, 0.0, 16.11),
        (1, 29, 0.61, 17.18),
        (0, 10, 0.0, 27.75),
        (10, 10, 72.25, 100.0),
    ],
)
def test_textbook_values(events: int, n: int, low: float, high: float) -> None:
    got = wilson_interval(100 * events / n, n)
    assert got == (pytest.approx(low, abs=0.01), pytest.approx(high, abs=0.01))


def test_54_percent_of_61() -> None:
    """PILOT: 54% complete responses among 61 people gives about 42 to 66."""
    low, high = wilson_interval(54, 61)
    assert (round(low, 2), round(high, 2)) == (41.63, 65.9)


def test_a_single_person() -> None:
    assert wilson_interval(100, 1) == (pytest.approx(20.65, abs=0.01), 100.0)


@pytest.mark.parametrize(
    ("percent", "n", "field"),
    [(50, 0, "n=0"), (50, -3, "n=-3"), (101, 10, "share 101"), (-1, 10, "share -1")],
)
def test_bad_input_names_the_value(percent: float, n: int, field: str) -> None:
    with pytest.raises(CrossroadsError, match=field):
        wilson_interval(percent, n)


def test_n_must_be_a_whole_number() -> None:
    with pytest.raises(CrossroadsError, match="whole number"):
        wilson_interval(50, 10.5)  # type: ignore[arg-type]
    with pytest.raises(CrossroadsError, match="whole number"):
        wilson_interval(50, True)


@given(st.floats(0, 100), st.integers(1, 100_000))
def test_the_range_holds_the_share_within_0_to_100(percent: float, n: int) -> None:
    low, high = wilson_interval(percent, n)
    assert 0 <= low <= percent <= high <= 100


@given(st.floats(0, 100), st.integers(1, 50_000), st.integers(1, 50_000))
def test_a_bigger_trial_gives_a_narrower_range(percent: float, n: int, extra: int) -> None:
    small = wilson_interval(percent, n)
    big = wilson_interval(percent, n + extra)
    assert big[1] - big[0] <= small[1] - small[0] + 1e-9
