"""Building one case's timeline in one place: which products, which milestones, which flags.

Without a chosen product the ranges cover every product on label for the case here (else every
product that may be, once missing facts are known; else the class figures of the place), so the
plan never pretends to know which product the team will pick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crossroads.common.dates import PartialDate
from crossroads.common.values import FactValue
from crossroads.engine.classify import classify_facts
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.kb.models import Product
from crossroads.kb.places import parse_jurisdiction
from crossroads.kb.planning import planning_for
from crossroads.logic.facts import CaseFacts, derive_facts
from crossroads.record.case import Case
from crossroads.steps.timeline.ids import case_key
from crossroads.steps.timeline.inputs import parse_start, resolve_product
from crossroads.steps.timeline.milestones import plan_milestones
from crossroads.steps.timeline.model import ProductChoice, ProductStatus, Timeline
from crossroads.steps.timeline.tempo import evaluate_flags


def _status(product: Product, statuses: Sequence[str], jurisdiction: Jurisdiction) -> ProductStatus:
    if "on_label" in statuses:
        return "on_label"
    if "needs_information" in statuses:
        return "needs_information"
    if any(i.jurisdiction == jurisdiction for i in product.indications):
        return "not_on_label"
    return "not_approved_here"


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
    facts = derive_facts(case, kb.classes_of, PartialDate.parse(made_on))
    chosen, used = _products(kb, case, facts, place, product)
    disease = facts.values["disease"] if isinstance(facts.values["disease"], str) else None
    plan = plan_milestones(kb, planning, place, used, disease)
    values: dict[str, FactValue] = {**facts.values, **plan.numbers}
    return Timeline(
        jurisdiction=place,
        start=day0,
        start_given=start is not None,
        made_on=made_on,
        chosen=chosen,
        products_used=used,
        milestones=plan.milestones,
        flags=evaluate_flags(planning, values),
        numbers=plan.numbers,
        facts=facts,
        kb_version=kb.release.version,
        case_key=case_key(case),
    )
