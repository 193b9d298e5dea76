"""Planning data: the process timeline, tempo rules, readiness checklists and action templates.

These live in ``kb/data/timeline.yaml`` and ``kb/data/checklists.yaml``, apart from the
eligibility data, because they feed steps 4 and 6 (timing, readiness, next steps) rather than
classification. Every day range and rule is cited like any other knowledge-base fact; values that
``logistics.yaml`` or a product file already holds are referenced by id, never copied, so that a
fact changes in one place only. :func:`findings` checks those references and the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from crossroads.common.dates import Interval
from crossroads.kb.base import (
    DATA_DIR,
    KnowledgeBase,
    compile_data_criterion,
    entry,
    read_model,
)
from crossroads.kb.check import Finding, cited_findings, duplicate_ids, satisfiable
from crossroads.kb.loader import cached
from crossroads.kb.models import Cited, Data, Jurisdiction, LogisticsFact, Text
from crossroads.logic.rules import Node
from crossroads.record.case import Case

Owner = Literal["patient", "caregiver", "coordinator", "reviewer", "treating_team"]


def _span(days: list[int], where: str) -> list[int]:
    if not 1 <= len(days) <= 2:
        raise ValueError(f"{where} needs one day count or [low, high]")
    if days[0] < 0 or days[-1] < days[0]:
        raise ValueError(f"{where} must be [low, high] with 0 <= low <= high")
    return days


class CitedText(Cited):
    """A cited statement with an id, shown next to the milestone it explains."""

    id: str
    text: Text


class DaySpan(CitedText):
    """A cited number of days, exact or ``[low, high]``."""

    days: list[int]

    @model_validator(mode="after")
    def _check(self) -> DaySpan:
        _span(self.days, "days")
        return self

    @property
    def interval(self) -> Interval:
        return Interval(self.days[0], self.days[-1])


class TimelineFactDef(Data):
    """A number the timeline computes, that tempo rules may test like a derived fact."""

    code: str
    kind: Literal["number"]
    name: Text
    unit: Text


class NoteStep(Data):
    """A milestone whose timing follows from others; ``basis`` says what it rests on."""

    id: str
    name: Text
    text: Text
    basis: CitedText


class GapStep(Data):
    """A milestone that follows the previous one after a cited number of days."""

    id: str
    name: Text
    text: Text
    after: DaySpan
    by_jurisdiction: dict[Jurisdiction, DaySpan] = Field(default_factory=dict)

    def span(self, jurisdiction: Jurisdiction) -> DaySpan:
        return self.by_jurisdiction.get(jurisdiction, self.after)


class V2VFallback(Data):
    """Vein-to-vein time when no product fact applies: a logistics.yaml id or a cited span."""

    logistics: str | None = None
    span: DaySpan | None = None

    @model_validator(mode="after")
    def _one(self) -> V2VFallback:
        if (self.logistics is None) == (self.span is None):
            raise ValueError("give exactly one of logistics (an id) or span")
        return self


class ManufacturingStep(Data):
    id: str
    name: Text
    text: Text
    product_topic: Literal["vein_to_vein"] = "vein_to_vein"
    fallback: dict[Jurisdiction, V2VFallback]
    notes: dict[Jurisdiction, CitedText] = Field(default_factory=dict)
    risk: CitedText


class LDSchedule(CitedText):
    """Conditioning chemo: ``duration_days`` of chemo ending ``gap_days`` before the infusion."""

    product: str | None = None
    diseases: list[str] = Field(default_factory=list)
    duration_days: int = Field(ge=1, le=14)
    gap_days: list[int]

    @model_validator(mode="after")
    def _check(self) -> LDSchedule:
        _span(self.gap_days, "gap_days")
        return self

    @property
    def gap(self) -> Interval:
        return Interval(self.gap_days[0], self.gap_days[-1])


class LDStep(Data):
    id: str
    name: Text
    text: Text
    default: LDSchedule
    by_product: list[LDSchedule]


class RestrictionStep(Data):
    """A period after the infusion whose length is a logistics.yaml fact of each jurisdiction."""

    id: str
    name: Text
    text: Text
    logistics: dict[Jurisdiction, str]
    missing: dict[Jurisdiction, CitedText] = Field(default_factory=dict)


class FollowUp(CitedText):
    name: Text
    after_infusion_days: list[int]

    @model_validator(mode="after")
    def _check(self) -> FollowUp:
        _span(self.after_infusion_days, "after_infusion_days")
        return self

    @property
    def interval(self) -> Interval:
        return Interval(self.after_infusion_days[0], self.after_infusion_days[-1])


class TempoRule(Cited):
    """A flag about disease tempo, as a criterion over derived facts and timeline numbers."""

    id: str
    name: Text
    text: Text
    when: dict[str, Any]


class Header(Data):
    release: str
    as_of: dt.date


class TimelineData(Data):
    header: Header
    facts: list[TimelineFactDef]
    referral: NoteStep
    consult: GapStep
    apheresis: GapStep
    manufacturing: ManufacturingStep
    bridging: NoteStep
    lymphodepletion: LDStep
    infusion: NoteStep
    stay_near_centre: RestrictionStep
    driving: RestrictionStep
    follow_up: list[FollowUp]
    long_term: NoteStep
    rules: list[TempoRule]
    labels: dict[str, Text]


class ChecklistItem(Cited):
    """One thing to hold or arrange, mapped to one case field (``records.*``/``logistics.*``)."""

    id: str
    group: Literal["records", "practical"]
    field: str
    step: int = Field(ge=1, le=6)
    name: Text
    why: Text
    ask: Text
    kind: Literal["bool", "weeks"] = "bool"
    weeks_from: Literal["stay_near_centre"] | None = None
    ready_when: bool = True
    only_cross_border: bool = False
    owner: Owner = "caregiver"

    @model_validator(mode="after")
    def _check(self) -> ChecklistItem:
        if (self.kind == "weeks") != (self.weeks_from is not None):
            raise ValueError("a weeks item needs weeks_from, and only a weeks item has one")
        return self


class StepPart(Data):
    kind: Literal["critical_facts", "checklist", "jurisdictions_decided", "field", "fact"]
    group: Literal["records", "practical"] | None = None
    path: str | None = None
    code: str | None = None

    @model_validator(mode="after")
    def _check(self) -> StepPart:
        needs = {"checklist": "group", "field": "path", "fact": "code"}.get(self.kind)
        if needs and getattr(self, needs) is None:
            raise ValueError(f"a {self.kind} part needs {needs}")
        return self


class JourneyStep(Data):
    step: int = Field(ge=1, le=6)
    name: Text
    parts: list[StepPart]


class DueDays(Data):
    normal: int = Field(ge=0, le=365)
    urgent: int = Field(ge=0, le=365)


class ActionTemplate(Cited):
    id: str
    kind: Literal["per_record", "per_missing_fact", "per_practical", "practical_check", "once"]
    owner: Owner
    due_days: DueDays
    title: Text


class ChecklistData(Data):
    header: Header
    items: list[ChecklistItem]
    eu_countries: list[str]
    steps: list[JourneyStep]
    actions: list[ActionTemplate]
    labels: dict[str, Text]


@dataclass(frozen=True)
class Planning:
    """Both planning files, validated, with the tempo rules compiled."""

    timeline: TimelineData
    checklists: ChecklistData
    rules: tuple[tuple[TempoRule, Node], ...]

    def label(self, key: str, lang: str = "en", **values: object) -> str:
        """A UI phrase from either file (timeline labels first)."""
        text = self.timeline.labels.get(key) or entry(
            self.checklists.labels, key, "timeline.yaml or checklists.yaml", "label"
        )
        found = text.get(lang)
        return found.format(**values) if values else found

    def fact_kinds(self) -> dict[str, str]:
        return {f.code: f.kind for f in self.timeline.facts}

    def timeline_fact(self, code: str) -> TimelineFactDef | None:
        return next((f for f in self.timeline.facts if f.code == code), None)


def load_planning(kinds: Mapping[str, str], data_dir: Path | None = None) -> Planning:
    """Load (once per process and file version) the planning data, compiling the tempo rules.

    ``kinds`` are the derived facts' kinds from the knowledge base; the rules may also test the
    timeline numbers the file itself declares.
    """
    data_dir = data_dir or DATA_DIR
    timeline_path, checklists_path = data_dir / "timeline.yaml", data_dir / "checklists.yaml"
    kinds_key = ",".join(f"{code}:{kind}" for code, kind in sorted(kinds.items()))
    return cached(
        "planning",
        [timeline_path, checklists_path],
        lambda: _build(kinds, timeline_path, checklists_path),
        kinds_key,
    )


def _build(kinds: Mapping[str, str], timeline_path: Path, checklists_path: Path) -> Planning:
    timeline = read_model(timeline_path, TimelineData)
    checklists = read_model(checklists_path, ChecklistData)
    all_kinds = {**kinds, **{f.code: f.kind for f in timeline.facts}}
    compiled = []
    for rule in timeline.rules:
        where = f"timeline.yaml: rules/{rule.id}"
        compiled.append((rule, compile_data_criterion(rule.when, all_kinds, where)))
    return Planning(timeline, checklists, tuple(compiled))


def planning_for(kb: KnowledgeBase) -> Planning:
    """The planning data checked against this knowledge base's fact catalogue."""
    return load_planning({code: f.kind for code, f in kb.facts.items()})


