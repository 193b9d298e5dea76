"""The action plan: next steps with an owner and a due date, derived from the case's gaps.

Steps follow the journey (decision guide, "what happens next"): gather each missing record, find
out each fact that would settle an open answer, arrange what is missing for the stay, send the one
specific question, book the review, compare the options, decide. The templates, owners and due
days are data (``kb/data/checklists.yaml``); the dates are shorter when the tempo rule
``may_not_wait`` is raised. Actions the person entered in the case (``actions:``) win over derived
ones with the same id, and done ones are kept, so nothing a person wrote is lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from crossroads.common.dates import PartialDate
from crossroads.engine.classify import Classification
from crossroads.engine.explain import ask_for
from crossroads.kb import KnowledgeBase
from crossroads.kb.models import Text
from crossroads.kb.planning import ActionTemplate, Owner, Planning, planning_for
from crossroads.record.case import Case
from crossroads.steps.readiness import readiness
from crossroads.steps.scope import out_of_scope
from crossroads.steps.timeline import build_timeline, flag_needs

ACTIONS_SCHEMA_ID = "crossroads.actions/v1"
URGENT_RULE = "may_not_wait"


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """One next step. ``origin`` says whether Crossroads derived it or the person entered it."""

    id: str
    title: Text
    owner: Owner | None
    due: PartialDate | None
    done: bool
    origin: Literal["derived", "case"]
    template: str | None = None
    urgent: bool = False


def _due(today: dt.date, template: ActionTemplate, urgent: bool) -> PartialDate:
    days = template.due_days.urgent if urgent else template.due_days.normal
    return PartialDate.parse(today + dt.timedelta(days=days))


def _missing_facts(
    kb: KnowledgeBase, classification: Classification, extra: list[str]
) -> list[str]:
    """Unknown facts that decide an answer, in catalogue order, then unsettled knowledge.

    A point the knowledge base has not settled is asked about only for an indication whose case
    facts are all known: on a blank case every indication is still open, and asking a treating
    team whether a label covers children under 3 before anyone knows the disease or the age is
    noise (issue 13). The point stays in the step-2 answer as "needs information" either way.
    """
    missing = classification.missing_facts()
    open_facts: dict[str, set[str]] = {}
    for key, indications in missing.items():
        for indication in indications:
            open_facts.setdefault(indication, set()).add(key)
    only_knowledge = {
        indication
        for indication, keys in open_facts.items()
        if all(key.startswith("kb:") for key in keys)
    }
    relevant = [
        key
        for key, indications in missing.items()
        if not key.startswith("kb:") or only_knowledge.intersection(indications)
    ]
    keys = list(dict.fromkeys([*relevant, *extra]))
    order = {code: i for i, code in enumerate(kb.facts)}
    return sorted(keys, key=lambda k: (k.startswith("kb:"), order.get(k, len(order)), k))


def _fact_action(
    kb: KnowledgeBase, planning: Planning, template: ActionTemplate, key: str
) -> tuple[str, Text]:
    if key.startswith("kb:"):
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
        text = kb.unsettled.get(key[3:])
        en = text.en if text else key[3:]
        zh = text.zh if text else key[3:]
        asked = Text(
            en=planning.label("kb_confirm", "en", text=en),
            zh=planning.label("kb_confirm", "zh-Hans", text=zh),
        )
        return f"answer_kb_{digest}", Text(
            en=template.title.en.format(ask=asked.en), zh=template.title.zh.format(ask=asked.zh)
        )
    return f"answer_{key}", Text(
        en=template.title.en.format(ask=ask_for(kb, key, "en")),
        zh=template.title.zh.format(ask=ask_for(kb, key, "zh-Hans")),
    )


def derived_actions(
    case: Case, kb: KnowledgeBase, classification: Classification, today: dt.date
) -> list[PlannedAction]:
    """The actions the case's gaps call for, before merging with the person's own."""
    planning = planning_for(kb)
    first = classification.jurisdictions[0].jurisdiction if classification.jurisdictions else "US"
    # A disease outside CAR-T has no CAR-T timeline: no tempo flags, no practical arrangements
    outside = out_of_scope(classification, kb)
    tl = None if outside else build_timeline(case, kb, first, start=today, today=today)
    flags = {f.rule.id: f for f in tl.flags} if tl else {}
    urgent = flags[URGENT_RULE].result is True if URGENT_RULE in flags else False
    flag_facts = [code for f in tl.flags for code in flag_needs(kb, f)] if tl else []
    ready = readiness(case, kb, today)
    out: list[PlannedAction] = []

    def add(ident: str, title: Text, template: ActionTemplate) -> None:
        out.append(
            PlannedAction(
                ident,
                title,
                template.owner,
                _due(today, template, urgent),
                False,
                "derived",
                template.id,
                urgent,
            )
        )

    for template in planning.checklists.actions:
        if template.kind == "per_record":
            for status in ready.items:
                if status.item.group == "records" and status.state != "known":
                    name = status.item.name
                    title = Text(
                        en=template.title.en.format(name=name.en),
                        zh=template.title.zh.format(name=name.zh),
                    )
                    add(f"gather_{status.item.id}", title, template)
        elif template.kind == "per_missing_fact":
            for key in _missing_facts(kb, classification, flag_facts):
                ident, title = _fact_action(kb, planning, template, key)
                add(ident, title, template)
        elif outside and template.kind in ("per_practical", "practical_check"):
            continue
        elif template.kind == "per_practical":
            for status in ready.items:
                if status.item.group == "practical" and status.state == "missing":
                    name = status.item.name
                    title = Text(
                        en=template.title.en.format(name=name.en),
                        zh=template.title.zh.format(name=name.zh),
                    )
                    add(f"arrange_{status.item.id}", title, template)
        elif template.kind == "practical_check":
            if any(s.item.group == "practical" and s.state == "unknown" for s in ready.items):
                add(template.id, template.title, template)
        else:
            add(template.id, template.title, template)
    return out


def action_plan(
    case: Case, kb: KnowledgeBase, classification: Classification, today: dt.date
) -> list[PlannedAction]:
    """Derived actions merged with the case's own: the person's entry wins by id; done is kept."""
    own = {a.id: a for a in case.actions or []}
    merged: list[PlannedAction] = []
    for action in derived_actions(case, kb, classification, today):
        entered = own.pop(action.id, None)
        if entered is None:
            merged.append(action)
            continue
        merged.append(
            PlannedAction(
                entered.id,
                Text(en=entered.title, zh=entered.title),
                entered.owner,
                entered.due,
                entered.done,
                "case",
                action.template,
                action.urgent,
            )
        )
    for entered in case.actions or []:
        if entered.id in own:
            merged.append(
                PlannedAction(
                    entered.id,
                    Text(en=entered.title, zh=entered.title),
                    entered.owner,
                    entered.due,
                    entered.done,
                    "case",
                )
            )
    return merged


def actions_data(
    plan: list[PlannedAction], kb: KnowledgeBase, today: dt.date, lang: str = "en"
) -> dict[str, Any]:
    """Everything ``crossroads actions`` shows, as JSON-ready data (``crossroads.actions/v1``)."""
    planning = planning_for(kb)
    rows = []
    for action in plan:
        owner = action.owner or "none"
        rows.append(
            {
                "id": action.id,
                "title": action.title.get(lang),
                "owner": action.owner,
                "owner_text": planning.label(f"owner.{owner}", lang),
                "due": str(action.due) if action.due else None,
                "done": action.done,
                "overdue": bool(action.due and not action.done and action.due.latest < today),
                "origin": action.origin,
                "template": action.template,
            }
        )
    return {
        "schema": ACTIONS_SCHEMA_ID,
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "lang": lang,
        "made_on": today.isoformat(),
        "urgent": any(a.urgent for a in plan),
        "actions": rows,
        "notice": kb.phrase("not_replace", lang),
    }


__all__ = [
    "ACTIONS_SCHEMA_ID",
    "PlannedAction",
    "action_plan",
    "actions_data",
    "derived_actions",
]
