"""Report sections for planning (journey step 4 and the next steps): timeline, checklists, actions.

They read the timeline, readiness and action-plan modules and keep only what a reader of the
printed report needs; each cites the knowledge-base facts its numbers came from.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from crossroads.common.dates import PartialDate
from crossroads.common.progress import completeness
from crossroads.kb import Jurisdiction
from crossroads.kb.places import country_jurisdiction
from crossroads.kb.planning import planning_for
from crossroads.render.notes import StepCount
from crossroads.render.sections import ReportInput, format_day
from crossroads.render.svg import timeline_svg
from crossroads.steps.actions import action_plan, actions_data
from crossroads.steps.readiness import readiness, readiness_data, treatment_place
from crossroads.steps.scope import ask_instead_data, out_of_scope
from crossroads.steps.timeline import build_timeline, timeline_data


def planning_place(src: ReportInput) -> Jurisdiction:
    """Whose rules the timeline follows: the place of treatment, else home, else the first shown.

    Home counts because most people are treated where they live; the report says which place
    it used, so a reader planning elsewhere knows to ask.
    """
    planning = planning_for(src.kb)
    place = treatment_place(src.case, planning) or country_jurisdiction(
        src.case.patient.country, planning.checklists.eu_countries
    )
    if place is None or place not in src.jurisdictions:
        return src.jurisdictions[0]
    return place


def _source(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": entry["source"],
        "as_of": entry["as_of"],
        "confidence": entry["confidence"],
        "uncertain": entry["confidence"] == "U" or entry["flag"] is not None,
        "flag": entry["flag"],
        "references": entry.get("references", []),
    }


def timeline_section(src: ReportInput) -> dict[str, Any] | None:
    """Step 4: the chart from referral to recovery, each step's dates, and the tempo flags.

    Left out for a disease outside CAR-T: the report then shows what to ask instead.
    """
    if out_of_scope(src.classification, src.kb):
        return None
    place = planning_place(src)
    tl = build_timeline(src.case, src.kb, place, start=src.today, today=src.today)
    data = timeline_data(tl, src.kb, src.lang)
    sources = []
    for milestone in data["milestones"]:
        sources += [_source(b) for b in [*milestone["basis"], *milestone["notes"]]]
    flags = []
    for flag in data["flags"]:
        if flag["status"] == "not_raised":
            continue
        sources.append(_source(flag))
        flags.append(
            {
                "name": flag["name"],
                "raised": flag["status"] == "raised",
                "text": flag["text"],
                "needs": [n["ask"] for n in flag["needs"]],
            }
        )
    products = [p["name"] for p in data["products_used"]]
    return {
        "place": data["jurisdiction_label"],
        "start": format_day(tl.start, src.lang),
        "products": products,
        "svg": Markup(timeline_svg(data, src.kb)),  # built from escaped text by render.svg
        "milestones": [
            {"name": m["name"], "when": m["when"], "text": m["text"]} for m in data["milestones"]
        ],
        "flags": flags,
        "sources": sources,
    }


def _step_counts(
    scored: list[dict[str, Any]], counted: tuple[StepCount, ...]
) -> list[dict[str, Any]]:
    """Each step's "N of M" and percentage: the web pages' count when the report is made there,
    else the facts each step needs; the percentage by the one rule either way."""
    given = {c.step: (c.answered, c.total) for c in counted}
    rows = []
    for s in scored:
        known, total = given.get(s["step"], (s["known"], s["total"]))
        rows.append(
            {
                "step": s["step"],
                "name": s["name"],
                "known": known,
                "total": total,
                "percent": completeness(known, total),
            }
        )
    return rows


def ask_instead_section(src: ReportInput) -> dict[str, Any] | None:
    """For a disease outside CAR-T: the questions to take to the team, in place of the timeline."""
    data = ask_instead_data(src.classification, src.kb, src.lang)
    if data is None:
        return None
    sources = [
        {
            "source": item["source"],
            "as_of": item["as_of"],
            "confidence": item["confidence"],
            "uncertain": item["confidence"] == "U",
            "flag": None,
        }
        for item in data["items"]
    ]
    return {
        "title": data["title"],
        "intro": data["intro"],
        "questions": [item["text"] for item in data["items"]],
        "sources": sources,
    }


def checklist_section(src: ReportInput) -> dict[str, Any] | None:
    """The records to gather and the practical arrangements, each known, missing or not known.

    Left out for a disease outside CAR-T: its steps and arrangements are those of CAR-T.
    """
    if out_of_scope(src.classification, src.kb):
        return None
    data = readiness_data(readiness(src.case, src.kb, src.today), src.kb, src.lang)
    groups: dict[str, list[dict[str, Any]]] = {"records": [], "practical": []}
    for item in data["items"]:
        groups.setdefault(item["group"], []).append(
            {
                "name": item["name"],
                "state": item["state"],
                "state_text": item["state_text"],
                "detail": item["detail"],
                "ask": item["ask"] if item["state"] != "known" else None,
            }
        )
    return {
        "records": groups["records"],
        "practical": groups["practical"],
        "steps": _step_counts(data["steps"], src.notes.progress),
        "sources": [_source({**item, "flag": None}) for item in data["items"]],
    }


def actions_section(src: ReportInput) -> dict[str, Any] | None:
    """Next steps with who does them and by when, open ones first."""
    plan = action_plan(src.case, src.kb, src.classification, src.today)
    data = actions_data(plan, src.kb, src.today, src.lang)
    if not data["actions"]:
        return None
    rows = sorted(data["actions"], key=lambda a: a["done"])
    return {
        "urgent": data["urgent"],
        "entries": [
            {
                "title": a["title"],
                "owner": a["owner_text"],
                "due": format_day(PartialDate.parse(a["due"]), src.lang) if a["due"] else "",
                "done": a["done"],
            }
            for a in rows
        ],
    }