def logistics_fact(kb: KnowledgeBase, fact_id: str) -> LogisticsFact | None:
    return next((f for f in kb.logistics if f.id == fact_id), None)


# -- findings ---------------------------------------------------------------------------------
def _cited(planning: Planning) -> Iterator[tuple[str, Cited]]:
    tl = planning.timeline
    for step in (tl.referral, tl.bridging, tl.infusion, tl.long_term):
        yield f"timeline: {step.id}", step.basis
    for gap in (tl.consult, tl.apheresis):
        yield f"timeline: {gap.id}", gap.after
        for j, span in gap.by_jurisdiction.items():
            yield f"timeline: {gap.id}.{j}", span
    for j, fallback in tl.manufacturing.fallback.items():
        if fallback.span is not None:
            yield f"timeline: manufacturing.fallback.{j}", fallback.span
    for j, note in tl.manufacturing.notes.items():
        yield f"timeline: manufacturing.notes.{j}", note
    yield "timeline: manufacturing.risk", tl.manufacturing.risk
    yield "timeline: lymphodepletion.default", tl.lymphodepletion.default
    for schedule in tl.lymphodepletion.by_product:
        yield f"timeline: {schedule.id}", schedule
    for restriction in (tl.stay_near_centre, tl.driving):
        for j, note in restriction.missing.items():
            yield f"timeline: {restriction.id}.missing.{j}", note
    for follow in tl.follow_up:
        yield f"timeline: {follow.id}", follow
    for rule in tl.rules:
        yield f"timeline: rules/{rule.id}", rule
    for item in planning.checklists.items:
        yield f"checklists: {item.id}", item
    for action in planning.checklists.actions:
        yield f"checklists: actions/{action.id}", action


