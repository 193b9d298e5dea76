"""Three-valued values that derived facts take.

``None`` is unknown everywhere. Numbers are :class:`~crossroads.common.dates.Interval` so that a
partial date gives a range; sets are :class:`SetValue`, a lower bound of members plus whether the
list is known to be complete. All comparisons here return ``True``, ``False`` or ``None`` (unknown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crossroads.common.dates import Interval

Tri = bool | None


@dataclass(frozen=True, slots=True)
class SetValue:
    """Members known to be present; ``complete`` means no other member can be present."""

    members: frozenset[str]
    complete: bool

    def has(self, member: str) -> Tri:
        if member in self.members:
            return True
        return False if self.complete else None

    def __str__(self) -> str:
        shown = ", ".join(sorted(self.members)) or "none"
        return shown if self.complete else f"{shown} (list may be incomplete)"


FactValue = bool | str | Interval | SetValue | None


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
