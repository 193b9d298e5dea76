"""Step 4: the timeline from referral to recovery, set against how fast the disease is moving.

Each step's length is a cited day range from the knowledge base (``kb/data/timeline.yaml``,
product ``vein_to_vein`` facts, ``logistics.yaml``), so every milestone is an interval of days
after day 0 (the referral) and every date is an earliest-latest range: uncertainty in the sources
widens the range rather than being hidden. A partial ``--start`` date widens it too.

The tempo rules ("may not wait", "bridging therapy likely") are criteria in the rules language over
the derived facts plus the timeline's own numbers, so they answer true, false or unknown with a
trace, and an unknown names the fact that would settle it. They raise questions for the team; they
never decide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crossroads.common.dates import Interval, PartialDate
from crossroads.common.errors import BadOptionError, UnknownProductError
from crossroads.common.messages import close_matches
from crossroads.common.values import FactValue, Tri
from crossroads.engine.classify import classify_facts
from crossroads.engine.explain import ask_for, leaf_sentence
from crossroads.kb import Jurisdiction, KnowledgeBase, normalise_name
from crossroads.kb.models import Cited, Product, Text
from crossroads.kb.places import parse_jurisdiction
from crossroads.kb.planning import (
    CitedText,
    LDSchedule,
    Planning,
    RestrictionStep,
    TempoRule,
    logistics_fact,
    planning_for,
)
from crossroads.logic.facts import CaseFacts, derive_facts
from crossroads.logic.rules import Leaf, Trace, Unsettled
from crossroads.record.case import Case

TIMELINE_SCHEMA_ID = "crossroads.timeline/v1"
ProductStatus = Literal["on_label", "needs_information", "not_on_label", "not_approved_here"]
Origin = Literal["product", "logistics", "timeline"]


@dataclass(frozen=True, slots=True)
class Basis:
    """The cited fact a milestone's timing or text came from, and which file holds it."""

    id: str
    text: Text
    source: str
    as_of: dt.date
    confidence: str
    flag: Text | str | None
    origin: Origin

    @classmethod
    def of(cls, fact: Cited, ident: str, text: Text, origin: Origin) -> Basis:
        return cls(ident, text, fact.source, fact.as_of, fact.confidence, fact.flag, origin)

    def flag_text(self, lang: str = "en") -> str | None:
        return self.flag.get(lang) if isinstance(self.flag, Text) else self.flag


@dataclass(frozen=True, slots=True)
class DateRange:
    earliest: dt.date
    latest: dt.date


@dataclass(frozen=True, slots=True)
class Milestone:
    """One step of the process; ``start``/``end`` are days after day 0, or None if undated."""

    id: str
    name: Text
    text: Text
    start: Interval | None
    end: Interval | None
    basis: tuple[Basis, ...]
    notes: tuple[Basis, ...] = ()

    @property
    def dated(self) -> bool:
        return self.start is not None and self.end is not None


@dataclass(frozen=True, slots=True)
class Flag:
    """A tempo rule evaluated for this case: raised (True), not raised (False) or unknown."""

    rule: TempoRule
    trace: Trace

    @property
    def result(self) -> Tri:
        return self.trace.result


@dataclass(frozen=True, slots=True)
class ProductChoice:
    product: Product
    status: ProductStatus


@dataclass(frozen=True)
class Timeline:
    """The built timeline of one case in one jurisdiction."""

    jurisdiction: Jurisdiction
    start: PartialDate
    start_given: bool
    made_on: dt.date
    chosen: ProductChoice | None
    products_used: tuple[Product, ...]
    milestones: tuple[Milestone, ...]
    flags: tuple[Flag, ...]
    numbers: dict[str, Interval]
    facts: CaseFacts
    kb_version: str
    case_key: str

    def dates(self, offsets: Interval) -> DateRange:
        """Day offsets as calendar dates; a partial start date widens the latest side."""
        base = self.start.earliest
        spread = (self.start.latest - base).days
        return DateRange(
            base + dt.timedelta(days=offsets.low),
            base + dt.timedelta(days=offsets.high + spread),
        )

    def milestone(self, ident: str) -> Milestone:
        return next(m for m in self.milestones if m.id == ident)

    def flag(self, rule_id: str) -> Flag:
        return next(f for f in self.flags if f.rule.id == rule_id)


