"""Arithmetic on day intervals: every step's timing is a range, and ranges add up as ranges.

A step of 7-14 days after a step of 7-14 days ends 14-28 days after day 0; keeping both ends is
how uncertainty in the sources widens the plan instead of being hidden.
"""

from __future__ import annotations

from collections.abc import Iterable

from crossroads.common.dates import Interval


def add(a: Interval, b: Interval) -> Interval:
    """Two ranges one after the other."""
    return Interval(a.low + b.low, a.high + b.high)


def shift(a: Interval, days: int) -> Interval:
    """A range moved by a fixed number of days."""
    return Interval(a.low + days, a.high + days)


def envelope(items: Iterable[Interval]) -> Interval:
    """The smallest range that holds every range given (several products, several schedules)."""
    found = list(items)
    return Interval(min(i.low for i in found), max(i.high for i in found))
