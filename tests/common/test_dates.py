import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.common.dates import Interval, PartialDate, age_on, month_days, months_between

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", PartialDate(2024)),
        ("2024-08", PartialDate(2024, 8)),
        ("2024-08-15", PartialDate(2024, 8, 15)),
        (dt.date(2024, 2, 29), PartialDate(2024, 2, 29)),
        (2024, PartialDate(2024)),
    ],
)
def test_parse_accepts_year_month_and_day(text: object, expected: PartialDate) -> None:
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-13", "month 13 does not exist"),
        ("2023-02-29", "day 29 does not exist in 2023-02"),
        ("24-08", "is not a date"),
        ("1850", "out of range"),
        ("yesterday", "is not a date"),
    ],
)
def test_parse_refuses_impossible_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PartialDate.parse(text)


def test_partial_date_bounds_cover_the_whole_period() -> None:
    assert PartialDate(2024).earliest == dt.date(2024, 1, 1)
    assert PartialDate(2024).latest == dt.date(2024, 12, 31)
    assert PartialDate(2024, 2).latest == dt.date(2024, 2, 29)


def test_months_between_design_example_is_5_to_16() -> None:
    # design section 4: "relapse in 2025 after treatment ended in 2024-08" is 5 to 16 months
    assert months_between(PartialDate(2024, 8), PartialDate(2025)) == Interval(5, 16)


def test_months_between_exact_months_ignore_days() -> None:
    assert months_between(PartialDate(2024, 8, 31), PartialDate(2025, 8, 1)) == Interval(12, 12)


def test_age_on_partial_birth_year_is_a_range() -> None:
    assert age_on(PartialDate(1967), PartialDate(2025, 3, 1)) == Interval(57, 58)
    assert age_on(PartialDate(1967, 5, 12), PartialDate(2025, 3, 1)) == Interval(57, 57)
    assert age_on(PartialDate(1967, 3, 1), PartialDate(2025, 3, 1)) == Interval(58, 58)


dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2030, 12, 31))


def _coarsen(day: dt.date, level: int) -> PartialDate:
    return [PartialDate(day.year), PartialDate(day.year, day.month), PartialDate.parse(day)][level]


@given(dates, dates, st.integers(0, 2), st.integers(0, 2))
def test_months_between_coarse_interval_contains_the_precise_value(
    a: dt.date, b: dt.date, la: int, lb: int
) -> None:
    exact = months_between(PartialDate.parse(a), PartialDate.parse(b))
    coarse = months_between(_coarsen(a, la), _coarsen(b, lb))
    assert exact.exact
    assert coarse.low <= exact.low <= coarse.high


@given(dates, dates, st.integers(0, 2))
def test_age_coarse_interval_contains_the_precise_age(
    born: dt.date, on: dt.date, level: int
) -> None:
    exact = age_on(PartialDate.parse(born), PartialDate.parse(on))
    coarse = age_on(_coarsen(born, level), PartialDate.parse(on))
    assert coarse.low <= exact.low <= coarse.high


@given(st.integers(1900, 2100), st.integers(1, 12), st.sampled_from([None, 1, 15]))
def test_the_remembered_month_length_is_the_calendars(
    year: int, month: int, day: int | None
) -> None:
    last = calendar.monthrange(year, month)[1]
    assert month_days(year, month) == month_days(year, month) == last
    assert PartialDate(year, month).latest == dt.date(year, month, last)
    assert PartialDate(year).latest == dt.date(year, 12, 31)
    if day is not None:
        assert PartialDate(year, month, day).latest == dt.date(year, month, day)


@pytest.mark.parametrize(("year", "last"), [(1900, 28), (2000, 29), (2023, 28), (2024, 29)])
def test_february_has_its_leap_day_only_in_leap_years(year: int, last: int) -> None:
    assert month_days(year, 2) == last
    assert PartialDate(year, 2).latest == dt.date(year, 2, last)
