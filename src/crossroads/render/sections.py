"""The sections of the patient report and the hand-over letter, one small function each.

Each function takes the report's input (the case, its classification, the knowledge base, the
language) and returns the plain data its template part shows, or ``None`` when it has nothing to
say for this case. Clinical words come from the knowledge base in the chosen language; the only
words made here are interface words, through gettext. A section that cites knowledge-base facts
lists them under ``"sources"`` so that the report can show every source it relied on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from crossroads.common.dates import PartialDate
from crossroads.common.i18n import Gettext
from crossroads.engine.classify import Classification
from crossroads.engine.explain import expansion_notes, medicine_name
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.kb.citations import plain_flag
from crossroads.kb.models import Cited
from crossroads.kb.names import product_name
from crossroads.record.case import Case
from crossroads.render.data import assessment_data
from crossroads.render.notes import NO_NOTES, ReportNotes


@dataclass(frozen=True)
class ReportInput:
    """What every section may read; built once per report."""

    case: Case
    kb: KnowledgeBase
    lang: str
    today: dt.date
    classification: Classification
    jurisdictions: tuple[Jurisdiction, ...]
    gettext: Gettext
    notes: ReportNotes = NO_NOTES  # a specialist's answer, the decision noted (web app only)


Section = Callable[[ReportInput], dict[str, Any] | None]


def _babel_locale(lang: str) -> str:
    return "zh_Hans_CN" if lang.startswith("zh") else "en"


def format_day(value: dt.date | PartialDate | None, lang: str) -> str:
    """A date as people write it in the language; a partial date keeps only what is known."""
    from babel.dates import format_date, format_skeleton

    if value is None:
        return ""
    locale = _babel_locale(lang)
    if isinstance(value, dt.date):
        return format_date(value, "long", locale=locale)
    if value.day is not None and value.month is not None:
        return format_date(dt.date(value.year, value.month, value.day), "long", locale=locale)
    if value.month is not None:
        return format_skeleton("yMMMM", dt.date(value.year, value.month, 1), locale=locale)
    return format_skeleton("y", dt.date(value.year, 1, 1), locale=locale)


def cited(fact: Cited, lang: str, kb: KnowledgeBase) -> dict[str, Any]:
    """A source entry for the sources list: where a fact comes from, when checked, how sure."""
    return {
        "source": fact.source,
        "as_of": fact.as_of.isoformat(),
        "confidence": fact.confidence,
        "uncertain": fact.uncertain,
        "flag": flag_text(fact, lang, kb),
        "references": list(fact.refs),
    }


def flag_text(fact: Cited, lang: str, kb: KnowledgeBase) -> str | None:
    """The fact's warning in plain words: "This may have changed; last checked 2026-11".

    The dossier's own note (a ⚠ with the check that moved the fact) is for reviewers; a reader
    only needs to know that the fact may have moved and how old the check is (issue 14). The
    same for a fact the sources did not confirm (confidence U).
    """
    if not fact.uncertain:
        return None
    return plain_flag(fact.as_of, lang)


SourceKey = tuple[str, tuple[str, ...]]


def source_key(entry: dict[str, Any]) -> SourceKey:
    """What makes two source entries the same: the line and the public references named."""
    return entry["source"], tuple(entry.get("references") or ())


def collect_sources(sections: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every source the sections cite, once each, in order of first use."""
    seen: dict[SourceKey, dict[str, Any]] = {}
    for context in sections:
        for entry in context.get("sources", []):
            seen.setdefault(source_key(entry), entry)
    return list(seen.values())


# --- patient report -------------------------------------------------------------------------


def classification_section(src: ReportInput) -> dict[str, Any]:
    """Step 2: the category per jurisdiction with each product's status and reasons."""
    data = assessment_data(src.classification, src.kb, src.lang)
    places = []
    sources: list[dict[str, Any]] = []
    for code, jr in data["jurisdictions"].items():
        products = []
        for row in jr["products"]:
            product = src.kb.products[row["product"]]
            fact = next(i for i in product.indications if i.id == row["indication"])
            sources.append(cited(fact, src.lang, src.kb))
            products.append(
                {
                    "name": product_name(product, src.lang, code),
                    "indication": row["indication_text"],
                    "status": row["status"],
                    "status_label": src.kb.phrase(f"status.{row['status']}", src.lang),
                    "reasons": row["reasons"],
                    "missing": [m["ask"] for m in row["missing"]],
                    "source": row["source"],
                    "references": list(fact.refs),
                    "flag": flag_text(fact, src.lang, src.kb),
                    "uncertain": fact.uncertain,
                }
            )
        places.append(
            {
                "code": code,
                "name": src.kb.phrase(f"ui.jurisdiction.{code}", src.lang),
                "category": jr["category"],
                "category_label": jr["category_label"],
                "category_text": jr["category_text"],
                "products": products,
            }
        )
    return {"places": places, "sources": sources}


def missing_section(src: ReportInput) -> dict[str, Any] | None:
    """Unknown facts that would settle an open answer, phrased as what to ask the hospital for."""
    data = assessment_data(src.classification, src.kb, src.lang)
    if not data["missing_facts"]:
        return None
    return {"entries": [m["ask"] for m in data["missing_facts"]]}


def history_section(src: ReportInput) -> dict[str, Any] | None:
    """The treatments so far, oldest first, with their medicines in the reader's language.

    Medicines that Crossroads took from a regimen name are marked and explained below the
    table (the person wrote only the name), so the reader can have them confirmed.
    """
    if not src.case.lines:
        return None
    _ = src.gettext
    zh = src.lang.startswith("zh")
    kinds = {"maintenance": _("maintenance"), "radiotherapy": _("radiotherapy")}
    join = "、" if zh else ", "
    entries = []
    for number, line in enumerate(src.case.lines, start=1):
        dates = [format_day(d, src.lang) for d in (line.start, line.end) if d is not None]
        # "lenalidomide maintenance (maintenance)" says the kind twice: add it only when new
        said = line.kind in kinds and kinds[line.kind].lower() in (line.regimen or "").lower()
        entries.append(
            {
                "number": number,
                "regimen": line.regimen or "",
                "kind": (f"（{kinds[line.kind]}）" if zh else f" ({kinds[line.kind]})")
                if line.kind in kinds and not said
                else "",
                "dates": " – ".join(dates),
                "medicines": join.join(medicine_name(src.kb, a, src.lang) for a in line.agents)
                if line.agents
                else "",
                "expanded": line.agents_from is not None,
            }
        )
    notes = [note["text"] for note in expansion_notes(src.case, src.kb, src.lang)]
    return {"entries": entries, "notes": notes}


def urgent_section(src: ReportInput) -> dict[str, Any]:
    """The urgent-symptoms line: always shown, in every report kind (ground rule)."""
    return {"text": src.kb.phrase("urgent", src.lang)}
