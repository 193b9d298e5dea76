"""The screening summary as one HTML page: counts per place, each as a bar chart and a table.

Who reads it: the people who run a screening (a registry, a cancer centre) and those they share
the counts with. Each chart is an SVG with ``role="img"``, a ``title`` and a ``desc``, and each
has a table right under it with the same numbers, so a screen reader (or a printout in black and
white) loses nothing. The page holds counts only, never a patient id.

In aggregate mode a count from 1 to 10 is shown as "<11" and its bar is not drawn (a bar's length
would give the number away); the same rule as the aggregate file (:mod:`crossroads.screen.summary`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from crossroads.common.errors import BadOptionError
from crossroads.common.i18n import LANGS, translator
from crossroads.kb import KnowledgeBase
from crossroads.render.report import environment
from crossroads.screen.summary import SMALL_CELL, Cell

CATEGORY_ORDER = ("established", "cannot_tell", "trial", "not_realistic_now")
BAR_FILL = "#2b6ca3"
LABEL_WIDTH = 300
BAR_WIDTH = 320
ROW = 24
FONT = "Noto Sans, Noto Sans CJK SC, Arial, sans-serif"


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a chart and its table: a label, the count and how it is shown."""

    label: str
    count: int
    shown: str
    suppressed: bool
    extra: str | None = None  # a second column of the table (only this fact missing)


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart with its table: an id unique on the page, a title and its rows."""

    ident: str
    title: str
    desc: str
    head: str
    column: str
    bars: tuple[Bar, ...]
    extra_column: str | None = None

    @property
    def svg(self) -> str:
        return bar_chart_svg(self)


def _suppress(count: int, aggregate: bool) -> tuple[str, bool]:
    small = aggregate and 0 < count < SMALL_CELL
    return (f"<{SMALL_CELL}" if small else str(count)), small


def fact_label(kb: KnowledgeBase, key: str, lang: str) -> str:
    """A missing fact's plain name; ``kb:`` keys are points the knowledge base has not settled."""
    if key.startswith("kb:"):
        return kb.phrase("reason.unsettled", lang, text=key.removeprefix("kb:"))
    return kb.fact_name(key, lang) if key in kb.facts else key.replace("_", " ")


def summary_charts(
    cells: Sequence[Cell], place: str, kb: KnowledgeBase, lang: str, aggregate: bool
) -> list[Chart]:
    """The three charts of one place: categories, on label per disease, facts to ask for."""
    _ = translator(lang)
    by = {(c.table, c.key): c.count for c in cells if c.jurisdiction == place}
    name = kb.phrase(f"ui.jurisdiction.{place}", lang)
    people = _("people")

    def bar(label: str, count: int, extra: int | None = None) -> Bar:
        shown, small = _suppress(count, aggregate)
        more = None if extra is None else _suppress(extra, aggregate)[0]
        return Bar(label, count, shown, small, more)

    categories = tuple(
        bar(kb.phrase(f"category.{c}", lang), by.get(("category", c), 0)) for c in CATEGORY_ORDER
    )
    codes = sorted({key.split("|")[0] for table, key in by if table == "disease"})
    diseases = tuple(
        bar(
            kb.code_name(code, lang) if code else _("Disease not known"),
            by.get(("disease", f"{code}|established"), 0),
        )
        for code in codes
    )
    missing = sorted(
        ((key, n) for (table, key), n in by.items() if table == "missing"),
        key=lambda item: (-item[1], item[0]),
    )
    facts = tuple(
        bar(fact_label(kb, key, lang), n, by.get(("one_fact_away", key), 0)) for key, n in missing
    )
    return [
        Chart(
            f"{place}-category",
            _("%(place)s: people per category") % {"place": name},
            _("How many people fall in each category in %(place)s.") % {"place": name},
            _("Category"),
            people,
            categories,
        ),
        Chart(
            f"{place}-disease",
            _("%(place)s: on label now, per disease") % {"place": name},
            _("How many people of each disease have an established option in %(place)s.")
            % {"place": name},
            _("Disease"),
            people,
            diseases,
        ),
        Chart(
            f"{place}-missing",
            _("%(place)s: facts to ask for") % {"place": name},
            _(
                "For people whose category cannot be told yet in %(place)s: how many lack each "
                "fact, and how many lack only that one fact."
            )
            % {"place": name},
            _("Fact to ask for"),
            people,
            facts,
            _("only this fact missing"),
        ),
    ]


def bar_chart_svg(chart: Chart) -> str:
    """A horizontal bar chart as accessible SVG; suppressed counts get no bar, only "<11"."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in chart.ident)
    top = max((b.count for b in chart.bars if not b.suppressed), default=0) or 1
    height = ROW * max(len(chart.bars), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 60
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" class="bar-chart" '
        f'aria-labelledby="{safe}-title {safe}-desc" font-family="{FONT}" font-size="13">',
        f'<title id="{safe}-title">{escape(chart.title)}</title>',
        f'<desc id="{safe}-desc">{escape(chart.desc)}</desc>',
    ]
    for row, item in enumerate(chart.bars):
        y = 4 + ROW * row
        label = item.label if len(item.label) <= 44 else item.label[:43] + "…"
        out.append(f'<text x="4" y="{y + 15}">{escape(label)}</text>')
        length = 0.0 if item.suppressed else round(BAR_WIDTH * item.count / top, 1)
        if length > 0:
            out.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{max(length, 2)}" height="16" '
                f'fill="{BAR_FILL}"/>'
            )
        out.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 15}">{escape(item.shown)}</text>')
    out.append("</svg>")
    return "".join(out)


def screening_html(
    cells: Sequence[Cell],
    places: Sequence[str],
    kb: KnowledgeBase,
    *,
    lang: str = "en",
    aggregate: bool = False,
    patients: int = 0,
    problems: int = 0,
    on: dt.date | None = None,
) -> str:
    """The whole summary page in one language (``en`` or ``zh-Hans``), self-contained HTML."""
    if lang not in LANGS:
        raise BadOptionError(
            f"--lang: '{lang}' is not a language Crossroads speaks; use en or zh-Hans."
        )
    shown, _small = _suppress(patients, aggregate)
    context: dict[str, Any] = {
        "lang": lang,
        "aggregate": aggregate,
        "small": SMALL_CELL,
        "patients": shown,
        "problems": problems,
        "on": on.isoformat() if on else None,
        "kb_version": kb.release.version,
        "places": [
            {
                "code": place,
                "name": kb.phrase(f"ui.jurisdiction.{place}", lang),
                "charts": summary_charts(cells, place, kb, lang, aggregate),
            }
            for place in places
        ],
    }
    return environment(lang).get_template("screening.html").render(context)


__all__ = ["Bar", "Chart", "bar_chart_svg", "fact_label", "screening_html", "summary_charts"]
