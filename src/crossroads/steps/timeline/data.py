"""The timeline as plain data and words: what ``crossroads timeline`` and the web app show.

One function makes the JSON-ready form (``crossroads.timeline/v1``); the text, calendar and chart
renderers all start from it or from :func:`when_text`, so they cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from crossroads.common.dates import Interval
from crossroads.engine.explain import ask_for
from crossroads.kb import KnowledgeBase
from crossroads.kb.names import product_name
from crossroads.kb.planning import Planning, planning_for
from crossroads.steps.timeline.model import TIMELINE_SCHEMA_ID, Basis, Milestone, Timeline
from crossroads.steps.timeline.tempo import flag_needs, flag_reasons


def when_text(planning: Planning, tl: Timeline, milestone: Milestone, lang: str) -> str:
    """The dates of a milestone in words: one range for a one-day step, start and end otherwise."""
    if milestone.start is None or milestone.end is None:
        return planning.label("undated", lang)

    def one(offsets: Interval) -> str:
        found = tl.dates(offsets)
        if found.earliest == found.latest:
            return planning.label("one_day", lang, a=found.earliest.isoformat())
        return planning.label(
            "on_day", lang, a=found.earliest.isoformat(), b=found.latest.isoformat()
        )

    if milestone.start == milestone.end:
        return one(milestone.start)
    return planning.label("span", lang, start=one(milestone.start), end=one(milestone.end))


def _range(tl: Timeline, offsets: Interval | None) -> dict[str, str] | None:
    if offsets is None:
        return None
    found = tl.dates(offsets)
    return {"earliest": found.earliest.isoformat(), "latest": found.latest.isoformat()}


def _basis_data(basis: Basis, lang: str) -> dict[str, Any]:
    return {
        "id": basis.id,
        "from": basis.origin,
        "text": basis.text.get(lang),
        "source": basis.source,
        "as_of": basis.as_of.isoformat(),
        "confidence": basis.confidence,
        "flag": basis.flag_text(lang),
        "references": list(basis.refs),
    }


def timeline_data(
    tl: Timeline, kb: KnowledgeBase, lang: str = "en", *, place_given: bool = True
) -> dict[str, Any]:
    """Everything ``crossroads timeline`` shows, as JSON-ready data (``crossroads.timeline/v1``).

    ``place_given`` is False when the caller fell back to a default place, so the output says so.
    """
    planning = planning_for(kb)
    product: dict[str, Any] | None = None
    if tl.chosen is not None:
        chosen = tl.chosen.product
        product = {
            "product": chosen.code,
            "short": chosen.short,
            "brand": chosen.brand.get(tl.jurisdiction),
            "name": product_name(chosen, lang, tl.jurisdiction),
            "status": tl.chosen.status,
            "status_text": planning.label(f"status.{tl.chosen.status}", lang),
        }
    flags = []
    for flag in tl.flags:
        rule = flag.rule
        state = {True: "raised", False: "not_raised", None: "cannot_tell"}[flag.result]
        needs = flag_needs(kb, flag)
        flags.append(
            {
                "rule": rule.id,
                "name": rule.name.get(lang),
                "status": state,
                "raised": flag.result,
                "text": rule.text.get(lang) if flag.result else None,
                "why": flag_reasons(kb, planning, flag, lang),
                "needs": [{"fact": f, "ask": ask_for(kb, f, lang)} for f in needs],
                "source": rule.source,
                "references": list(rule.refs),
                "as_of": rule.as_of.isoformat(),
                "confidence": rule.confidence,
                "flag": rule.flag_text(lang),
            }
        )
    milestones = [
        {
            "id": m.id,
            "name": m.name.get(lang),
            "text": m.text.get(lang),
            "dated": m.dated,
            "when": when_text(planning, tl, m, lang),
            "start": _range(tl, m.start),
            "end": _range(tl, m.end),
            "days": None
            if not m.dated
            else {
                "start": [m.start.low, m.start.high] if m.start else None,
                "end": [m.end.low, m.end.high] if m.end else None,
            },
            "basis": [_basis_data(b, lang) for b in m.basis],
            "notes": [_basis_data(b, lang) for b in m.notes],
        }
        for m in tl.milestones
    ]
    return {
        "schema": TIMELINE_SCHEMA_ID,
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "lang": lang,
        "jurisdiction": tl.jurisdiction,
        "jurisdiction_label": kb.phrase(f"ui.jurisdiction.{tl.jurisdiction}", lang),
        "place_given": place_given,
        "start": str(tl.start),
        "start_given": tl.start_given,
        "made_on": tl.made_on.isoformat(),
        "product": product,
        "products_used": [
            {
                "product": p.code,
                "short": p.short,
                "brand": p.brand.get(tl.jurisdiction),
                "name": product_name(p, lang, tl.jurisdiction),
            }
            for p in tl.products_used
        ],
        "numbers": {k: [v.low, v.high] for k, v in tl.numbers.items()},
        "flags": flags,
        "milestones": milestones,
        "urgent": kb.phrase("urgent", lang),
        "notice": kb.phrase("not_replace", lang),
    }
