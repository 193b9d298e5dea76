"""About this aid (``kb/data/about.yaml``): who made it, funding, conflicts, evidence, updates.

Why data: the IPDASi v4 certification items ask a decision aid to state its funding, its update
policy and its production date, and the disclosure items ask for authors, conflicts of interest and
how evidence was chosen. Kept as data, the same words feed the patient report, the web page
/about/ and the self-audit in ``docs/`` (:mod:`crossroads.kb.docs`), in English and Chinese.

The self-audit is generated from the product: each item may name checks (:data:`CHECKS`) that
look at the product itself (a row exists, the policy is stated, the reading level was measured and
met); a failed check shows the item as not met whatever the file says, so the audit cannot claim
more than the product shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field

from crossroads.common.dates import add_months
from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb.base import DATA_DIR, KnowledgeBase, read_model
from crossroads.kb.check import Finding, cited_findings, release_findings
from crossroads.kb.loader import cached
from crossroads.kb.models import Cited, Confidence, Data, Text

ABOUT_FILE = DATA_DIR / "about.yaml"
# The reading level another tool measures (``crossroads readability --write``), if it is there:
# in a source checkout under docs/, or shipped in the package.
READABILITY_FILES = (
    Path(__file__).resolve().parents[3] / "docs" / "readability.md",
    Path(__file__).resolve().parents[1] / "docs" / "readability.md",
)
SMOG_GOAL = 8.0
FK_GOAL = 6.0


Heading = Literal[
    "made_by",
    "funding",
    "conflicts",
    "evidence",
    "update_policy",
    "reading_level",
    "tested",
    "limits",
]


class Header(Data):
    release: str
    as_of: dt.date


class Evidence(Data):
    how_chosen: Text
    grades: dict[Confidence, Text]


class UpdatePolicy(Data):
    interval_months: int = Field(ge=1, le=24)
    text: Text


class Link(Data):
    feature: str = Field(min_length=3)
    link: str = Field(min_length=3)


class IpdasItem(Data):
    id: str = Field(pattern=r"^[QC][0-9]+$")
    group: Literal["qualifying", "certification"]
    item: str
    status: Literal["met", "not_met"]
    requires: list[str] = Field(default_factory=list)
    note: str | None = None
    evidence: list[Link] = Field(min_length=1)


class PematItem(Data):
    number: int = Field(ge=1, le=26)
    scale: Literal["understandability", "actionability"]
    item: str
    status: Literal["agree", "disagree", "not_applicable"]
    requires: list[str] = Field(default_factory=list)
    rule: str
    evidence: str


class IpdasAudit(Cited):
    items: list[IpdasItem]


class PematAudit(Cited):
    items: list[PematItem]
    defined_terms: list[str] = Field(
        default_factory=list,
        description="Medical words the report must explain where it uses them (PEMAT item 4)",
    )


class SelfAudit(Data):
    ipdasi: IpdasAudit
    pemat: PematAudit


class AboutFile(Data):
    header: Header
    title: Text
    headings: dict[Heading, Text]
    grades_intro: Text
    made_by: Text
    funding: Text
    conflicts: Text
    evidence: Evidence
    update_policy: UpdatePolicy
    reading_level: Text
    tested: list[Text] = Field(min_length=1)
    limits: list[Text] = Field(min_length=1)
    self_audit: SelfAudit


def load_about(path: Path | None = None) -> AboutFile:
    """Load (once per process and file state) the About-this-aid file."""
    file = path or ABOUT_FILE
    return cached("about", [file], lambda: read_model(file, AboutFile))


def next_review(kb: KnowledgeBase, about: AboutFile) -> dt.date:
    """The date the next review is due: the release date plus the stated interval."""
    return add_months(kb.release.date, about.update_policy.interval_months)


# -- the measured reading level ------------------------------------------------------------------
@dataclass(frozen=True)
class ReadingLevel:
    """The whole report's reading level as measured for this release (English)."""

    smog: float
    fk: float

    @property
    def goal_met(self) -> bool:
        return self.smog <= SMOG_GOAL and self.fk <= FK_GOAL


