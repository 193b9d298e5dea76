"""Dates found in running text, English and Chinese; two numbers before a year are never read."""

from __future__ import annotations

import pytest

from crossroads.records.dates import find_dates

pytestmark = pytest.mark.unit


def _found(text: str) -> list[tuple[str, str, str | None]]:
    return [(str(h.value), text[h.start : h.end], h.range_end) for h in find_dates(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on 2024-04-18.", [("2024-04-18", "2024-04-18", None)]),
        ("on 2024/4/8,", [("2024-04-08", "2024/4/8", None)]),
        ("2024.01.05 复发", [("2024-01-05", "2024.01.05", None)]),
        ("diagnosed 15 March 2023", [("2023-03-15", "15 March 2023", None)]),
        ("on Sept 3, 2024", [("2024-09-03", "Sept 3, 2024", None)]),
        ("in June 2024.", [("2024-06", "June 2024", None)]),
        ("seen 09/2025", [("2025-09", "09/2025", None)]),
        ("diagnosed in 2021.", [("2021", "2021", None)]),
        ("2023年 3 月 5 日", [("2023-03-05", "2023年 3 月 5 日", None)]),
        ("2022年确诊", [("2022", "2022年", None)]),
        ("2025年3月20号", [("2025-03-20", "2025年3月20号", None)]),
    ],
)
def test_forms(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert _found(text) == expected


def test_ranges_give_both_ends() -> None:
    assert _found("from 2023-04-10 to 2023-08-02") == [
        ("2023-04-10", "2023-04-10", "start"),
        ("2023-08-02", "2023-08-02", "end"),
    ]
    assert _found("April–August 2023") == [
        ("2023-04", "April–August 2023", "start"),
        ("2023-08", "April–August 2023", "end"),
    ]
    assert _found("2023年4月至8月") == [
        ("2023-04", "2023年4月至8月", "start"),
        ("2023-08", "2023年4月至8月", "end"),
    ]
    # a range that runs backwards is two separate dates, not a range
    assert [r for _v, _t, r in _found("2024-05 to 2023-01")] == [None, None]


@pytest.mark.parametrize(
    "text",
    [
        "03/04/2025",  # day and month or month and day: never guessed
        "Ki-67 80%",
        "CD34 5.1 x10^6/kg",
        "2023-13-01",  # no such month
        "room 2045",
        "may 12",
    ],
)
def test_not_dates(text: str) -> None:
    assert _found(text) == []
