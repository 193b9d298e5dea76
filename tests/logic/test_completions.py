"""Decide exactly when every reading agrees (issue 11, item 2).

Small records with a first line (start, end, relapse) and maybe a second line's start, each date
given to the day, to the month, or not at all. A *completion* gives every date a day that its
partial value allows and that keeps the order the case model imposes (a line starts on or before
it ends and before its relapse, and ends on or before the next line starts). The engine's answer
to a month window must be definite exactly when every completion gives the same answer: a definite
answer equals every completion's, and "cannot tell" has two completions that disagree.

The completions are enumerated in full, pair by pair (the two dates a fact compares, with the
others only checked for a compatible day), over a window of days wide enough for the thresholds
tested; the answer of a completion comes from ``dateutil.relativedelta``, not from the engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crossroads.common.dates import PartialDate
from crossroads.common.errors import CrossroadsError
from crossroads.logic.facts import derive_facts
from crossroads.logic.rules import Leaf
from crossroads.record.load import case_from_data

pytestmark = pytest.mark.unit

FIRST = dt.date(2024, 11, 1)
DAYS = 150  # the dates a record gives fall in 2024-11-01 .. 2025-03-30
MARGIN = 100  # an open date may fall this far outside (more than any threshold tested)
LOW, HIGH = FIRST - dt.timedelta(days=MARGIN), FIRST + dt.timedelta(days=DAYS + MARGIN)


def _days(text: str | None) -> list[dt.date]:
    """Every day a (partial) date allows; an open date allows the whole window."""
    if text is None:
        return [LOW + dt.timedelta(days=i) for i in range((HIGH - LOW).days + 1)]
    date = PartialDate.parse(text)
    return [
        date.earliest + dt.timedelta(days=i) for i in range((date.latest - date.earliest).days + 1)
    ]


dates = st.tuples(st.integers(0, DAYS - 1), st.sampled_from(["day", "month", "open"])).map(
    lambda p: (
        None
        if p[1] == "open"
        else (FIRST + dt.timedelta(days=p[0])).isoformat()[: 10 if p[1] == "day" else 7]
    )
)


def _answers(
    anchor: list[dt.date], other: list[dt.date], months: int, op: str, fits: Any
) -> set[bool]:
    found: set[bool] = set()
    for a in anchor:
        later = a + relativedelta(months=months)
        for b in other:
            if fits(a, b):
                found.add(
                    {"le": b <= later, "gt": b > later, "ge": b >= later, "lt": b < later}[op]
                )
                if len(found) == 2:
                    return found
    return found


@settings(max_examples=120, deadline=None)
@given(
    start=dates,
    end=dates,
    relapse=dates.filter(lambda d: d is not None),
    next_start=st.one_of(st.none(), dates),
    has_next=st.booleans(),
    months=st.integers(0, 2),
    op=st.sampled_from(["le", "gt", "ge", "lt"]),
)
def test_month_windows_are_decided_exactly_when_every_completion_agrees(
    start: str | None,
    end: str | None,
    relapse: str,
    next_start: str | None,
    has_next: bool,
    months: int,
    op: str,
) -> None:
    first: dict[str, Any] = {"regimen": "first", "progression": relapse}
    if start:
        first["start"] = start
    if end:
        first["end"] = end
    lines: list[dict[str, Any]] = [first]
    if has_next:
        lines.append({"regimen": "second", **({"start": next_start} if next_start else {})})
    try:
        case = case_from_data({"lines": lines})
    except CrossroadsError:
        assume(False)  # the case model refuses a line that ends before it starts
        return
    facts = derive_facts(case, lambda _: frozenset(), PartialDate(2026)).values
    s_days, e_days, p_days = _days(start), _days(end), _days(relapse)
    last_next = max(_days(next_start)) if has_next else None

    def end_fits(e: dt.date, p: dt.date) -> bool:  # some start on or before both, next after e
        return s_days[0] <= min(e, p) and (last_next is None or e <= last_next)

    def start_fits(s: dt.date, p: dt.date) -> bool:  # s before p, some end between s and next
        top = HIGH if last_next is None else last_next
        return s <= p and e_days[-1] >= s and e_days[0] <= top and s <= top

    within = {  # the same rules without the next line (used when the lines overlap)
        "months_first_line_end_to_relapse": lambda e, p: s_days[0] <= min(e, p),
        "months_first_line_start_to_relapse": lambda s, p: s <= p and e_days[-1] >= s,
    }
    for fact, anchor, fits in (
        ("months_first_line_end_to_relapse", e_days, end_fits),
        ("months_first_line_start_to_relapse", s_days, start_fits),
    ):
        found = _answers(anchor, p_days, months, op, fits)
        if not found:  # the lines overlap: the engine then bounds each line by itself only
            found = _answers(anchor, p_days, months, op, within[fact])
        assert found, "the record has no completion"
        result = Leaf(fact, op, months).evaluate(facts).result
        if result is None:
            assert found == {True, False}, (fact, facts[fact])
        else:
            assert found == {result}, (fact, facts[fact])
