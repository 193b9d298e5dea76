"""Time in the packet: months counted from an anchor, optional secret shift, and age in years.

Why: exact dates identify (HIPAA Safe Harbor removes every date element but the year), while a
reviewer needs intervals ("relapse 14 months after diagnosis"). Ages over 89 are shown as "90+".
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from typing import Any

from crossroads.common.dates import Interval, PartialDate, age_on, months_between
from crossroads.engine.classify import Classification
from crossroads.kb.review_data import PacketFile
from crossroads.record.case import Case
from crossroads.steps.deid.identifiers import case_dates

OLDEST_AGE_SHOWN = 89  # HIPAA Safe Harbor: ages over 89 are shown as "90+"
MAX_SHIFT_MONTHS = 24


def anchor(case: Case) -> tuple[PartialDate | None, str | None]:
    """Month 0: the diagnosis, or else the first date in the record (never the birth date)."""
    if case.diagnosis.diagnosed is not None:
        return case.diagnosis.diagnosed, "diagnosis"
    dates = case_dates(case, with_birth_date=False)
    if not dates:
        return None, None
    return min(dates, key=lambda d: (d.earliest, d.latest)), "first_recorded_date"


def shift_months(seed: int | str) -> int:
    """The secret shift for a seed: 1 to 24 months, earlier or later, never zero."""
    digest = hashlib.sha256(str(seed).encode("utf-8")).digest()
    size = 1 + digest[0] % MAX_SHIFT_MONTHS
    return size if digest[1] % 2 else -size


def shifted(date: PartialDate, months: int) -> str:
    """A partial date moved by whole months, keeping its precision (years move by whole years)."""
    if date.month is None:
        years = max(1, round(abs(months) / 12)) * (1 if months > 0 else -1)
        return str(date.year + years)
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    if date.day is None:
        return f"{year:04d}-{month + 1:02d}"
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return f"{year:04d}-{month + 1:02d}-{day:02d}"


@dataclass(frozen=True)
class Clock:
    """Turns the record's dates into month offsets (and shifted dates when a seed is given)."""

    anchor: PartialDate | None
    labels: PacketFile
    lang: str
    shift: int | None

    def offset(self, date: PartialDate | None) -> dict[str, Any] | None:
        if date is None or self.anchor is None:
            return None
        span = months_between(self.anchor, date)
        if span.exact:
            text = self.labels.label("month", self.lang, n=span.low)
        else:
            text = self.labels.label("months", self.lang, low=span.low, high=span.high)
        out: dict[str, Any] = {"months_low": span.low, "months_high": span.high, "text": text}
        if self.shift is not None:
            out["shifted"] = shifted(date, self.shift)
        return out


def age_shown(case: Case, classification: Classification) -> str | None:
    """Age in whole years, a range when the birth date is partial, "90+" above 89."""
    value = classification.facts.values.get("age_years")
    if not isinstance(value, Interval):
        born, on = case.patient.birth_date, case.assessment_date
        if born is None or on is None:
            return None
        value = age_on(born, on)
    if value.low > OLDEST_AGE_SHOWN:
        return "90+"
    if value.high > OLDEST_AGE_SHOWN:
        return f"{value.low}+"
    return str(value.low) if value.exact else f"{value.low}-{value.high}"


__all__ = [
    "MAX_SHIFT_MONTHS",
    "OLDEST_AGE_SHOWN",
    "Clock",
    "age_shown",
    "anchor",
    "shift_months",
    "shifted",
]
