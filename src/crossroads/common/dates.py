"""Partial dates and interval arithmetic.

People often remember only the year or the month of a treatment. A partial date is therefore an
interval of possible days, and every calculation on it is an interval too. A threshold decides a
question only when the whole interval lies on one side of it; otherwise the answer stays unknown.

Months between two dates are counted as calendar months (``2024-08`` to ``2025-02`` is 6), which
ignores the day of the month. That keeps answers stable when a day is added later.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

# The one date grammar of the product (case files, command line, web forms, API): YYYY, YYYY-MM or
# YYYY-MM-DD, where month and day may also be written with one digit as people often write them
# (2024-8, 2024-8-5); a date is always written back with two (2024-08, 2024-08-05).
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
DATE_PATTERN = r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"
"""The grammar as a JSON Schema pattern (published in the case schema)."""


class DateError(ValueError):
    """A value that is not a date, with the reason as a code so each interface can word it.

    ``reason`` is ``format``, ``year``, ``month`` or ``day``; ``year``, ``month`` and ``day``
    hold the numbers read (None where not read).
    """

    def __init__(
        self,
        reason: str,
        message: str,
        year: int | None = None,
        month: int | None = None,
        day: int | None = None,
    ) -> None:
        super().__init__(message)
        self.reason, self.year, self.month, self.day = reason, year, month, day


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed range of whole numbers ``[low, high]``; ``low == high`` is an exact value."""

    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def __str__(self) -> str:
        return str(self.low) if self.exact else f"{self.low} to {self.high}"


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to the year, the month, or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or a ``date``); else DateError."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
            return cls(value)
        text = str(value).strip()
        match = _PATTERN.match(text)
        if not match:
            raise DateError("format", f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if not 1900 <= year <= 2100:
            raise DateError(
                "year", f"year {year} is out of range; use a year between 1900 and 2100", year
            )
        if month is not None and not 1 <= month <= 12:
            raise DateError("month", f"month {month} does not exist; use 01 to 12", year, month)
        if day is not None:
            assert month is not None
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateError(
                    "day", f"day {day} does not exist in {year}-{month:02d}", year, month, day
                )
        return cls(year, month, day)

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def months_between(start: PartialDate, end: PartialDate) -> Interval:
    """Calendar months from ``start`` to ``end`` as an interval (negative if ``end`` is earlier)."""
    low = _month_index(end.earliest) - _month_index(start.latest)
    high = _month_index(end.latest) - _month_index(start.earliest)
    return Interval(low, high)


def _completed_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_on(birth: PartialDate, on: PartialDate) -> Interval:
    """Completed years of age on a date, as an interval when either date is partial."""
    return Interval(
        _completed_years(birth.latest, on.earliest), _completed_years(birth.earliest, on.latest)
    )
