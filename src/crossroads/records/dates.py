"""Dates as records write them, found in running text (English and Chinese).

Why a finder of its own: :meth:`PartialDate.parse` reads one value that is already a date; a
document holds dates inside sentences and table rows. This finds the spans and hands each to
``PartialDate.parse``, so the product keeps one date grammar. Two numbers before a year
(03/04/2025) are skipped, never guessed, as everywhere in Crossroads. A month range with one year
("April–August 2023", "2023年4月至8月") gives both ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crossroads.common.dates import DateError, PartialDate

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_NOT_NUM_BEFORE = r"(?<![\d/.\-])"
_NOT_NUM_AFTER = r"(?![\d]|[/.\-]\d)"
_SEP = r"\s*(?:to|until|through|–|—|-|~|～|至|到|－)\s*"

_FORMS: list[tuple[str, str]] = [
    ("skip", rf"{_NOT_NUM_BEFORE}\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}{_NOT_NUM_AFTER}"),
    (
        "zh_range",
        rf"(?P<zy>{_YEAR})\s*年\s*(?P<zm1>\d{{1,2}})\s*月{_SEP}(?P<zm2>\d{{1,2}})\s*月(?!\s*\d)",
    ),
    (
        "en_range",
        rf"(?<![A-Za-z])(?P<em1>{_MONTHS}){_SEP}(?P<em2>{_MONTHS}),?\s+(?P<ey>{_YEAR})(?!\d)",
    ),
    ("zh", rf"{_YEAR}\s*年(?:\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*[日号])?)?"),
    (
        "iso",
        rf"{_NOT_NUM_BEFORE}{_YEAR}(?:-\d{{1,2}}(?:-\d{{1,2}})?|/\d{{1,2}}(?:/\d{{1,2}})?|\.\d{{1,2}}(?:\.\d{{1,2}})?){_NOT_NUM_AFTER}",
    ),
    (
        "dmy",
        rf"(?<![\d.])\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+{_YEAR}(?!\d)",
    ),
    ("mdy", rf"(?<![A-Za-z]){_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,\s*{_YEAR}(?!\d)"),
    ("my", rf"(?<![A-Za-z]){_MONTHS},?\s+{_YEAR}(?!\d)"),
    ("m/y", rf"{_NOT_NUM_BEFORE}\d{{1,2}}/{_YEAR}{_NOT_NUM_AFTER}"),
    ("year", rf"\b(?:in|since|early|late|mid)\s+(?P<yv>{_YEAR})(?![\d年]|[/.\-]\d)"),
]


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


_COMBINED = re.compile(
    "|".join(f"(?P<f_{_group(name)}>{body})" for name, body in _FORMS), re.IGNORECASE
)


@dataclass(frozen=True)
class DateHit:
    """A date found in a text: its value, its span, and for a range which end it is."""

    value: PartialDate
    start: int
    end: int
    range_end: str | None = None  # "start" or "end" when written as a range


def _parse(text: str) -> PartialDate | None:
    cleaned = re.sub(r"\s+", " ", text.strip().replace("号", "日"))
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(r"\s*([年月日])\s*", r"\1", cleaned)
    cleaned = re.sub(r"(?<=[A-Za-z])\.", "", cleaned)
    try:
        return PartialDate.parse(cleaned)
    except (DateError, ValueError):
        return None


def find_dates(text: str) -> list[DateHit]:
    """Every date in ``text``, in order (a range gives two hits with one span)."""
    hits: list[DateHit] = []
    for match in _COMBINED.finditer(text):
        kind = match.lastgroup or ""
        start, end = match.span()
        if kind == "f_skip":
            continue
        if kind == "f_zh_range":
            year = match.group("zy")
            first = _parse(f"{year}年{match.group('zm1')}月")
            second = _parse(f"{year}年{match.group('zm2')}月")
            if first and second and first <= second:
                hits += [DateHit(first, start, end, "start"), DateHit(second, start, end, "end")]
            continue
        if kind == "f_en_range":
            year = match.group("ey")
            first = _parse(f"{match.group('em1')} {year}")
            second = _parse(f"{match.group('em2')} {year}")
            if first and second and first <= second:
                hits += [DateHit(first, start, end, "start"), DateHit(second, start, end, "end")]
            continue
        if kind == "f_year":
            start, end = match.span("yv")
        value = _parse(text[start:end])
        if value is not None:
            hits.append(DateHit(value, start, end))
    return _ranges(text, hits)


_BETWEEN = re.compile(rf"^{_SEP}$", re.IGNORECASE)


def _ranges(text: str, hits: list[DateHit]) -> list[DateHit]:
    """Two dates joined only by a range word ("2023-04 to 2023-08") are a start and an end."""
    out = list(hits)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.range_end or b.range_end:
            continue
        if _BETWEEN.match(text[a.end : b.start]) and a.value <= b.value:
            out[i] = DateHit(a.value, a.start, a.end, "start")
            out[i + 1] = DateHit(b.value, b.start, b.end, "end")
    return out


__all__ = ["DateHit", "find_dates"]
