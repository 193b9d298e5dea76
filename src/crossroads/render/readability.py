"""Readability of the patient report, section by section, for every example case.

Why here: the figures must be those of the words a patient actually reads, so they are taken from
the rendered report (the same HTML the PDF is printed from), not from the knowledge base's YAML:
templates add their own sentences, and a cell's text is often built from several facts.
``crossroads readability --write`` turns the result into ``docs/readability.md``, and a test
fails when that file differs from a fresh computation, so the figures cannot go stale.

The grades and their rules are in :mod:`crossroads.common.readability`. The list of sources at
the end of a report is left out: it is a bibliography, not prose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from crossroads.common.readability import (
    FK_GOAL,
    LONG_CHINESE,
    NOTHING,
    SMOG_GOAL,
    WORD,
    ChineseReading,
    Reading,
    read_chinese,
    read_english,
)
from crossroads.kb import KnowledgeBase
from crossroads.render.report import report_html
from crossroads.steps.assess import prepare_case

INTRO = "intro"
"""The name given to the report's opening (title and notice), which is in no section."""
LEFT_OUT = frozenset({"sources"})
"""Sections not measured: the numbered list of sources."""
BLOCKS = frozenset(
    {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "caption", "dt", "dd", "br", "tr"}
)
"""Elements that end one text block and start the next (a sentence never runs across them)."""
_SKIPPED = frozenset({"script", "style", "svg", "sup", "footer", "title"})


