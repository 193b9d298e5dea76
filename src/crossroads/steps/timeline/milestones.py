"""The milestones from referral to long-term follow-up, each a range of days after day 0.

Referral, first visit and cell collection add up; the infusion follows one vein-to-vein time
after collection; conditioning chemo is counted back from the infusion; bridging fills the gap
between collection and conditioning; the restrictions and follow-up visits count on from the
infusion. The numbers that tempo rules may test (``days_to_infusion`` and so on) come out too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crossroads.common.dates import Interval
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.kb.models import Product
from crossroads.kb.planning import Planning
from crossroads.steps.timeline.days import add, envelope, shift
from crossroads.steps.timeline.logistics import (
    note,
    restriction,
    schedules,
    unique_schedules,
    vein_to_vein,
)
from crossroads.steps.timeline.model import Basis, Milestone


@dataclass(frozen=True, slots=True)
class Plan:
    """The milestones in order, and the timeline numbers tempo rules may test."""

    milestones: tuple[Milestone, ...]
    numbers: dict[str, Interval]


def _unique(items: Iterable[Basis]) -> tuple[Basis, ...]:
    out: dict[str, Basis] = {}
    for item in items:
        out.setdefault(item.id, item)
    return tuple(out.values())


def plan_milestones(
    kb: KnowledgeBase,
    planning: Planning,
    place: Jurisdiction,
    used: tuple[Product, ...],
    disease: str | None,
) -> Plan:
    """Every milestone for these products here; without products, the place's class figures."""
    tl = planning.timeline
    referral = Interval(0, 0)
    consult_span = tl.consult.span(place)
    consult = add(referral, consult_span.interval)
    apheresis_span = tl.apheresis.span(place)
    apheresis = add(consult, apheresis_span.interval)

    v2v_found = [vein_to_vein(kb, planning, p, place) for p in used] or [
        vein_to_vein(kb, planning, None, place)
    ]
    v2v = envelope(i for i, _ in v2v_found)
    v2v_basis = _unique(b for _, b in v2v_found)
    infusion = add(apheresis, v2v)

    chosen = unique_schedules(s for p in (used or (None,)) for s in schedules(planning, p, disease))
    # Relative to the infusion: the last chemo day is ``gap`` days before, the first is
    # ``duration - 1`` days before that.
    ld_last = envelope(Interval(-s.gap.high, -s.gap.low) for s in chosen)
    ld_first = envelope(
        Interval(-s.gap.high - s.duration_days + 1, -s.gap.low - s.duration_days + 1)
        for s in chosen
    )
    ld_start, ld_end = add(infusion, ld_first), add(infusion, ld_last)
    bridging_start, bridging_end = shift(apheresis, 1), shift(ld_start, -1)

    manufacturing_notes = tuple(note(n) for j, n in tl.manufacturing.notes.items() if j == place)
    milestones = [
        Milestone(
            tl.referral.id,
            tl.referral.name,
            tl.referral.text,
            referral,
            referral,
            (note(tl.referral.basis),),
        ),
        Milestone(
            tl.consult.id, tl.consult.name, tl.consult.text, consult, consult, (note(consult_span),)
        ),
        Milestone(
            tl.apheresis.id,
            tl.apheresis.name,
            tl.apheresis.text,
            apheresis,
            apheresis,
            (note(apheresis_span),),
        ),
        Milestone(
            tl.manufacturing.id,
            tl.manufacturing.name,
            tl.manufacturing.text,
            apheresis,
            infusion,
            v2v_basis,
            (*manufacturing_notes, note(tl.manufacturing.risk)),
        ),
        Milestone(
            tl.bridging.id,
            tl.bridging.name,
            tl.bridging.text,
            bridging_start,
            bridging_end,
            (note(tl.bridging.basis),),
        ),
        Milestone(
            tl.lymphodepletion.id,
            tl.lymphodepletion.name,
            tl.lymphodepletion.text,
            ld_start,
            ld_end,
            tuple(note(s) for s in chosen),
        ),
        Milestone(
            tl.infusion.id,
            tl.infusion.name,
            tl.infusion.text,
            infusion,
            infusion,
            (note(tl.infusion.basis),),
        ),
        restriction(kb, tl.stay_near_centre, place, infusion),
        restriction(kb, tl.driving, place, infusion),
    ]
    for follow in tl.follow_up:
        span = follow.interval
        milestones.append(
            Milestone(
                follow.id,
                follow.name,
                follow.text,
                shift(infusion, span.low),
                shift(infusion, span.high),
                (note(follow),),
            )
        )
    milestones.append(
        Milestone(
            tl.long_term.id,
            tl.long_term.name,
            tl.long_term.text,
            None,
            None,
            (note(tl.long_term.basis),),
        )
    )
    numbers = {
        "days_to_infusion": infusion,
        "days_vein_to_vein": v2v,
        "days_apheresis_to_lymphodepletion": add(v2v, ld_first),
    }
    return Plan(tuple(milestones), numbers)
