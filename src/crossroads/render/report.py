"""The patient report and the hand-over letter, as HTML and PDF, in English or Chinese.

Why built from sections: each part of the report (the four sentences, where CAR-T stands, the
options grid, the timeline, the checklists ...) comes from a different journey step. Each section
is a small function (in ``render.sections``, ``sections_decide``, ``sections_plan``,
``sections_care`` and, for the letter, ``render.handover``) that turns that step's result into a
plain template context, so a step can change without touching the others, and a section whose
step has nothing to say is simply left out. The templates only lay the words out; interface words
are translated with gettext, clinical words come from the knowledge base in the chosen language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crossroads.common.errors import BadOptionError
from crossroads.common.i18n import LANGS, translations, translator
from crossroads.engine.classify import classify
from crossroads.kb import JURISDICTIONS, Jurisdiction, KnowledgeBase
from crossroads.kb.citations import plain_flag, plain_tree
from crossroads.kb.names import plain_names
from crossroads.record.case import Case
from crossroads.render.glossary import glossary_section
from crossroads.render.handover import HANDOVER_SECTIONS
from crossroads.render.notes import NO_NOTES, ReportNotes
from crossroads.render.sections import (
    ReportInput,
    Section,
    classification_section,
    collect_sources,
    format_day,
    history_section,
    missing_section,
    source_key,
    urgent_section,
)
from crossroads.render.sections_about import about_section
from crossroads.render.sections_care import supportive_section
from crossroads.render.sections_decide import (
    options_section,
    questions_section,
    renumber_refs,
    sentences_section,
)
from crossroads.render.sections_noted import decision_section, specialist_section
from crossroads.render.sections_plan import (
    actions_section,
    ask_instead_section,
    checklist_section,
    timeline_section,
)

Kind = Literal["patient", "handover"]
KINDS: tuple[Kind, ...] = ("patient", "handover")
TEMPLATES = Path(__file__).parent / "templates"
_TEMPLATE_OF: dict[Kind, str] = {"patient": "report.html", "handover": "handover.html"}

PATIENT_SECTIONS: list[tuple[str, Section]] = [
    ("sentences", sentences_section),
    ("decision", decision_section),
    ("classification", classification_section),
    ("specialist", specialist_section),
    ("missing", missing_section),
    ("history", history_section),
    ("options", options_section),
    ("timeline", timeline_section),
    ("ask_instead", ask_instead_section),
    ("checklist", checklist_section),
    ("actions", actions_section),
    ("questions", questions_section),
    ("supportive", supportive_section),
    ("about", about_section),
    ("urgent", urgent_section),
]
"""The patient report's sections in reading order; each name is a template part."""


@lru_cache(maxsize=len(LANGS))
def environment(lang: str) -> Environment:
    """A Jinja environment per language, with autoescape on and gettext installed.

    One environment per language (not one shared and switched) so that two reports in two
    languages can be rendered at the same time, e.g. by two web workers' threads.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    # Chinese runs sentences together and lists with a full-width semicolon
    env.globals["sp"] = "" if lang.startswith("zh") else " "
    env.globals["sep"] = "；" if lang.startswith("zh") else "; "
    # ... and takes full-width brackets and question marks (house style, common.zh_style)
    env.globals["lp"], env.globals["rp"] = ("（", "）") if lang.startswith("zh") else (" (", ")")
    env.globals["unsure"] = "？" if lang.startswith("zh") else "?"
    return env


def _check(lang: str, kind: str) -> None:
    if lang not in LANGS:
        raise BadOptionError(
            f"--lang: '{lang}' is not a language Crossroads speaks; use en or zh-Hans."
        )
    if kind not in KINDS:
        raise BadOptionError(f"--kind: '{kind}' is not a report kind; use patient or handover.")


def report_context(
    case: Case,
    kb: KnowledgeBase,
    lang: str,
    kind: Kind = "patient",
    today: dt.date | None = None,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    notes: ReportNotes = NO_NOTES,
) -> dict[str, Any]:
    """Everything the template shows, as plain data: the sections in order, and the page frame.

    ``notes`` carries what the caller holds beyond the case file (a specialist's answer, the
    decision noted); the web app passes them, the CLI does not (:mod:`crossroads.render.notes`).
    """
    _check(lang, kind)
    made = today or dt.date.today()
    classification = classify(case, kb, jurisdictions, made)
    source = ReportInput(
        case=case,
        kb=kb,
        lang=lang,
        today=made,
        classification=classification,
        jurisdictions=tuple(jurisdictions),
        gettext=translator(lang),
        notes=notes,
    )
    table = PATIENT_SECTIONS if kind == "patient" else HANDOVER_SECTIONS
    sections: dict[str, dict[str, Any]] = {}
    for name, build in table:
        context = build(source)
        if context is not None:
            sections[name] = context
    if kind == "patient":
        glossary = glossary_section(source, sections)
        if glossary is not None:  # the last section a reader reaches, before "about" and urgent
            names = list(sections)
            at = names.index("about") if "about" in names else len(names)
            sections = {
                **{n: sections[n] for n in names[:at]},
                "glossary": glossary,
                **{n: sections[n] for n in names[at:]},
            }
    sources = collect_sources(sections.values())
    if "options" in sections:
        renumber_refs(sections["options"], {source_key(e): i for i, e in enumerate(sources, 1)})
    for entry in sources:  # a source that may have moved says so in words, with its date
        entry["caution"] = plain_flag(entry.get("as_of"), lang) if entry.get("uncertain") else None
    # the research notes' file names and correction codes are for maintainers, not readers
    return {
        "lang": lang,
        "kind": kind,
        "order": list(sections),
        # one name per product, its short name glossed where the page first names it (kb.names)
        "sections": plain_names(plain_tree(sections, lang), kb.products.values(), lang),
        "sources": plain_tree(sources, lang),
        "meta": {
            "person": case.patient.name,
            "assessed": format_day(classification.facts.assessment_date, lang),
            "made": format_day(made, lang),
            "kb_version": kb.release.version,
            "kb_date": format_day(kb.release.date, lang),
            "notice": kb.phrase("not_replace", lang),
            "urgent": kb.phrase("urgent", lang),
        },
    }


def report_html(
    case: Case,
    kb: KnowledgeBase,
    lang: str,
    kind: Kind = "patient",
    today: dt.date | None = None,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    notes: ReportNotes = NO_NOTES,
) -> str:
    """The report (``kind="patient"``) or hand-over letter (``"handover"``) as one HTML page.

    The page is self-contained (styles inline, no external files), so it can be mailed, opened
    offline or turned into a PDF as it is.
    """
    context = report_context(case, kb, lang, kind, today, jurisdictions, notes)
    return environment(lang).get_template(_TEMPLATE_OF[kind]).render(context)


def report_pdf(
    case: Case,
    kb: KnowledgeBase,
    lang: str,
    kind: Kind = "patient",
    today: dt.date | None = None,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    notes: ReportNotes = NO_NOTES,
) -> bytes:
    """The same page as :func:`report_html`, printed to PDF (A4, footer on every page)."""
    from crossroads.render.pdf import html_to_pdf

    return html_to_pdf(report_html(case, kb, lang, kind, today, jurisdictions, notes))