def _cells(line: str) -> list[str]:
    return [c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")]


def parse_reading_level(text: str) -> ReadingLevel | None:
    """The ``all`` row of the first table with SMOG and FK columns, or None when there is none.

    Read by column name, so a column added to that table does not move the figures.
    """
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            if "SMOG" in cells and "FK" in cells:
                header = cells
            continue
        if cells and cells[0].lower() == "all":
            try:
                return ReadingLevel(
                    float(cells[header.index("SMOG")]), float(cells[header.index("FK")])
                )
            except (ValueError, IndexError):
                return None
    return None


def reading_level(paths: tuple[Path, ...] = READABILITY_FILES) -> ReadingLevel | None:
    """The measured reading level if a readability page is there and readable, else None."""
    for path in paths:
        if path.is_file():
            return parse_reading_level(path.read_text(encoding="utf-8"))
    return None


# -- product checks behind the self-audit ---------------------------------------------------------
def _palliative_option(kb: KnowledgeBase) -> bool:
    from crossroads.kb.alternatives import load_alternatives

    settings = load_alternatives(kb).settings
    return bool(settings) and all(
        any(o.kind == "supportive_care" for o in s.setting.options) for s in settings
    )


def _psychological_row(kb: KnowledgeBase) -> bool:
    from crossroads.kb.alternatives import ATTRIBUTES

    return "psychological" in ATTRIBUTES


def _every_fact_cited(kb: KnowledgeBase) -> bool:
    """Every fact a patient may read names a public reference (the check `kb check` runs)."""
    from crossroads.kb.bibliography import load_bibliography
    from crossroads.kb.check import patient_facing, public_reference_findings

    found = public_reference_findings(patient_facing(kb), load_bibliography())
    return not any(f.level == "error" for f in found)


def _same_rows_for_every_option(kb: KnowledgeBase) -> bool:
    """Every setting has its shared outcome and harm rows, complete for every option (each
    cell a figure or a plain "no comparable figure"), and no finding about them."""
    from crossroads.kb.alternatives import comparison_findings, load_alternatives

    loaded = load_alternatives(kb)
    return bool(loaded.settings) and all(
        s.setting.comparison is not None and not comparison_findings(loaded.catalogue, s)
        for s in loaded.settings
    )


def _ranges_for_shares_with_n(kb: KnowledgeBase) -> bool:
    """Every share figure whose trial size is known gets a range that holds it within 0-100,
    and the words for a range, for "no range given" and for how ranges are worked out exist in
    both languages (IPDASi C5). Fails when any share figure with ``n`` lacks its range."""
    from crossroads.kb.alternatives import figure_range, load_alternatives, shares_with_n

    loaded = load_alternatives(kb)
    figures = [figure for _, figure in shares_with_n(loaded)]
    if not figures:
        return False
    for figure in figures:
        found = figure_range("share", figure)
        value = figure.value if figure.value is not None else -1.0
        if found is None or not 0 <= found.low <= value <= found.high <= 100:
            return False
    phrases = loaded.catalogue.phrases
    keys = ("grid.range", "grid.range_wilson", "grid.no_range", "grid.ranges_about")
    return all(k in phrases and phrases[k].en and phrases[k].zh for k in keys)


# What must never reach a patient: the research notes' file names and sections, the second
# check's codes and notes, and command names (issue 14). The same marks the report tests look for.
INTERNAL_MARKS = re.compile(
    r"\b[\w-]+\.(?:md|txt|ya?ml)\b"  # a notes or data file
    r"|§\s?\d"  # a notes section
    r"|\bcorrections? E\d|更正 ?E\d|[(（]E\d+[a-z]?[)）]"  # a second-check code
    r"|\bsecond check\b"
    r"|\bcrossroads (?:kb|assess|report|compare|values|timeline|readiness|actions|review|packet)\b",
    re.IGNORECASE,
)
# Keys of a fact that are provenance for maintainers, never shown as written: the source line
# (shown as its public references), the reviewer's flag (shown as "This may have changed").
_NOT_SHOWN = frozenset({"source", "refs", "as_of", "confidence", "flag", "id", "code", "words"})


def _shown_texts(value: Any) -> Iterator[tuple[str, str]]:
    """Every (language, text) pair of a dumped fact that a patient may read."""
    if isinstance(value, dict):
        if {"en", "zh"} <= set(value) and all(isinstance(value[k], str) for k in ("en", "zh")):
            yield "en", value["en"]
            yield "zh-Hans", value["zh"]
            return
        for key, item in value.items():
            if key not in _NOT_SHOWN:
                yield from _shown_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _shown_texts(item)


def internal_notes(facts: Iterable[tuple[str, Cited]]) -> list[str]:
    """Where a note for maintainers would still reach a reader after the plain-words pass.

    Each shown text goes through :func:`crossroads.kb.citations.plain_text` (what every page
    and the report apply) and must then hold no file name, section sign, check code or command.
    """
    from crossroads.kb.citations import plain_text

    found = []
    for where, fact in facts:
        for lang, text in _shown_texts(fact.model_dump(mode="json")):
            match = INTERNAL_MARKS.search(plain_text(text, lang))
            if match:
                found.append(f"{where} ({lang}): {match.group(0)!r}")
    return found


def _no_internal_notes(kb: KnowledgeBase) -> bool:
    """PEMAT 2: no text a patient may read carries a note meant for maintainers."""
    from crossroads.kb.check import patient_facing

    return not internal_notes(patient_facing(kb))


def undefined_terms(words: Iterable[str], terms: Iterable[Any]) -> list[str]:
    """The words that no glossary term explains (a term explains the words it lists, with both
    a plain meaning and a term name in English and Chinese)."""
    known = {
        w.casefold()
        for t in terms
        if t.term.en and t.term.zh and t.plain.en and t.plain.zh
        for w in t.words
    }
    return [w for w in words if w.casefold() not in known]


def _terms_defined(kb: KnowledgeBase, about: AboutFile) -> bool:
    """PEMAT 4: every medical word the audit names is explained by the glossary, which the
    report closes with (only the terms it uses, in the reader's language)."""
    from crossroads.kb.review_data import load_review_data

    wanted = about.self_audit.pemat.defined_terms
    return bool(wanted) and not undefined_terms(wanted, load_review_data(kb).glossary.terms)


# The placeholders each outcome sentence needs so that a figure reads both ways: the people it
# happened to and the rest (share), or the half who had the event and the other half (median).
BOTH_WAYS: dict[str, frozenset[str]] = {
    "outcome.share": frozenset({"n", "rest", "event", "other"}),
    "outcome.median": frozenset({"value", "event", "other"}),
    "outcome.median_not_reached": frozenset({"value", "event", "other"}),
    "outcome.days": frozenset({"value", "event"}),
}


def one_way_figures(phrases: dict[str, Text], measures: dict[str, Any]) -> list[str]:
    """The sentence templates and measures that would leave the other side of a figure to the
    reader: a template without its placeholders, or a measure without its other side."""
    found = []
    for key, names in BOTH_WAYS.items():
        for lang in ("en", "zh"):
            text = getattr(phrases[key], lang) if key in phrases else ""
            if not names <= set(re.findall(r"{(\w+)}", text)):
                found.append(f"{key}.{lang}")
    for key, measure in measures.items():
        if measure.kind != "days" and not (measure.other and measure.other.en and measure.other.zh):
            found.append(f"measure {key}: no other side")
    return found


def _both_directions(kb: KnowledgeBase) -> bool:
    """PEMAT 7 and 24: every shared figure is written both ways, so nothing is left to work out."""
    from crossroads.kb.alternatives import load_alternatives

    catalogue = load_alternatives(kb).catalogue
    measures = {**catalogue.measures, **{str(k): m for k, m in catalogue.harms.items()}}
    return bool(measures) and not one_way_figures(catalogue.phrases, measures)


# Words that would tell the reader what to choose; the how-to-use text must do without them.
PRESCRIBING = re.compile(r"\b(?:should|best|must|recommend\w*)\b|应该|最好|推荐|建议您选", re.I)


def _how_to_use_grid(kb: KnowledgeBase) -> bool:
    """PEMAT 25: the options table says how to read it to decide, in both languages, without
    telling the reader which option to take."""
    from crossroads.kb.alternatives import load_alternatives

    text = load_alternatives(kb).catalogue.phrases.get("grid.how_to_use")
    return bool(text and text.en and text.zh and not PRESCRIBING.search(text.en + text.zh))


CHECKS: dict[str, Callable[[KnowledgeBase, AboutFile], bool]] = {
    "palliative_option": lambda kb, about: _palliative_option(kb),
    "psychological_row": lambda kb, about: _psychological_row(kb),
    "every_fact_cited": lambda kb, about: _every_fact_cited(kb),
    "same_rows_for_every_option": lambda kb, about: _same_rows_for_every_option(kb),
    "ranges_for_shares_with_n": lambda kb, about: _ranges_for_shares_with_n(kb),
    "release_dated": lambda kb, about: kb.release.date is not None,
    "update_policy": lambda kb, about: about.update_policy.interval_months > 0,
    "funding": lambda kb, about: bool(about.funding.en and about.funding.zh),
    "no_internal_notes": lambda kb, about: _no_internal_notes(kb),
    "terms_defined": _terms_defined,
    "both_directions": lambda kb, about: _both_directions(kb),
    "how_to_use_grid": lambda kb, about: _how_to_use_grid(kb),
    "reading_goal_met": lambda kb, about: (level := reading_level()) is not None and level.goal_met,
}


def checks_failed(kb: KnowledgeBase, about: AboutFile, names: list[str]) -> list[str]:
    """The named product checks that do not hold (an unknown name counts as failed)."""
    return [n for n in names if n not in CHECKS or not CHECKS[n](kb, about)]


# -- plain data for the report and the web page --------------------------------------------------
def about_data(
    kb: KnowledgeBase, lang: str, format_day: Callable[[dt.date], str]
) -> dict[str, Any]:
    """Everything "About this aid" says, in one language; dates written with ``format_day``."""
    about = load_about()
    months = about.update_policy.interval_months
    level = reading_level()
    return {
        "title": about.title.get(lang),
        "headings": {k: t.get(lang) for k, t in about.headings.items()},
        "grades_intro": about.grades_intro.get(lang),
        "made_by": about.made_by.get(lang),
        "funding": about.funding.get(lang),
        "conflicts": about.conflicts.get(lang),
        "evidence": about.evidence.how_chosen.get(lang),
        "grades": [{"code": c, "text": t.get(lang)} for c, t in about.evidence.grades.items()],
        "update_policy": about.update_policy.text.get(lang).format(
            months=months,
            release=kb.release.version,
            date=format_day(kb.release.date),
            next=format_day(next_review(kb, about)),
        ),
        "next_review": next_review(kb, about).isoformat(),
        "reading_level": about.reading_level.get(lang).format(
            smog=f"{level.smog:.1f}", fk=f"{level.fk:.1f}"
        )
        if level is not None
        else None,
        "tested": [t.get(lang) for t in about.tested],
        "limits": [t.get(lang) for t in about.limits],
    }


def findings(
    kb: KnowledgeBase, today: dt.date | None = None, path: Path | None = None
) -> list[Finding]:
    """Every finding about the About file, errors first (``kb check``).

    Placeholders in the update-policy and reading-level texts must be the ones filled in, in
    both languages; a self-audit item must name only known checks; the audit sources are dated.
    """
    today = today or dt.date.today()
    try:
        about = load_about(path)
    except KnowledgeBaseError as exc:
        return [Finding("error", "about", str(exc))]
    found = release_findings(kb, "about: header", about.header.release)
    wanted = {
        "update_policy.text": (about.update_policy.text, {"months", "release", "date", "next"}),
        "reading_level": (about.reading_level, {"smog", "fk"}),
    }
    for where, (text, names) in wanted.items():
        for lang in ("en", "zh"):
            used = set(re.findall(r"{(\w+)}", getattr(text, lang)))
            if used != names:
                found.append(
                    Finding(
                        "error",
                        f"about: {where}.{lang}",
                        f"placeholders {sorted(used)} must be {sorted(names)}",
                    )
                )
    if set(about.headings) != set(get_args(Heading)):
        found.append(Finding("error", "about: headings", f"give each of {get_args(Heading)}"))
    if set(about.evidence.grades) != {"L", "P", "N", "U"}:
        found.append(Finding("error", "about: evidence.grades", "explain each of L, P, N and U"))
    audit = about.self_audit
    items: list[tuple[str, list[str]]] = [(i.id, i.requires) for i in audit.ipdasi.items]
    items += [(f"PEMAT {i.number}", i.requires) for i in audit.pemat.items]
    for ident, requires in items:
        for name in requires:
            if name not in CHECKS:
                found.append(
                    Finding("error", f"about: self_audit {ident}", f"unknown check {name!r}")
                )
    found += cited_findings("about: self_audit.ipdasi", audit.ipdasi, today, kb.release.date)
    found += cited_findings("about: self_audit.pemat", audit.pemat, today, kb.release.date)
    return sorted(found, key=lambda f: f.level != "error")


__all__ = [
    "BOTH_WAYS",
    "CHECKS",
    "INTERNAL_MARKS",
    "AboutFile",
    "ReadingLevel",
    "about_data",
    "checks_failed",
    "findings",
    "internal_notes",
    "load_about",
    "next_review",
    "one_way_figures",
    "parse_reading_level",
    "reading_level",
    "undefined_terms",
]