class _Blocks(HTMLParser):
    """Collects the text blocks of a page per top-level ``<section id=...>`` (text outside any
    section goes to :data:`INTRO`).

    ``within`` keeps only the text inside that element (the web pages' ``<main>``); an element
    carrying one of ``left_out`` classes is dropped with all it holds (the web pages' citations).
    One parser serves the report and the web step pages, so both are read by the same rules.
    """

    def __init__(
        self,
        blocks: frozenset[str],
        skipped: frozenset[str],
        left_out: frozenset[str],
        within: str | None,
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: dict[str, list[str]] = {}
        self._block_tags, self._skipped, self._left_out = blocks, skipped, left_out
        self._within = within
        self._inside = 0 if within else 1  # depth of the `within` element
        self._section = INTRO
        self._depth = 0  # <section> nesting, to know when the named one closes
        self._skip = 0
        self._dropped_tag = ""
        self._dropped = 0  # nesting of the left-out element's own tag
        self._text: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text and self._inside:
            self.blocks.setdefault(self._section, []).append(text)
        self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropped:
            self._dropped += tag == self._dropped_tag
            return
        classes = " ".join(v or "" for k, v in attrs if k == "class").split()
        if self._left_out.intersection(classes):
            self._dropped_tag, self._dropped = tag, 1
        elif tag == self._within:
            self._flush()
            self._inside += 1
        elif tag in self._skipped:
            self._skip += 1
        elif tag == "section":
            self._flush()
            self._depth += 1
            if self._depth == 1:
                self._section = dict(attrs).get("id") or INTRO
        elif tag in self._block_tags:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._dropped:
            self._dropped -= tag == self._dropped_tag
        elif tag == self._within:
            self._flush()
            self._inside = max(self._inside - 1, 0)
        elif tag in self._skipped:
            self._skip = max(self._skip - 1, 0)
        elif tag == "section":
            self._flush()
            self._depth = max(self._depth - 1, 0)
            if self._depth == 0:
                self._section = INTRO
        elif tag in self._block_tags:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._dropped:
            self._text.append(data)


def text_blocks(
    html: str,
    *,
    blocks: frozenset[str] = BLOCKS,
    skipped: frozenset[str] = _SKIPPED,
    left_out: frozenset[str] = frozenset(),
    within: str | None = None,
) -> dict[str, list[str]]:
    """The readable text of a page, as blocks per section id, in page order."""
    parser = _Blocks(blocks, skipped, left_out, within)
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.blocks


def section_blocks(html: str) -> dict[str, list[str]]:
    """The readable text of a report page, as blocks per section id, in page order."""
    return {name: found for name, found in text_blocks(html).items() if name not in LEFT_OUT}


@dataclass(frozen=True)
class ExampleReading:
    """One example's report: English counts and Chinese sentence lengths per section."""

    example: str
    english: dict[str, Reading]
    chinese: dict[str, ChineseReading] = field(default_factory=dict)


def _words(*texts: str) -> set[str]:
    return {w.lower() for text in texts for w in WORD.findall(text)}


def known_names(kb: KnowledgeBase) -> frozenset[str]:
    """Every word of a medicine's or CAR-T product's name (generic, brand, short, alias)."""
    found: set[str] = set()
    for drug in kb.drugs.values():
        found |= _words(drug.code, drug.name.en, *drug.brands, *drug.aliases)
    for product in kb.products.values():
        found |= _words(product.code, product.short, *product.brand.values())
    return frozenset(found)


def read_example(path: Path, kb: KnowledgeBase, today: dt.date) -> ExampleReading:
    """Render one example's patient report in English and Chinese and measure each section.

    Names (the person's, and those of :func:`known_names`) count as one syllable.
    """
    case = prepare_case(path, kb)
    names = known_names(kb) | _words(case.patient.name or "")
    english = section_blocks(report_html(case, kb, "en", today=today))
    chinese = section_blocks(report_html(case, kb, "zh-Hans", today=today))
    return ExampleReading(
        example=path.stem,
        english={name: read_english(blocks, names) for name, blocks in english.items()},
        chinese={name: read_chinese(blocks) for name, blocks in chinese.items()},
    )


def read_examples(paths: Iterable[Path], kb: KnowledgeBase, today: dt.date) -> list[ExampleReading]:
    """:func:`read_example` for each path, in the order given."""
    return [read_example(path, kb, today) for path in paths]


def _sections_in_order(readings: Sequence[ExampleReading]) -> list[str]:
    order: list[str] = []
    for reading in readings:
        order += [name for name in reading.english if name not in order]
    return order


def _grades(reading: Reading) -> str:
    return f"{reading.smog:.1f} | {reading.fk:.1f}"


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def readability_markdown(readings: Sequence[ExampleReading], today: dt.date) -> str:
    """``docs/readability.md``: the goal, the rules, then figures per section and per example."""
    order = _sections_in_order(readings)
    lines = [
        "# Readability of the patient report",
        "",
        "<!-- Generated by `crossroads readability --write`. Do not edit. -->",
        "",
        f"Goal for every section a patient reads: SMOG {SMOG_GOAL:.0f} or lower and "
        f"Flesch-Kincaid grade {FK_GOAL:.0f} or lower (English). Syllables come from the CMU "
        "Pronouncing Dictionary, with pyphen only for words the dictionary lacks; the counting "
        "rules are in `src/crossroads/common/readability.py`. Chinese has no goal: the figures "
        f"are the mean sentence length in characters and the share of sentences over "
        f"{LONG_CHINESE} characters. Every example case's patient report, made on "
        f"{today.isoformat()}; the list of sources is left out.",
        "",
        "## Per section, all examples together",
        "",
        "Counts added over every example that has the section, so a short section is judged on "
        "all its wordings at once; *worst* is the highest grade of one example's section.",
        "",
        "| section | examples | sentences | SMOG | FK | worst SMOG | worst FK | goal met "
        "| zh mean chars | zh over 40 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in order:
        found = [r for r in readings if name in r.english]
        total = sum((r.english[name] for r in found), NOTHING)
        zh = sum((r.chinese.get(name, ChineseReading(())) for r in found), ChineseReading(()))
        worst_smog = max(r.english[name].smog for r in found)
        worst_fk = max(r.english[name].fk for r in found)
        every = all(r.english[name].meets_goal for r in found)
        lines.append(
            f"| {name} | {len(found)} | {total.sentences} | {_grades(total)} | "
            f"{worst_smog:.1f} | {worst_fk:.1f} | {_mark(every)} | {zh.mean:.1f} | "
            f"{zh.long_share:.0%} |"
        )
    whole = sum((r for x in readings for r in x.english.values()), NOTHING)
    zh_whole = sum((r for x in readings for r in x.chinese.values()), ChineseReading(()))
    lines += [
        f"| **all** | {len(readings)} | {whole.sentences} | {_grades(whole)} | | | "
        f"{_mark(whole.meets_goal)} | {zh_whole.mean:.1f} | {zh_whole.long_share:.0%} |",
        "",
        "## Sections that miss the goal, per example",
        "",
        "| example | section | sentences | SMOG | FK |",
        "|---|---|---|---|---|",
    ]
    misses = 0
    for reading in readings:
        for name in order:
            r = reading.english.get(name)
            if r is not None and not r.meets_goal:
                misses += 1
                lines.append(f"| {reading.example} | {name} | {r.sentences} | {_grades(r)} |")
    if not misses:
        lines.append("| — | — | — | — | — |")
    lines.append("")
    return "\n".join(lines)
