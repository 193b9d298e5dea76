"""The timeline's data: milestones with day ranges, the cited facts behind them, tempo flags.

Plain frozen dataclasses, so every other module of the package (and the renderers) shares one
shape and none of them needs to know how the timeline was built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from crossroads.common.dates import Interval, PartialDate
from crossroads.common.values import Tri
from crossroads.kb import Jurisdiction
from crossroads.kb.models import Cited, Product, Text
from crossroads.kb.planning import TempoRule
from crossroads.logic.facts import CaseFacts
from crossroads.logic.rules import Trace

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
    refs: tuple[str, ...] = ()  # the fact's public references (bibliography ids), when named

    @classmethod
    def of(cls, fact: Cited, ident: str, text: Text, origin: Origin) -> Basis:
        return cls(
            ident,
            text,
            fact.source,
            fact.as_of,
            fact.confidence,
            fact.flag,
            origin,
            tuple(fact.refs),
        )

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