# -- inputs -----------------------------------------------------------------------------------
def parse_start(value: str | dt.date | PartialDate) -> PartialDate:
    """Read a ``--start`` date (YYYY, YYYY-MM or YYYY-MM-DD); an impossible one is a user error."""
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise BadOptionError(f"--start: {exc}.") from None


def _names(product: Product) -> set[str]:
    names = {product.code, product.short, *product.brand.values()}
    if product.name_zh:
        names.add(product.name_zh)
    for brand in product.brand.values():  # "奕凯达 (Yikaida)" is also "奕凯达" and "Yikaida"
        head, _, tail = brand.partition("(")
        names |= {head.strip(), tail.rstrip(")").strip()}
    return {normalise_name(n) for n in names if n.strip()}


def resolve_product(kb: KnowledgeBase, name: str) -> Product:
    """The product a generic name, short name, brand or Chinese name stands for."""
    wanted = normalise_name(name)
    for product in kb.products.values():
        if wanted in _names(product):
            return product
    choices = sorted(
        {n for p in kb.products.values() for n in (p.code, p.short, *p.brand.values())}
    )
    lowered = {c.lower(): c for c in choices}
    matches = [lowered[m] for m in close_matches(name.strip().lower(), lowered)]
    hint = (
        f"Did you mean {', '.join(repr(m) for m in matches)}?"
        if matches
        else "See `crossroads kb list` for the names."
    )
    raise UnknownProductError(
        f"--product: '{name}' is not a CAR-T product in the knowledge base. {hint}"
    )


