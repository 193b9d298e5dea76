"""Partial dates and interval arithmetic.

People often remember only the year or the month of a treatment. A partial date is therefore an
interval of possible days, and every calculation on it is an interval too. A threshold decides a
question only when the whole interval lies on one side of it; otherwise the answer stays unknown.

Two ways of counting months live here, each for one job:

- :func:`elapsed_months` / :class:`MonthSpan` is how *label windows* are measured ("relapse within
  12 months from completion of first-line chemoimmunotherapy", EU SmPCs of Yescarta and Breyanzi,
  correction E4 in ``cart-products.md``). The label words are read as elapsed calendar months with
  day precision: ``n`` months after a day is the same day number ``n`` months later, clamped to
  the last day of a shorter month (2025-01-31 + 1 month = 2025-02-28), the convention of
  ``dateutil.relativedelta``. The time from ``a`` to ``b`` is the completed months ``n`` (the
  largest with ``a + n months <= b``) plus the days left over, so "within 12 months of
  2025-01-02" holds up to and including 2026-01-02 and not on 2026-01-03. A partial date is all
  of its days, so a month-precise date gives a range (``2024-08`` to ``2025-02`` is 5 months and
  1 day to 6 months and 28 days).
- :func:`months_between` counts calendar-month steps and ignores the day (``2024-08-31`` to
  ``2025-08-01`` is 12). It is only for coarse month offsets in de-identified outputs, never for
  deciding a threshold.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale

# The one date grammar of the product (case files, command line, web forms, API). The written form
# is YYYY, YYYY-MM or YYYY-MM-DD, where month and day may also be written with one digit as people
# often write them (2024-8, 2024-8-5); a date is always written back with two (2024-08, 2024-08-05).
# Read as well, because case files are written by people: 2025/09 and 2025.09.03 (year first),
# 09/2025 (month and year), month names ("Sept 2025", "3 September 2025", "September 3, 2025",
# "März 2025") and Chinese dates (2025年9月, 2025年9月3日, 2025年九月). A day and month written as
# two numbers before the year (03/04/2025) is refused: half the world reads it as 3 April, the
# other half as 4 March, and a wrong guess moves a date by months.
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})\s*([/.])\s*(\d{1,2})(?:\s*\2\s*(\d{1,2}))?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^\d{1,2}\s*([/.\-])\s*\d{1,2}\s*\1\s*\d{2,4}$")
_CHINESE = re.compile(
    r"^(\d{4})\s*年\s*(?:([0-9一二三四五六七八九十]{1,3})\s*月(?:份)?\s*"
    r"(?:(\d{1,2})\s*[日号])?)?$"
)
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|\.)?$")
DATE_PATTERN = r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"
"""The written form as a JSON Schema pattern (how Crossroads writes every date back)."""
FORMS_HELP = (
    "write 2025-09-03, 2025-09 or 2025 (also read: 2025/09, 09/2025, Sept 2025, "
    "3 September 2025, 2025年9月, 2025年9月3日)"
)
"""The forms that work, for messages that refuse a date."""

# Languages whose month names are read (Babel's CLDR data): the product's own and the ones case
# files from the US, the EU and China are most often written in.
MONTH_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")
_EXTRA_MONTHS = {"sept": 9}  # a common English short form CLDR does not list


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).rstrip(".")


@cache
def month_names() -> dict[str, int]:
    """Month names and short forms (lower case, no accents) in the languages read, and their
    number; a form that means two different months in two languages is left out."""
    found: dict[str, int | None] = {}
    for language in MONTH_LANGUAGES:
        months = Locale.parse(language).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    key = _plain(str(name))
                    found[key] = number if found.get(key, number) == number else None
    found.update(_EXTRA_MONTHS)
    return {name: number for name, number in found.items() if number is not None}


@cache
def _chinese_months() -> dict[str, int]:
    """一月 ... 十二月 (Babel's Chinese month names) without the trailing 月."""
    months = Locale.parse("zh_Hans").months["format"]["wide"]
    return {str(name).removesuffix("月"): number for number, name in months.items()}


class DateError(ValueError):
    """A value that is not a date, with the reason as a code so each interface can word it.

    ``reason`` is ``format``, ``ambiguous`` (03/04/2025), ``year``, ``month`` or ``day``;
    ``year``, ``month`` and ``day`` hold the numbers read (None where not read).
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


@cache
def month_days(year: int, month: int) -> int:
    """How many days ``month`` of ``year`` has (``calendar.monthrange``, remembered).

    Why remembered: the latest day of every partial date is asked for hundreds of thousands of
    times when lines are derived for a population, and ``monthrange`` works out the weekday too.
    A few thousand (year, month) pairs ever occur, so the cache stays small.
    """
    return calendar.monthrange(year, month)[1]


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
        text = unicodedata.normalize("NFKC", str(value)).strip()
        match = _PATTERN.match(text)
        if match:
            year, month, day = (int(g) if g else None for g in match.groups())
            assert year is not None
        else:
            year, month, day = _read_written(text)
        return cls._checked(year, month, day)

    @classmethod
    def _checked(cls, year: int, month: int | None, day: int | None) -> PartialDate:
        if not 1900 <= year <= 2100:
            raise DateError(
                "year", f"year {year} is out of range; use a year between 1900 and 2100", year
            )
        if month is not None and not 1 <= month <= 12:
            raise DateError("month", f"month {month} does not exist; use 01 to 12", year, month)
        if day is not None:
            assert month is not None
            last = month_days(year, month)
            if not 1 <= day <= last:
                raise DateError(
                    "day", f"day {day} does not exist in {year}-{month:02d}", year, month, day
                )
        return cls(year, month, day)

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``: how much of the date is known."""
        return "year" if self.month is None else ("month" if self.day is None else "day")

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        day = self.day or month_days(self.year, month)
        return dt.date(self.year, month, day)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _read_written(text: str) -> tuple[int, int | None, int | None]:
    """Year, month and day of a date written in one of the other forms people use; DateError
    (``format``, or ``ambiguous`` for 03/04/2025) when it is none of them."""
    if match := _YEAR_FIRST.match(text):
        year, _sep, month, day = match.groups()
        return int(year), int(month), int(day) if day else None
    if match := _MONTH_YEAR.match(text):
        return int(match.group(2)), int(match.group(1)), None
    if _DAY_MONTH_YEAR.match(text):
        raise DateError(
            "ambiguous",
            f"'{text}' is not read: two numbers before the year mean day then month in some "
            "countries and month then day in others; " + FORMS_HELP,
        )
    if match := _CHINESE.match(text):
        year, month_text, day = match.groups()
        if month_text is None:
            return int(year), None, None
        month = int(month_text) if month_text.isdigit() else _chinese_months().get(month_text)
        if month is None:
            raise DateError("format", f"'{text}' is not a date; " + FORMS_HELP)
        return int(year), month, int(day) if day else None
    return _read_month_name(text)


def _read_month_name(text: str) -> tuple[int, int | None, int | None]:
    """ "Sept 2025", "3 September 2025", "September 3, 2025", "2025 Sep": one month name, a
    four-digit year and at most one day number, in any order."""
    words = re.split(r"[\s,/\-]+", text.strip())
    names = month_names()
    year = month = day = None
    for word in (w for w in words if w):
        key = _plain(word)
        if key in names and month is None:
            month = names[key]
        elif re.fullmatch(r"\d{4}", word) and year is None:
            year = int(word)
        elif (found := _ORDINAL.match(key)) and day is None:
            day = int(found.group(1))
        else:
            raise DateError("format", f"'{text}' is not a date; " + FORMS_HELP)
    if year is None or month is None:
        raise DateError("format", f"'{text}' is not a date; " + FORMS_HELP)
    return year, month, day


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number ``months`` calendar months later (or earlier, if negative), clamped to
    the last day of a shorter month: 2025-01-31 + 1 month is 2025-02-28 (relativedelta's rule)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if day.day <= 28:  # every month has the day: no need to look up its length (the common case)
        return dt.date(year, month + 1, day.day)
    last = month_days(year, month + 1)
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True, order=True)
class Elapsed:
    """Time from one day to another: whole calendar months completed plus the days left over.

    ``days`` is never negative and is less than the length of the next month, so ordering by
    ``(months, days)`` orders the elapsed times. A negative ``months`` means the second day is
    earlier (2025-03-10 to 2025-02-20 is -1 month and 10 days).
    """

    months: int
    days: int

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Elapsed:
        """Completed months from ``start`` to ``end`` (see the module docstring), and the rest."""
        # The same day number in end's month is at most one month too far (its day may come
        # after end's day); one month earlier it is never after end.
        months = (end.year - start.year) * 12 + end.month - start.month
        reached = add_months(start, months)
        if reached > end:
            months -= 1
            reached = add_months(start, months)
        return cls(months, (end - reached).days)

    def at_most(self, bound: int) -> bool:
        """Whether this time is no more than ``bound`` whole months."""
        return (self.months, self.days) <= (bound, 0)


@dataclass(frozen=True, slots=True)
class MonthSpan:
    """The range of elapsed times that a pair of (partial) dates allows, bounds included.

    A bound is ``None`` when the record sets no limit on that side (a first line with an unknown
    end that began 9 months before the relapse ended *at most* 9 months before it).
    """

    low: Elapsed | None
    high: Elapsed | None

    @property
    def exact(self) -> bool:
        return self.low is not None and self.low == self.high

    def whole_months(self) -> tuple[int | None, int | None]:
        """The smallest whole-month range that holds the span (for plain display)."""
        low = None if self.low is None else self.low.months
        high = None
        if self.high is not None:
            high = self.high.months + (1 if self.high.days else 0)
        return low, high

    def __str__(self) -> str:
        low, high = self.whole_months()
        if self.exact and self.low is not None and not self.low.days:
            return str(self.low.months)
        if low is None:
            return f"at most {high}"
        if high is None:
            return f"at least {low}"
        return f"{low} to {high}"


def elapsed_months(start: PartialDate, end: PartialDate) -> MonthSpan:
    """Elapsed calendar months from ``start`` to ``end``, day-precise, as a range over every day
    the two (partial) dates allow."""
    return MonthSpan(
        Elapsed.between(start.latest, end.earliest), Elapsed.between(start.earliest, end.latest)
    )


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def months_between(start: PartialDate, end: PartialDate) -> Interval:
    """Calendar-month steps from ``start`` to ``end``, ignoring the day (negative if ``end`` is
    earlier). For coarse offsets only; thresholds use :func:`elapsed_months`."""
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