def _case_field_exists(path: str) -> bool:
    model: type[BaseModel] = Case
    parts = path.split(".")
    for i, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            return False
        if i == len(parts) - 1:
            return True
        annotation = info.annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return False
        model = annotation
    return False


def _check_logistics(kb: KnowledgeBase, planning: Planning) -> list[Finding]:
    found = []
    tl = planning.timeline
    refs: list[tuple[str, str, Jurisdiction, str]] = [
        (f"timeline: {step.id}.{j}", fact_id, j, step.id)
        for step in (tl.stay_near_centre, tl.driving)
        for j, fact_id in step.logistics.items()
    ]
    refs += [
        (f"timeline: manufacturing.fallback.{j}", fb.logistics, j, "manufacturing")
        for j, fb in tl.manufacturing.fallback.items()
        if fb.logistics is not None
    ]
    for where, fact_id, jurisdiction, topic in refs:
        fact = logistics_fact(kb, fact_id)
        if fact is None:
            found.append(Finding("error", where, f"unknown logistics fact id {fact_id!r}"))
            continue
        if fact.topic != topic or fact.jurisdiction != jurisdiction:
            found.append(
                Finding(
                    "error",
                    where,
                    f"{fact_id!r} is about {fact.topic} in {fact.jurisdiction}, "
                    f"not {topic} in {jurisdiction}",
                )
            )
        value_missing = fact.days is None if topic == "manufacturing" else fact.weeks is None
        if value_missing:
            found.append(Finding("error", where, f"{fact_id!r} carries no duration"))
    for step in (tl.stay_near_centre, tl.driving):
        for j in ("US", "EU", "CN"):
            if j not in step.logistics and j not in step.missing:
                found.append(
                    Finding("error", f"timeline: {step.id}", f"no fact and no note for {j}")
                )
    for j in ("US", "EU", "CN"):
        if j not in tl.manufacturing.fallback:
            found.append(Finding("error", "timeline: manufacturing", f"no fallback for {j}"))
    return found