def case_key(case: Case) -> str:
    """A stable key for one person's case that reveals nothing: a hash of identity fields.

    Calendar event ids use it, so that re-exporting a plan updates the same events.
    """
    patient = case.patient
    identity: dict[str, Any] = {
        "name": patient.name,
        "birth": str(patient.birth_date) if patient.birth_date else None,
        "numbers": [n.value for n in patient.record_numbers],
        "diagnosed": str(case.diagnosis.diagnosed) if case.diagnosis.diagnosed else None,
        "disease": case.diagnosis.disease,
    }
    if not any(identity.values()):
        identity = {"lines": [line.model_dump(mode="json") for line in case.lines or []]}
    text = json.dumps(identity, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# -- arithmetic on day intervals ----------------------------------------------------------------
def _add(a: Interval, b: Interval) -> Interval:
    return Interval(a.low + b.low, a.high + b.high)


def _shift(a: Interval, days: int) -> Interval:
    return Interval(a.low + days, a.high + days)


def _envelope(items: Iterable[Interval]) -> Interval:
    found = list(items)
    return Interval(min(i.low for i in found), max(i.high for i in found))


# -- knowledge look-ups -------------------------------------------------------------------------
def _status(product: Product, statuses: Sequence[str], jurisdiction: Jurisdiction) -> ProductStatus:
    if "on_label" in statuses:
        return "on_label"
    if "needs_information" in statuses:
        return "needs_information"
    if any(i.jurisdiction == jurisdiction for i in product.indications):
        return "not_on_label"
    return "not_approved_here"


def _vein_to_vein(
    kb: KnowledgeBase, planning: Planning, product: Product | None, jurisdiction: Jurisdiction
) -> tuple[Interval, Basis]:
    """The product's own figure where one applies here, else the jurisdiction's fallback."""
    if product is not None:
        for fact in product.facts:
            if fact.topic == "vein_to_vein" and jurisdiction in fact.jurisdictions and fact.days:
                return Interval(fact.days[0], fact.days[-1]), Basis.of(
                    fact, fact.id, fact.text, "product"
                )
    fallback = planning.timeline.manufacturing.fallback[jurisdiction]
    if fallback.span is not None:
        span = fallback.span
        return span.interval, Basis.of(span, span.id, span.text, "timeline")
    assert fallback.logistics is not None
    found = logistics_fact(kb, fallback.logistics)
    if found is None or not found.days:
        raise KeyError(f"logistics fact {fallback.logistics!r} is missing or has no days")
    return Interval(found.days[0], found.days[-1]), Basis.of(
        found, found.id, found.text, "logistics"
    )


def _schedules(
    planning: Planning, product: Product | None, disease: str | None
) -> list[LDSchedule]:
    """The conditioning schedule(s) of a product; all of its variants if the disease is unknown."""
    step = planning.timeline.lymphodepletion
    own = [s for s in step.by_product if product is not None and s.product == product.code]
    if not own:
        return [step.default]
    general = [s for s in own if not s.diseases]
    matching = [s for s in own if disease in s.diseases]
    if matching:
        return matching
    if general:
        return general
    return own if disease is None else [step.default]


def _restriction(
    kb: KnowledgeBase, step: RestrictionStep, jurisdiction: Jurisdiction, infusion: Interval
) -> Milestone:
    fact_id = step.logistics.get(jurisdiction)
    fact = logistics_fact(kb, fact_id) if fact_id else None
    if fact is None or fact.weeks is None:
        note = step.missing.get(jurisdiction)
        basis = (Basis.of(note, note.id, note.text, "timeline"),) if note else ()
        return Milestone(step.id, step.name, step.text, None, None, basis)
    days = round(fact.weeks * 7)
    basis = (Basis.of(fact, fact.id, fact.text, "logistics"),)
    return Milestone(step.id, step.name, step.text, infusion, _shift(infusion, days), basis)


def _note(fact: CitedText) -> Basis:
    return Basis.of(fact, fact.id, fact.text, "timeline")


# -- building -----------------------------------------------------------------------------------
def _products(
    kb: KnowledgeBase,
    case: Case,
    facts: CaseFacts,
    jurisdiction: Jurisdiction,
    product: str | None,
) -> tuple[ProductChoice | None, tuple[Product, ...]]:
    classification = classify_facts(case, facts, kb, [jurisdiction])
    statuses: dict[str, list[str]] = {}
    for ind in classification.jurisdictions[0].indications:
        statuses.setdefault(ind.product_code, []).append(ind.status)
    if product is not None:
        found = resolve_product(kb, product)
        status = _status(found, statuses.get(found.code, []), jurisdiction)
        return ProductChoice(found, status), (found,)
    for wanted in ("on_label", "needs_information"):
        codes = sorted(code for code, s in statuses.items() if wanted in s)
        if codes:
            return None, tuple(kb.products[c] for c in codes)
    return None, ()


def build_timeline(
    case: Case,
    kb: KnowledgeBase,
    jurisdiction: str,
    start: str | dt.date | PartialDate | None = None,
    product: str | None = None,
    *,
    today: dt.date | None = None,
) -> Timeline:
    """The milestones, with day ranges and their sources, and the tempo flags for one place.

    ``start`` is day 0, the referral (default: ``today``). ``product`` may be any name of a
    product; without one, the ranges cover every product on label for the case here (else every
    product that may be, once missing facts are known; else the class figures of the place). A
    product not on label for the case is allowed; the timeline says so.
    """
    place = parse_jurisdiction(jurisdiction)
    made_on = today or dt.date.today()
    day0 = parse_start(start) if start is not None else PartialDate.parse(made_on)
    planning = planning_for(kb)
    tl = planning.timeline
    facts = derive_facts(case, kb.classes_of, PartialDate.parse(made_on))
    chosen, used = _products(kb, case, facts, place, product)
    disease = facts.values["disease"] if isinstance(facts.values["disease"], str) else None

    referral = Interval(0, 0)
    consult_span = tl.consult.span(place)
    consult = _add(referral, consult_span.interval)
    apheresis_span = tl.apheresis.span(place)
    apheresis = _add(consult, apheresis_span.interval)

    v2v_found = [_vein_to_vein(kb, planning, p, place) for p in used] or [
        _vein_to_vein(kb, planning, None, place)
    ]
    v2v = _envelope(i for i, _ in v2v_found)
    v2v_basis = _unique(b for _, b in v2v_found)
    infusion = _add(apheresis, v2v)

    schedules = _unique_schedules(
        s for p in (used or (None,)) for s in _schedules(planning, p, disease)
    )
    # Relative to the infusion: the last chemo day is ``gap`` days before, the first is
    # ``duration - 1`` days before that.
    ld_last = _envelope(Interval(-s.gap.high, -s.gap.low) for s in schedules)
    ld_first = _envelope(
        Interval(-s.gap.high - s.duration_days + 1, -s.gap.low - s.duration_days + 1)
        for s in schedules
    )
    ld_start, ld_end = _add(infusion, ld_first), _add(infusion, ld_last)
    bridging_start, bridging_end = _shift(apheresis, 1), _shift(ld_start, -1)

    manufacturing_notes = tuple(_note(n) for j, n in tl.manufacturing.notes.items() if j == place)
    milestones = [
        Milestone(
            tl.referral.id,
            tl.referral.name,
            tl.referral.text,
            referral,
            referral,
            (_note(tl.referral.basis),),
        ),
        Milestone(
            tl.consult.id,
            tl.consult.name,
            tl.consult.text,
            consult,
            consult,
            (_note(consult_span),),
        ),
        Milestone(
            tl.apheresis.id,
            tl.apheresis.name,
            tl.apheresis.text,
            apheresis,
            apheresis,
            (_note(apheresis_span),),
        ),
        Milestone(
            tl.manufacturing.id,
            tl.manufacturing.name,
            tl.manufacturing.text,
            apheresis,
            infusion,
            v2v_basis,
            (*manufacturing_notes, _note(tl.manufacturing.risk)),
        ),
        Milestone(
            tl.bridging.id,
            tl.bridging.name,
            tl.bridging.text,
            bridging_start,
            bridging_end,
            (_note(tl.bridging.basis),),
        ),
        Milestone(
            tl.lymphodepletion.id,
            tl.lymphodepletion.name,
            tl.lymphodepletion.text,
            ld_start,
            ld_end,
            tuple(_note(s) for s in schedules),
        ),
        Milestone(
            tl.infusion.id,
            tl.infusion.name,
            tl.infusion.text,
            infusion,
            infusion,
            (_note(tl.infusion.basis),),
        ),
        _restriction(kb, tl.stay_near_centre, place, infusion),
        _restriction(kb, tl.driving, place, infusion),
    ]
    for follow in tl.follow_up:
        span = follow.interval
        milestones.append(
            Milestone(
                follow.id,
                follow.name,
                follow.text,
                _shift(infusion, span.low),
                _shift(infusion, span.high),
                (_note(follow),),
            )
        )
    milestones.append(
        Milestone(
            tl.long_term.id,
            tl.long_term.name,
            tl.long_term.text,
            None,
            None,
            (_note(tl.long_term.basis),),
        )
    )

    numbers = {
        "days_to_infusion": infusion,
        "days_vein_to_vein": v2v,
        "days_apheresis_to_lymphodepletion": _add(v2v, ld_first),
    }
    values: dict[str, FactValue] = {**facts.values, **numbers}
    flags = tuple(Flag(rule, node.evaluate(values)) for rule, node in planning.rules)
    return Timeline(
        jurisdiction=place,
        start=day0,
        start_given=start is not None,
        made_on=made_on,
        chosen=chosen,
        products_used=used,
        milestones=tuple(milestones),
        flags=flags,
        numbers=numbers,
        facts=facts,
        kb_version=kb.release.version,
        case_key=case_key(case),
    )


def _unique(items: Iterable[Basis]) -> tuple[Basis, ...]:
    out: dict[str, Basis] = {}
    for item in items:
        out.setdefault(item.id, item)
    return tuple(out.values())


def _unique_schedules(items: Iterable[LDSchedule]) -> list[LDSchedule]:
    out: dict[str, LDSchedule] = {}
    for item in items:
        out.setdefault(item.id, item)
    return list(out.values())


# -- explaining ---------------------------------------------------------------------------------
def _days_text(planning: Planning, code: str, value: Interval, lang: str) -> str:
    fact = planning.timeline_fact(code)
    unit = fact.unit.get(lang) if fact else ""
    text = str(value).replace(" to ", " 至 ") if lang.startswith("zh") else str(value)
    return f"{text} {unit}".strip()


def _timeline_leaf(
    kb: KnowledgeBase, planning: Planning, trace: Trace, negated: bool, lang: str
) -> str:
    node = trace.node
    assert isinstance(node, Leaf)
    fact = planning.timeline_fact(node.fact)
    assert fact is not None
    bound = _days_text(planning, node.fact, Interval(int(node.value), int(node.value)), lang)
    condition = kb.phrase(f"op.{node.op}", lang, value=bound)
    head = kb.phrase(
        "reason.must_not" if negated else "reason.needs",
        lang,
        fact=fact.name.get(lang),
        condition=condition,
    )
    actual = trace.actual
    shown = (
        _days_text(planning, node.fact, actual, lang)
        if isinstance(actual, Interval)
        else kb.phrase("reason.unknown_value", lang)
    )
    result = trace.result if not negated or trace.result is None else not trace.result
    verdict = kb.phrase(
        {True: "verdict.true", False: "verdict.false", None: "verdict.none"}[result], lang
    )
    value = kb.phrase("reason.case_value", lang, value=shown)
    if lang.startswith("zh"):
        return f"{head}；{value}（{verdict}）"
    return f"{head}; {value} ({verdict})"


def flag_reasons(kb: KnowledgeBase, planning: Planning, flag: Flag, lang: str) -> list[str]:
    """The sentences that explain a flag: the tests that raised it, failed, or are undecided."""
    out = []
    for trace, negated in flag.trace.decisive():
        node = trace.node
        if isinstance(node, Leaf) and planning.timeline_fact(node.fact) is not None:
            out.append(_timeline_leaf(kb, planning, trace, negated, lang))
        else:
            out.append(leaf_sentence(kb, trace, negated, lang))
    return out


def flag_needs(kb: KnowledgeBase, flag: Flag) -> list[str]:
    """Fact codes that would settle an unknown flag."""
    if flag.result is not None:
        return []
    out: list[str] = []
    for trace, _ in flag.trace.decisive():
        node = trace.node
        if isinstance(node, Leaf) and node.fact in kb.facts and node.fact not in out:
            out.append(node.fact)
        elif isinstance(node, Unsettled):  # pragma: no cover - tempo rules use no unsettled
            continue
    return out


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
            {"product": p.code, "short": p.short, "brand": p.brand.get(tl.jurisdiction)}
            for p in tl.products_used
        ],
        "numbers": {k: [v.low, v.high] for k, v in tl.numbers.items()},
        "flags": flags,
        "milestones": milestones,
        "urgent": kb.phrase("urgent", lang),
        "notice": kb.phrase("not_replace", lang),
    }


__all__ = [
    "TIMELINE_SCHEMA_ID",
    "Basis",
    "DateRange",
    "Flag",
    "Milestone",
    "ProductChoice",
    "Timeline",
    "build_timeline",
    "case_key",
    "flag_needs",
    "flag_reasons",
    "parse_jurisdiction",
    "parse_start",
    "resolve_product",
    "timeline_data",
    "when_text",
]
