"""Every month window in the knowledge base, tested to the day (issue 11, item 1).

The windows are collected from the data (indications, team questions, Option Grid settings,
timeline rules), so a new window gets its tests without editing this file. For each window of
``n`` months the relapse (or assessment) falls on the day exactly ``n`` months after the anchor,
one day before and one day after, with the anchor on an ordinary day, the 31st of a month
(clamped: 01-31 + 1 month = 02-28) and 29 February. The expected answer is worked out here with
``dateutil.relativedelta``, independently of the engine's own month arithmetic.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from dateutil.relativedelta import relativedelta

from crossroads.common.chronology import DayRange, span
from crossroads.common.dates import PartialDate, elapsed_months
from crossroads.kb.base import DATA_DIR
from crossroads.logic.rules import Leaf

pytestmark = pytest.mark.unit

MONTH_FACTS = {
    "months_first_line_end_to_relapse",
    "months_first_line_start_to_relapse",
    "months_last_line_end_to_progression",
    "months_since_last_progression",
}
_OPS = {"ge": operator.ge, "gt": operator.gt, "le": operator.le, "lt": operator.lt}
ANCHORS = [dt.date(2025, 1, 2), dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2023, 8, 31)]


def _walk(node: Any, where: str) -> Iterator[tuple[str, str, str, int]]:
    if isinstance(node, dict):
        if node.get("fact") in MONTH_FACTS:
            op = next(k for k in node if k in _OPS or k == "eq")
            yield where, node["fact"], op, node[op]
        for value in node.values():
            yield from _walk(value, where)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, where)


def month_windows() -> list[tuple[str, str, str, int]]:
    found = []
    for path in sorted(Path(DATA_DIR).rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += list(_walk(data, str(path.relative_to(DATA_DIR))))
    return sorted(set(found))


def test_the_data_has_the_known_windows() -> None:
    windows = {(fact, op, n) for _, fact, op, n in month_windows()}
    assert ("months_first_line_end_to_relapse", "le", 12) in windows  # 2L LBCL
    assert ("months_last_line_end_to_progression", "le", 24) in windows  # relma-cel FL
    assert ("months_since_last_progression", "le", 1) in windows  # timeline tempo


def _cases() -> Iterator[Any]:
    for where, fact, op, months in month_windows():
        for anchor in ANCHORS:
            for shift in (-1, 0, 1):
                ident = f"{where}:{fact}:{op}{months}:{anchor}:{shift:+d}d"
                yield pytest.param(fact, op, months, anchor, shift, id=ident)


@pytest.mark.parametrize(("fact", "op", "months", "anchor", "shift"), list(_cases()))
def test_month_window_to_the_day(
    fact: str, op: str, months: int, anchor: dt.date, shift: int
) -> None:
    day = anchor + relativedelta(months=months) + dt.timedelta(days=shift)
    leaf = Leaf(fact, op, months)
    # relativedelta: elapsed >= n months exactly when anchor + n months <= day
    n_months_later = anchor + relativedelta(months=months)
    expected = {
        "le": day <= n_months_later,
        "lt": day < n_months_later,
        "ge": day >= n_months_later,
        "gt": day > n_months_later,
        "eq": day == n_months_later,
    }[op]
    value = elapsed_months(PartialDate.parse(anchor), PartialDate.parse(day))
    assert leaf.evaluate({fact: value}).result is expected
    # the same through the bounded-dates path the engine uses for a case
    bounded = span(DayRange(anchor, anchor), DayRange(day, day))
    assert leaf.evaluate({fact: bounded}).result is expected


@pytest.mark.parametrize(("fact", "op", "months"), sorted({w[1:] for w in month_windows()}))
def test_month_precise_dates_straddling_a_window_stay_open(fact: str, op: str, months: int) -> None:
    # anchor some day of 2025-01, the other date some day of the month n months later
    later = dt.date(2025, 1, 1) + relativedelta(months=months)
    value = elapsed_months(PartialDate(2025, 1), PartialDate(later.year, later.month))
    assert Leaf(fact, op, months).evaluate({fact: value}).result is None
