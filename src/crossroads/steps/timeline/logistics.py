"""Where each step's length comes from: product facts, the place's class figures, logistics rules.

Vein-to-vein time prefers the product's own cited figure and falls back to the figure of the
place; the conditioning schedule follows the product and, for some products, the disease; the
weeks near the centre and without driving come from ``logistics.yaml`` per place. Every answer
carries its :class:`Basis`, so an output can name the source of each number.
"""

from __future__ import annotations

from collections.abc import Iterable

from crossroads.common.dates import Interval
from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.kb.models import Product
from crossroads.kb.planning import CitedText, LDSchedule, Planning, RestrictionStep, logistics_fact
from crossroads.steps.timeline.days import shift
from crossroads.steps.timeline.model import Basis, Milestone


def note(fact: CitedText) -> Basis:
    """A cited timeline fact as the basis of a milestone."""
    return Basis.of(fact, fact.id, fact.text, "timeline")


def vein_to_vein(
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
        raise KnowledgeBaseError(
            f"timeline.yaml: manufacturing.fallback.{jurisdiction} names logistics fact "
            f"{fallback.logistics!r}, which is missing from logistics.yaml or has no days. "
            "Run `crossroads kb check`."
        )
    return Interval(found.days[0], found.days[-1]), Basis.of(
        found, found.id, found.text, "logistics"
    )


def schedules(planning: Planning, product: Product | None, disease: str | None) -> list[LDSchedule]:
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


def unique_schedules(items: Iterable[LDSchedule]) -> list[LDSchedule]:
    """Schedules without repeats, first seen first (several products may share one)."""
    out: dict[str, LDSchedule] = {}
    for item in items:
        out.setdefault(item.id, item)
    return list(out.values())


def restriction(
    kb: KnowledgeBase, step: RestrictionStep, jurisdiction: Jurisdiction, infusion: Interval
) -> Milestone:
    """A "stay near the centre" or "no driving" period from the infusion, or undated with why."""
    fact_id = step.logistics.get(jurisdiction)
    fact = logistics_fact(kb, fact_id) if fact_id else None
    if fact is None or fact.weeks is None:
        missing = step.missing.get(jurisdiction)
        basis = (Basis.of(missing, missing.id, missing.text, "timeline"),) if missing else ()
        return Milestone(step.id, step.name, step.text, None, None, basis)
    days = round(fact.weeks * 7)
    basis = (Basis.of(fact, fact.id, fact.text, "logistics"),)
    return Milestone(step.id, step.name, step.text, infusion, shift(infusion, days), basis)
