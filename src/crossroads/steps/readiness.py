"""Readiness: the records and practical arrangements in place, and how complete each step is.

Each checklist item (``kb/data/checklists.yaml``) maps to one case field, so the checklist is
read straight from the record: ``true`` is known (held, in place), ``false`` is missing, and an
empty field is unknown, never assumed missing or present. The caregiver's weeks are compared with
the stay-near-centre weeks of the treatment place; when that place is unknown, the comparison is
settled only if the answer is the same in every place.

The completeness of each journey step (1-6) is the share of its parts that are known, with the
parts defined in data (for step 1: the critical facts and the records).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crossroads.common.dates import Interval, PartialDate
from crossroads.common.errors import KnowledgeBaseError
from crossroads.common.progress import completeness
from crossroads.common.values import SetValue, Tri
from crossroads.engine.classify import classify_facts
from crossroads.engine.explain import ask_for
from crossroads.kb import JURISDICTIONS, Jurisdiction, KnowledgeBase
from crossroads.kb.models import Text
from crossroads.kb.places import country_jurisdiction
from crossroads.kb.planning import ChecklistItem, JourneyStep, Planning, StepPart, planning_for
from crossroads.logic.facts import CaseFacts, cross_border, derive_facts
from crossroads.record.case import Case

READINESS_SCHEMA_ID = "crossroads.readiness/v1"
ItemState = Literal["known", "missing", "unknown"]


@dataclass(frozen=True, slots=True)
class ItemStatus:
    """One checklist item for this case; ``need_weeks`` only for the caregiver-weeks item."""

    item: ChecklistItem
    state: ItemState
    value: Any
    need_weeks: Interval | None = None


@dataclass(frozen=True, slots=True)
class Gap:
    """One part of a step that is not known yet: a fact, a checklist item, a place or a field."""

    kind: Literal["fact", "item", "jurisdiction", "field"]
    key: str
    ask: Text | None = None


@dataclass(frozen=True, slots=True)
class StepScore:
    step: int
    name: Text
    known: int
    total: int
    gaps: tuple[Gap, ...]

    @property
    def percent(self) -> int:
        return completeness(self.known, self.total)


@dataclass(frozen=True)
class Readiness:
    jurisdiction: Jurisdiction | None
    treatment_country: str | None
    cross_border: Tri
    items: tuple[ItemStatus, ...]
    steps: tuple[StepScore, ...]
    facts: CaseFacts

    def item(self, ident: str) -> ItemStatus:
        return next(i for i in self.items if i.item.id == ident)

    def step(self, number: int) -> StepScore:
        return next(s for s in self.steps if s.step == number)


def field_value(case: Case, path: str) -> Any:
    """The value at a dotted case path (``logistics.caregiver_weeks``), None if unset."""
    value: Any = case
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    if value == "" or value == [] or value == {}:
        return None
    return value


def treatment_place(case: Case, planning: Planning) -> Jurisdiction | None:
    """The jurisdiction whose rules apply where the person will be treated, if known."""
    return country_jurisdiction(case.logistics.treatment_country, planning.checklists.eu_countries)


def _stay_weeks(kb: KnowledgeBase, planning: Planning, place: Jurisdiction | None) -> Interval:
    """Weeks near the centre here, or the range over every place when the place is unknown."""
    step = planning.timeline.stay_near_centre
    places = [place] if place else list(JURISDICTIONS)
    weeks = []
    for j in places:
        fact = next((f for f in kb.logistics if f.id == step.logistics.get(j)), None)
        if fact is not None and fact.weeks is not None:
            weeks.append(round(fact.weeks))
    if not weeks:
        raise KnowledgeBaseError(
            f"timeline.yaml: stay_near_centre.logistics: no logistics fact with weeks for "
            f"{', '.join(places)} (logistics.yaml)"
        )
    return Interval(min(weeks), max(weeks))


def _item_status(
    case: Case,
    item: ChecklistItem,
    kb: KnowledgeBase,
    planning: Planning,
    place: Jurisdiction | None,
) -> ItemStatus:
    value = field_value(case, item.field)
    if item.kind == "weeks":
        need = _stay_weeks(kb, planning, place)
        if value is None:
            return ItemStatus(item, "unknown", None, need)
        if value >= need.high:
            return ItemStatus(item, "known", value, need)
        if value < need.low:
            return ItemStatus(item, "missing", value, need)
        return ItemStatus(item, "unknown", value, need)
    if value is None:
        return ItemStatus(item, "unknown", None)
    return ItemStatus(item, "known" if value is item.ready_when else "missing", value)


def _fact_known(value: object) -> bool:
    if isinstance(value, SetValue):
        return value.complete
    return value is not None


def _part_units(
    part: StepPart,
    case: Case,
    facts: CaseFacts,
    kb: KnowledgeBase,
    items: Sequence[ItemStatus],
    decided: dict[Jurisdiction, bool],
) -> list[tuple[bool, Gap]]:
    """Each unit of a step part: whether it is known, and the gap to show when it is not."""
    if part.kind == "critical_facts":
        codes = [code for code, fact in kb.facts.items() if fact.critical]
        return [(_fact_known(facts.values.get(c)), Gap("fact", c)) for c in codes]
    if part.kind == "fact":
        code = part.code or ""
        return [(_fact_known(facts.values.get(code)), Gap("fact", code))]
    if part.kind == "checklist":
        return [
            (status.state == "known", Gap("item", status.item.id, status.item.ask))
            for status in items
            if status.item.group == part.group
        ]
    if part.kind == "jurisdictions_decided":
        return [(ok, Gap("jurisdiction", j)) for j, ok in decided.items()]
    path = part.path or ""
    return [(field_value(case, path) is not None, Gap("field", path))]


def _score(
    step: JourneyStep,
    case: Case,
    facts: CaseFacts,
    kb: KnowledgeBase,
    items: Sequence[ItemStatus],
    decided: dict[Jurisdiction, bool],
) -> StepScore:
    units = [u for part in step.parts for u in _part_units(part, case, facts, kb, items, decided)]
    known = sum(1 for ok, _ in units if ok)
    gaps = tuple(gap for ok, gap in units if not ok)
    return StepScore(step.step, step.name, known, len(units), gaps)


def readiness(
    case: Case,
    kb: KnowledgeBase,
    today: dt.date | None = None,
    jurisdiction: Jurisdiction | None = None,
) -> Readiness:
    """The checklist and the per-step completeness of one case.

    ``jurisdiction`` overrides the place read from ``logistics.treatment_country``.
    """
    planning = planning_for(kb)
    facts = derive_facts(case, kb.class_sources, PartialDate.parse(today or dt.date.today()))
    place = jurisdiction or treatment_place(case, planning)
    border = cross_border(case)
    items = tuple(
        _item_status(case, item, kb, planning, place)
        for item in planning.checklists.items
        if not (item.only_cross_border and border is False)
    )
    classification = classify_facts(case, facts, kb, JURISDICTIONS)
    decided = {jr.jurisdiction: jr.category != "cannot_tell" for jr in classification.jurisdictions}
    steps = tuple(
        _score(step, case, facts, kb, items, decided)
        for step in sorted(planning.checklists.steps, key=lambda s: s.step)
    )
    return Readiness(place, case.logistics.treatment_country, border, items, steps, facts)


def gap_text(kb: KnowledgeBase, planning: Planning, gap: Gap, lang: str) -> str:
    """What to do about a gap, in plain words."""
    if gap.kind == "fact":
        return kb.phrase("needs_information", lang, ask=ask_for(kb, gap.key, lang))
    if gap.kind == "item":
        return gap.ask.get(lang) if gap.ask else gap.key
    if gap.kind == "jurisdiction":
        place = kb.phrase(f"ui.jurisdiction.{gap.key}", lang)
        return planning.label("gap.jurisdiction", lang, place=place)
    return planning.label("gap.field", lang, path=gap.key)


def _item_data(planning: Planning, status: ItemStatus, lang: str) -> dict[str, Any]:
    item = status.item
    detail = None
    if status.need_weeks is not None and status.value is not None:
        need = status.need_weeks
        key = "weeks_needed" if need.exact else "weeks_needed_range"
        shown = str(need).replace(" to ", " 至 ") if lang.startswith("zh") else str(need)
        detail = planning.label(key, lang, need=shown, have=status.value)
    return {
        "id": item.id,
        "group": item.group,
        "field": item.field,
        "step": item.step,
        "name": item.name.get(lang),
        "state": status.state,
        "state_text": planning.label(f"status.{status.state}", lang),
        "value": status.value,
        "detail": detail,
        "why": item.why.get(lang),
        "ask": item.ask.get(lang),
        "source": item.source,
        "references": list(item.refs),
        "as_of": item.as_of.isoformat(),
        "confidence": item.confidence,
    }


def readiness_data(result: Readiness, kb: KnowledgeBase, lang: str = "en") -> dict[str, Any]:
    """Everything ``crossroads readiness`` shows, as JSON-ready data (readiness/v1)."""
    planning = planning_for(kb)
    steps = []
    for score in result.steps:
        gaps = []
        for gap in score.gaps:
            gaps.append(
                {"kind": gap.kind, "key": gap.key, "text": gap_text(kb, planning, gap, lang)}
            )
        steps.append(
            {
                "step": score.step,
                "name": score.name.get(lang),
                "known": score.known,
                "total": score.total,
                "percent": score.percent,
                "gaps": gaps,
            }
        )
    place = result.jurisdiction
    return {
        "schema": READINESS_SCHEMA_ID,
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "lang": lang,
        "assessment_date": str(result.facts.assessment_date),
        "jurisdiction": place,
        "jurisdiction_label": kb.phrase(f"ui.jurisdiction.{place}", lang) if place else None,
        "treatment_country": result.treatment_country,
        "cross_border": result.cross_border,
        "items": [_item_data(planning, s, lang) for s in result.items],
        "steps": steps,
        "urgent": kb.phrase("urgent", lang),
        "notice": kb.phrase("not_replace", lang),
    }


__all__ = [
    "READINESS_SCHEMA_ID",
    "Gap",
    "ItemStatus",
    "Readiness",
    "StepScore",
    "cross_border",
    "field_value",
    "gap_text",
    "readiness",
    "readiness_data",
    "treatment_place",
]
