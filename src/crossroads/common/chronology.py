"""Bounds on dates that a record leaves open, from the order its events must follow.

A date the record does not give is not "anything": a line of treatment ends no earlier than it
starts and no later than the next line starts, and its progression comes after its start. Each
date is a range of days (``None`` on a side with no limit); :func:`narrow` tightens every range by
the ``before`` pairs (the first date is on or before the second) until nothing changes. Because
every rule has the form "x on or before y", the result is exact: each remaining day of a range
is reached by some reading of the record that keeps every rule, so the engine can decide a
question whenever every such reading agrees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crossroads.common.dates import Elapsed, MonthSpan, PartialDate


@dataclass(frozen=True, slots=True)
class DayRange:
    """The days a date may fall on, both ends included; ``None``: no limit on that side."""

    low: dt.date | None
    high: dt.date | None

    @classmethod
    def of(cls, date: PartialDate | None) -> DayRange:
        return cls(None, None) if date is None else cls(date.earliest, date.latest)

    @property
    def empty(self) -> bool:
        return self.low is not None and self.high is not None and self.low > self.high


def narrow(
    ranges: Mapping[str, DayRange], before: Sequence[tuple[str, str]]
) -> dict[str, DayRange]:
    """Tighten each range by the rules "a on or before b"; ValueError names a rule that no
    reading of the dates can keep."""
    out = dict(ranges)
    for _ in range(len(out) + 1):
        changed = False
        for a, b in before:
            first, second = out[a], out[b]
            low = _later(first.low, second.low)
            high = _earlier(first.high, second.high)
            if low != second.low:
                out[b] = second = DayRange(low, second.high)
                changed = True
            if high != first.high:
                out[a] = DayRange(first.low, high)
                changed = True
            if out[a].empty or out[b].empty:
                raise ValueError(f"{a} must be on or before {b}")
        if not changed:
            break
    return out


def _later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


def span(start: DayRange, end: DayRange, ordered: bool = False) -> MonthSpan | None:
    """The elapsed months from a day in ``start`` to a day in ``end``, over every pair of days.

    ``ordered`` says that a rule puts ``start`` on or before ``end`` (directly or through other
    dates), so the shortest time is never below zero. Unknown (``None``) when neither side is
    limited.
    """
    low = None
    if start.high is not None and end.low is not None:
        low = Elapsed.between(start.high, end.low)
        if ordered and low < Elapsed(0, 0):
            low = Elapsed(0, 0)
    elif ordered:
        low = Elapsed(0, 0)
    high = None
    if start.low is not None and end.high is not None:
        high = Elapsed.between(start.low, end.high)
    if low is None and high is None:
        return None
    return MonthSpan(low, high)
