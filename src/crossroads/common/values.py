"""Three-valued values that derived facts take.

``None`` is unknown everywhere. Numbers are :class:`~crossroads.common.dates.Interval` so that a
partial date gives a range, and times between dates are :class:`~crossroads.common.dates.MonthSpan`
(day-precise, possibly open on one side); sets are :class:`SetValue`, a lower bound of members
plus which other members could still be missing. All comparisons here return ``True``, ``False``
or ``None`` (unknown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crossroads.common.dates import Elapsed, Interval, MonthSpan

Tri = bool | None


@dataclass(frozen=True, slots=True)
class SetValue:
    """Members known to be present; ``complete`` means no other member can be present.

    An incomplete list may still rule members out: ``could_add`` names the only members that an
    unknown part of the record could still add (``None``: any member). A history whose every
    line's medicines are known but whose cellular therapy is not can still lack a BTK inhibitor,
    because a cellular therapy never adds one.
    """

    members: frozenset[str]
    complete: bool
    could_add: frozenset[str] | None = None

    def has(self, member: str) -> Tri:
        if member in self.members:
            return True
        if self.complete or (self.could_add is not None and member not in self.could_add):
            return False
        return None

    def __str__(self) -> str:
        shown = ", ".join(sorted(self.members)) or "none"
        return shown if self.complete else f"{shown} (list may be incomplete)"


FactValue = bool | str | Interval | MonthSpan | SetValue | None


def tri_and(values: Iterable[Tri]) -> Tri:
    """Kleene AND: false wins, then unknown."""
    result: Tri = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def tri_or(values: Iterable[Tri]) -> Tri:
    """Kleene OR: true wins, then unknown."""
    result: Tri = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def tri_not(value: Tri) -> Tri:
    return None if value is None else not value


def compare_span(value: MonthSpan, op: str, bound: float) -> Tri:
    """Compare a span of elapsed months with a whole number of months; unknown when the span
    straddles it. A month window is a whole number of months (see ``kb check``)."""
    if bound != int(bound):
        raise ValueError(f"a month window must be a whole number of months, not {bound}")
    point = Elapsed(int(bound), 0)
    low, high = value.low, value.high
    if op == "eq":
        if low == high == point:
            return True
        outside = (low is not None and low > point) or (high is not None and high < point)
        return False if outside else None
    holds = {"ge": point.__le__, "gt": point.__lt__, "le": point.__ge__, "lt": point.__gt__}
    if op not in holds:
        raise ValueError(f"unknown comparison {op!r}")
    test = holds[op]
    # ge/gt hold from some point upwards, le/lt up to some point: test the two ends accordingly
    surest, weakest = (low, high) if op in ("ge", "gt") else (high, low)
    if surest is not None and test(surest):
        return True
    if weakest is not None and not test(weakest):
        return False
    return None


def compare(value: Interval, op: str, bound: float) -> Tri:
    """Compare an interval with a number; unknown when the interval straddles the bound."""
    low, high = value.low, value.high
    if op == "ge":
        return True if low >= bound else (False if high < bound else None)
    if op == "gt":
        return True if low > bound else (False if high <= bound else None)
    if op == "le":
        return True if high <= bound else (False if low > bound else None)
    if op == "lt":
        return True if high < bound else (False if low >= bound else None)
    if op == "eq":
        if low == high == bound:
            return True
        return False if (bound < low or bound > high) else None
    raise ValueError(f"unknown comparison {op!r}")
