"""Small hand-written SVG charts, readable by screen readers: the timeline and icon arrays.

Icon array (:func:`icon_array_svg`): 100 small people in a 10 x 10 block, the first N dark and
the rest light, for one "about N out of 100" figure of the Option Grid. It carries the figure's
sentence (both ways) as ``title``/``desc`` in the reader's language, so the picture and its text
say the same thing; the colours differ in lightness as well as hue, for colour-blind readers.

The timeline:

Each dated milestone is a row. A light bar covers every day on which the step could fall; a dark
bar inside it covers the days it is sure to cover (from its latest possible start to its earliest
possible end), so the chart shows the uncertainty instead of a false exact date. The chart has a
``title`` and ``desc`` for assistive technology, each bar has its own ``title`` with the dates in
words, and every piece of text is escaped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from crossroads.kb import KnowledgeBase
from crossroads.kb.planning import planning_for

LABEL_WIDTH = 250
CHART_WIDTH = 620
ROW = 26
TOP = 64
FONT = "Noto Sans, Noto Sans CJK SC, Arial, sans-serif"
LONG_STEP_DAYS = 180  # steps longer than this (the first year of check-ups) are cut at the edge
RANGE_FILL = "#c6dbef"
SURE_FILL = "#2b6ca3"


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of each month after ``first`` up to ``last`` (axis ticks)."""
    out: list[dt.date] = []
    year, month = first.year, first.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        tick = dt.date(year, month, 1)
        if tick > last:
            return out
        out.append(tick)


def timeline_svg(data: dict[str, Any], kb: KnowledgeBase) -> str:
    """The chart as SVG text, from :func:`crossroads.steps.timeline.timeline_data`."""
    planning = planning_for(kb)
    lang = data["lang"]
    dated = [m for m in data["milestones"] if m["dated"]]
    undated = [m for m in data["milestones"] if not m["dated"]]
    first = min(_day(m["start"]["earliest"]) for m in dated)
    short = [m for m in dated if m["days"]["end"][1] - m["days"]["start"][0] <= LONG_STEP_DAYS]
    last = max(_day(m["end"]["latest"]) for m in short or dated) + dt.timedelta(days=1)
    span = max((last - first).days, 1)

    def x(day: dt.date) -> float:
        return round(LABEL_WIDTH + CHART_WIDTH * (min(day, last) - first).days / span, 1)

    title = planning.label("svg.title", lang, place=data["jurisdiction_label"])
    desc = planning.label("svg.desc", lang, start=data["start"])
    height = TOP + ROW * len(dated) + 48 + 20 * len(undated)
    width = LABEL_WIDTH + CHART_WIDTH + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="tl-title tl-desc" '
        f'font-family="{FONT}" font-size="12">',
        f'<title id="tl-title">{escape(title)}</title>',
        f'<desc id="tl-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="8" y="20" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    axis_bottom = TOP + ROW * len(dated)
    for tick in _months(first, last):
        tx = x(tick)
        out.append(
            f'<line x1="{tx}" y1="{TOP - 8}" x2="{tx}" y2="{axis_bottom}" stroke="#dddddd"/>'
        )
        if tx < LABEL_WIDTH + CHART_WIDTH - 40:  # no label squeezed against the right edge
            out.append(
                f'<text x="{tx + 2}" y="{TOP - 12}" font-size="10" fill="#555555">'
                f"{tick.strftime('%Y-%m')}</text>"
            )
    for row, milestone in enumerate(dated):
        top = TOP + ROW * row
        start, end = milestone["start"], milestone["end"]
        lo, hi = _day(start["earliest"]), _day(end["latest"]) + dt.timedelta(days=1)
        sure_lo, sure_hi = _day(start["latest"]), _day(end["earliest"]) + dt.timedelta(days=1)
        name = escape(milestone["name"])
        out.append(f"<g id={quoteattr('m-' + milestone['id'])}>")
        out.append(f"<title>{name}: {escape(milestone['when'])}</title>")
        out.append(f'<text x="8" y="{top + 17}">{name}</text>')
        out.append(
            f'<rect x="{x(lo)}" y="{top + 5}" width="{max(x(hi) - x(lo), 2)}" height="16" '
            f'fill="{RANGE_FILL}" stroke="{SURE_FILL}" stroke-width="0.5"/>'
        )
        if sure_hi > sure_lo:
            out.append(
                f'<rect x="{x(sure_lo)}" y="{top + 5}" width="{max(x(sure_hi) - x(sure_lo), 2)}" '
                f'height="16" fill="{SURE_FILL}"/>'
            )
        if hi > last:  # goes on past the edge of the chart
            out.append(f'<text x="{x(last) + 3}" y="{top + 17}" fill="{SURE_FILL}">…</text>')
        out.append("</g>")
    legend = axis_bottom + 20
    out.append(f'<rect x="8" y="{legend - 10}" width="14" height="10" fill="{SURE_FILL}"/>')
    out.append(f'<text x="28" y="{legend}">{escape(planning.label("legend.sure", lang))}</text>')
    out.append(
        f'<rect x="250" y="{legend - 10}" width="14" height="10" fill="{RANGE_FILL}" '
        f'stroke="{SURE_FILL}" stroke-width="0.5"/>'
    )
    out.append(f'<text x="270" y="{legend}">{escape(planning.label("legend.range", lang))}</text>')
    for i, milestone in enumerate(undated):
        line = f"{milestone['name']}: {planning.label('undated', lang)}"
        out.append(f'<text x="8" y="{legend + 24 + 20 * i}" fill="#555555">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


ICON_CELL = 14  # px per person in the icon array
ICON_DARK = "#2b6ca3"
ICON_LIGHT = "#c6dbef"


def _person(x: float, y: float, fill: str) -> str:
    """One person (a head and shoulders) in a cell whose top-left corner is (x, y)."""
    return (
        f'<circle cx="{x + 7}" cy="{y + 4}" r="2.6" fill="{fill}"/>'
        f'<path d="M{x + 2.5} {y + 13}v-3.2a4.5 4.5 0 0 1 9 0v3.2z" fill="{fill}"/>'
    )


def icon_array_svg(n: int, title: str, desc: str, ident: str) -> str:
    """100 people, ``n`` of them dark, as an accessible SVG (``role="img"`` with title and desc).

    ``ident`` makes the ``title``/``desc`` ids unique on a page that shows many arrays. People
    fill row by row from the top left, so the dark part reads as one block.
    """
    if not 0 <= n <= 100:
        raise ValueError(f"an icon array shows 0 to 100 people, not {n}")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in ident)
    size = ICON_CELL * 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" class="icon-array" '
        f'aria-labelledby="{safe}-title {safe}-desc">',
        f'<title id="{safe}-title">{escape(title)}</title>',
        f'<desc id="{safe}-desc">{escape(desc)}</desc>',
    ]
    for i in range(100):
        row, col = divmod(i, 10)
        out.append(_person(col * ICON_CELL, row * ICON_CELL, ICON_DARK if i < n else ICON_LIGHT))
    out.append("</svg>")
    return "".join(out)


__all__ = ["icon_array_svg", "timeline_svg"]