def _check_codes(kb: KnowledgeBase, planning: Planning) -> list[Finding]:
    found = []
    for schedule in planning.timeline.lymphodepletion.by_product:
        where = f"timeline: {schedule.id}"
        if schedule.product not in kb.products:
            found.append(Finding("error", where, f"unknown product {schedule.product!r}"))
        for disease in schedule.diseases:
            if disease not in kb.diseases:
                found.append(Finding("error", where, f"unknown disease code {disease!r}"))
    for fact in planning.timeline.facts:
        if fact.code in kb.facts:
            found.append(
                Finding("error", f"timeline: facts/{fact.code}", "clashes with a derived fact")
            )
    kinds = {**{c: f.kind for c, f in kb.facts.items()}, **planning.fact_kinds()}
    for rule, node in planning.rules:
        if not satisfiable(node, kinds, {}):
            found.append(Finding("error", f"timeline: rules/{rule.id}", "can never be raised"))
    return found


def _check_checklists(kb: KnowledgeBase, planning: Planning) -> list[Finding]:
    found = []
    groups = {item.group for item in planning.checklists.items}
    for item in planning.checklists.items:
        if not item.field.startswith(("records.", "logistics.")):
            found.append(
                Finding("error", f"checklists: {item.id}", "field must be records.* or logistics.*")
            )
        if not _case_field_exists(item.field):
            found.append(
                Finding("error", f"checklists: {item.id}", f"no case field {item.field!r}")
            )
    numbers = sorted(s.step for s in planning.checklists.steps)
    if numbers != [1, 2, 3, 4, 5, 6]:
        found.append(Finding("error", "checklists: steps", f"need steps 1-6 once, got {numbers}"))
    for step in planning.checklists.steps:
        for part in step.parts:
            where = f"checklists: steps/{step.step}"
            if part.kind == "field" and part.path and not _case_field_exists(part.path):
                found.append(Finding("error", where, f"no case field {part.path!r}"))
            if part.kind == "fact" and part.code not in kb.facts:
                found.append(Finding("error", where, f"unknown fact {part.code!r}"))
            if part.kind == "checklist" and part.group not in groups:
                found.append(Finding("error", where, f"no checklist items in {part.group!r}"))
    return found


def findings(
    kb: KnowledgeBase, planning: Planning | None = None, today: dt.date | None = None
) -> list[Finding]:
    """Problems with the planning data: broken references and rules (errors), stale or
    uncertain facts (warnings), in the same form as ``crossroads kb check``."""
    planning = planning or planning_for(kb)
    today = today or dt.date.today()
    cited = list(_cited(planning))
    found = duplicate_ids(cited)
    for where, fact in cited:
        found += cited_findings(where, fact, today)
    found += _check_logistics(kb, planning)
    found += _check_codes(kb, planning)
    found += _check_checklists(kb, planning)
    found.sort(key=lambda f: (f.level != "error", f.where))
    return found


__all__ = [
    "ActionTemplate",
    "ChecklistItem",
    "CitedText",
    "DaySpan",
    "FollowUp",
    "JourneyStep",
    "LDSchedule",
    "Planning",
    "TempoRule",
    "findings",
    "load_planning",
    "logistics_fact",
    "planning_for",
]
