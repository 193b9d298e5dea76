"""Lines of therapy from dated medicine records, by a published line-of-therapy algorithm.

Why: hospital records list each medicine with its date but never say which medicines formed one
line, and every CAR-T label counts lines. Grouping them is a clinical reading, so Crossroads
follows a published, validated rule set instead of its own judgement: Meng et al. (J Biomed
Inform 2019; refined against blinded chart review in JMIR Med Inform 2021), and for myeloma the
IMWG definitions (Rajkumar et al., Blood 2011 and 2015). Every parameter lives in
``kb/data/lines.yaml`` with its source; the file's header comment states the rules.

Three-valued throughout: a date known only to the month is every day of that month, and a rule
that holds for some of those days and not for others does not decide anything; it makes the
result *unsure*, with the reason. So does a medicine Crossroads could not identify that falls
outside every line (it may be a further line, or a supportive drug), an undated medicine, or a
transplant whose line depends on whether the disease is myeloma when that is not known. An
unidentified medicine inside a line leaves that line's agents unknown (``None``), never a list
that would wrongly say "not exposed". The caller decides what an unsure result means (the FHIR
import leaves the lines unknown and shows what it found).

Pure: no I/O, no FHIR; the input is plain events, the output plain data ready to become the
case's ``lines`` (:meth:`LinesResult.case_lines`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from crossroads.common.dates import PartialDate
from crossroads.kb import KnowledgeBase
from crossroads.kb.lines import LineRules, load_line_rules

LineKind = Literal["systemic", "maintenance"]
ProcedureKind = Literal["autologous", "allogeneic", "cellular"]
Truth = bool | None
_ONGOING = frozenset({"active", "in-progress", "on-hold"})


@dataclass(frozen=True, slots=True)
class MedicineEvent:
    """One dated medicine record: ``agent`` is a drug code, or None when not understood."""

    agent: str | None
    start: PartialDate | None
    end: PartialDate | None = None
    source: str = ""
    status: str | None = None


@dataclass(frozen=True, slots=True)
class ProcedureEvent:
    """A transplant or CAR-T infusion (day 0): not a line, but it shapes the lines around it."""

    kind: ProcedureKind
    date: PartialDate | None
    source: str = ""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a rule fired, as a phrase key (``lines.<key>`` in the FHIR phrase table) and values.

    Values named ``agent``/``agents``/``other`` hold drug codes (comma-separated), so a reader can
    show each drug's name in its language.
    """

    key: str
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, key: str, **values: object) -> Reason:
        return cls(key, tuple((k, str(v)) for k, v in sorted(values.items())))

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)


@dataclass(frozen=True)
class DerivedLine:
    """One line (or the maintenance that belongs to the line before it), with its evidence."""

    kind: LineKind
    agents: tuple[str, ...] | None
    start: PartialDate | None
    end: PartialDate | None
    sources: tuple[str, ...]
    reasons: tuple[Reason, ...]

    def case_line(self) -> dict[str, Any]:
        """The line in the case format (unknown fields left out)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.agents is not None:
            out["agents"] = list(self.agents)
        if self.start is not None:
            out["start"] = str(self.start)
        if self.end is not None:
            out["end"] = str(self.end)
        return out


@dataclass(frozen=True)
class LinesResult:
    """The derived lines, why the grouping is not settled (if it is not), and what was left out."""

    lines: tuple[DerivedLine, ...]
    unsure: tuple[tuple[str, Reason], ...] = ()
    left_out: tuple[tuple[str, Reason], ...] = ()

    @property
    def settled(self) -> bool:
        return not self.unsure

    @property
    def count(self) -> int | None:
        """Systemic lines (the way labels count), or None when the grouping is not settled."""
        if not self.settled:
            return None
        return sum(1 for line in self.lines if line.kind == "systemic")

    def case_lines(self) -> list[dict[str, Any]] | None:
        """The case's ``lines``, or None (unknown) when the grouping is not settled."""
        return [line.case_line() for line in self.lines] if self.settled else None


# -- three-valued day arithmetic ----------------------------------------------------------------
def _days(a: PartialDate, b: PartialDate) -> tuple[int, int]:
    """The fewest and most days from a day of ``a`` to a day of ``b``."""
    return (b.earliest - a.latest).days, (b.latest - a.earliest).days


def _more_than(a: PartialDate, b: PartialDate, limit: int) -> Truth:
    """Is ``b`` more than ``limit`` days after ``a``? None when the dates allow both."""
    if (b.earliest - a.latest).days > limit:  # the fewest days (high is not needed then)
        return True
    if (b.latest - a.earliest).days <= limit:  # the most days
        return False
    return None


def _within(a: PartialDate, b: PartialDate, low_limit: int, high_limit: int) -> Truth:
    """Is ``b`` between ``low_limit`` and ``high_limit`` days after ``a`` (both included)?"""
    low, high = _days(a, b)
    if low >= low_limit and high <= high_limit:
        return True
    if high < low_limit or low > high_limit:
        return False
    return None


def _later(a: PartialDate, b: PartialDate) -> PartialDate:
    """The later of two dates by last day, then by first day (``b`` only when strictly later)."""
    last_a, last_b = a.latest, b.latest
    if last_a != last_b:
        return b if last_b > last_a else a
    return b if b.earliest > a.earliest else a


def _plus(date: PartialDate, days: int) -> PartialDate:
    """A day ``days`` after the last day ``date`` allows (an exact day)."""
    return PartialDate.parse(date.latest + dt.timedelta(days=days))


# -- the working state --------------------------------------------------------------------------
@dataclass
class _Item:
    """A medicine or procedure on the time line, in its role for the rules."""

    date: PartialDate
    end: PartialDate | None
    agent: str | None
    source: str
    ongoing: bool = False
    procedure: ProcedureKind | None = None

    @property
    def last(self) -> PartialDate:
        return self.end or self.date

    def key(self) -> tuple[Any, ...]:
        return (
            self.date.earliest,
            self.date.latest,
            self.procedure or "",
            self.agent or "",
            self.source,
            str(self.end),
            self.ongoing,
        )


@dataclass
class _Line:
    start: PartialDate
    items: list[_Item] = field(default_factory=list)
    regimen: set[str] = field(default_factory=set)
    transplants: list[PartialDate] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    kind: LineKind = "systemic"
    extra_agents: list[str] = field(default_factory=list)  # steroids, conditioning
    extra_sources: list[str] = field(default_factory=list)
    unknown: int = 0  # medicines not identified that belong to this line

    _last: PartialDate | None = None
    _ongoing: bool = False

    def add(self, item: _Item) -> None:
        """Append an item, keeping the line's last day and open state current."""
        self.items.append(item)
        self._last = _later(self.last, item.last)
        self._ongoing = self._ongoing or item.ongoing

    def reset(self, items: list[_Item]) -> None:
        self.items, self._last, self._ongoing = [], None, False
        for item in items:
            self.add(item)

    @property
    def last(self) -> PartialDate:
        return self._last or self.start

    @property
    def ongoing(self) -> bool:
        return self._ongoing


@dataclass
class _Run:
    """One pass of the rules over one patient's events."""

    rules: LineRules
    myeloma: bool
    lines: list[_Line] = field(default_factory=list)
    unsure: list[tuple[str, Reason]] = field(default_factory=list)
    left_out: list[tuple[str, Reason]] = field(default_factory=list)
    spans: list[tuple[_Line, dt.date, dt.date | None]] | None = None

    @property
    def window(self) -> int:
        return self.rules.data.regimen_window_days.value

    @property
    def gap(self) -> int:
        return self.rules.data.gap_days.value

    def doubt(self, source: str, key: str, **values: object) -> None:
        self.unsure.append((source, Reason.of(key, **values)))

    # -- pass 1: lines from the identified anticancer medicines and the procedures ------------
    def build(self, items: Sequence[_Item]) -> None:
        for item in sorted(items, key=_Item.key):
            if item.procedure is not None:
                self._procedure(item)
            else:
                self._medicine(item)

    def _open(self, item: _Item, reason: Reason) -> _Line:
        line = _Line(start=item.date, reasons=[reason])
        self.lines.append(line)
        return line

    def _current(self, item: _Item) -> _Line | None:
        """The open line if ``item`` comes within the gap rule of it; else None (line closed)."""
        if not self.lines:
            return None
        line = self.lines[-1]
        if line.ongoing:
            return line
        gap = _more_than(line.last, item.date, self.gap)
        if gap is None:
            self.doubt(item.source, "unsure_gap", limit=self.gap, date=item.date)
            return line
        return None if gap else line

    def _medicine(self, item: _Item) -> None:
        agent = item.agent
        assert agent is not None
        line = self._current(item)
        if line is None:
            if self.lines:
                days = _days(self.lines[-1].last, item.date)[0]
                reason = Reason.of("opened_gap", agent=agent, days=days, limit=self.gap)
            else:
                reason = Reason.of("opened_first", agent=agent, date=item.date, window=self.window)
            line = self._open(item, reason)
            line.regimen.add(agent)
        elif agent not in line.regimen:
            self._new_agent(line, item, agent)
            line = self.lines[-1]
        line.add(item)

    def _new_agent(self, line: _Line, item: _Item, agent: str) -> None:
        """A medicine not yet in the line: joins the regimen, or starts the next line."""
        in_window = _within(line.start, item.date, 0, self.window)
        if in_window is None:
            self.doubt(item.source, "unsure_window", agent=agent, limit=self.window)
        if in_window is not False:
            line.regimen.add(agent)
            return
        if not self.myeloma or self.rules.data.myeloma.substitutions_apply.value:
            other = self.rules.substitutes_for(agent, line.regimen)
            if other is not None:
                line.regimen.add(agent)
                line.reasons.append(Reason.of("joined_substitution", agent=agent, other=other))
                return
        if self.myeloma and line.transplants:
            limit = self.rules.data.myeloma.after_transplant_days.value
            after = _within(line.transplants[-1], item.date, 0, limit)
            if after is None:
                self.doubt(item.source, "unsure_after_transplant", agent=agent, limit=limit)
            if after is not False:
                line.regimen.add(agent)
                line.reasons.append(Reason.of("joined_after_transplant", agent=agent, limit=limit))
                return
        new = self._open(
            item, Reason.of("opened_new_agent", agent=agent, date=item.date, limit=self.window)
        )
        new.regimen.add(agent)

    def _procedure(self, item: _Item) -> None:
        line = self._current(item)
        if item.procedure == "cellular":
            if line is not None:
                line.add(item)
            return
        tandem = self.rules.data.myeloma.tandem_days.value
        if line is not None and self.myeloma and line.transplants:
            second = _more_than(line.transplants[-1], item.date, tandem)
            if second is None:
                self.doubt(item.source, "unsure_tandem", limit=tandem)
            if second:
                line = self._open(item, Reason.of("opened_second_transplant", limit=tandem))
        if line is None:
            if not self.myeloma:
                self.doubt(item.source, "unsure_transplant_alone", date=item.date)
                return
            line = self._open(item, Reason.of("opened_transplant", date=item.date))
        line.transplants.append(item.date)
        line.add(item)

    # -- maintenance: one regimen agent carried on alone -----------------------------------
    def split_maintenance(self) -> None:
        out: list[_Line] = []
        for line in self.lines:
            out.append(line)
            tail = self._maintenance_tail(line)
            if tail:
                agent = tail[0].agent
                line.reset([i for i in line.items if i not in tail])
                maintenance = _Line(
                    start=tail[0].date,
                    regimen={agent} if agent else set(),
                    kind="maintenance",
                    reasons=[Reason.of("maintenance", agent=agent, limit=self.window)],
                )
                maintenance.reset(tail)
                out.append(maintenance)
        self.lines = out

    def _maintenance_tail(self, line: _Line) -> list[_Item]:
        """The doses of the one maintenance agent given alone after the others stopped.

        Meng et al.: maintenance begins a regimen window after the last dose of the dropped
        medicines (and, here, after any transplant of the line). The agent must have been part of
        the regimen before, or (myeloma) have joined it after the line's transplant.
        """
        medicines = [i for i in line.items if i.procedure is None]
        found: list[list[_Item]] = []
        for agent in sorted(line.regimen & self.rules.maintenance_agents):
            others = [i for i in line.items if i.agent != agent]
            if not any(i.procedure is None for i in others):
                continue
            stopped = others[0].last
            for other in others[1:]:
                stopped = _later(stopped, other.last)
            own = [i for i in medicines if i.agent == agent]
            tail = [i for i in own if _more_than(stopped, i.date, self.window) is True]
            if tail and (len(tail) < len(own) or line.transplants):
                found.append(tail)
        return found[0] if len(found) == 1 else []

    # -- pass 2: steroids, conditioning and unidentified medicines join the lines ----------
    def span_of(self, line: _Line) -> tuple[dt.date, dt.date | None]:
        end = None if line.ongoing else _later(line.last, _plus(line.start, self.window)).latest
        return line.start.earliest, end

    def _holder(self, date: PartialDate) -> tuple[list[_Line], bool]:
        """Lines whose span holds ``date``, and whether any span only may hold it.

        The spans are worked out once, at the first steroid or unidentified medicine: by then
        the lines' dates are final (pass 2 adds agents and sources, never dates).
        """
        if self.spans is None:
            self.spans = [(line, *self.span_of(line)) for line in self.lines]
        sure, maybe = [], False
        earliest, latest = date.earliest, date.latest
        for line, low, high in self.spans:
            if earliest >= low and (high is None or latest <= high):
                sure.append(line)
            elif latest >= low and (high is None or earliest <= high):
                maybe = True
        return sure, maybe

    def attach_steroid(self, item: _Item) -> None:
        lines, _ = self._holder(item.date)
        if not lines:
            self.left_out.append((item.source, Reason.of("left_steroid", agent=item.agent)))
        for line in lines:
            line.extra_agents.append(str(item.agent))
            line.extra_sources.append(item.source)

    def attach_unknown(self, item: _Item) -> None:
        lines, maybe = self._holder(item.date)
        if not lines:
            key = "unsure_unknown_near" if maybe else "unsure_unknown_outside"
            self.doubt(item.source, key, date=item.date)
            return
        for line in lines:
            line.unknown += 1
            line.extra_sources.append(item.source)

    def attach_conditioning(self, procedure: _Item, items: list[_Item]) -> None:
        home = next((line for line in self.lines if procedure in line.items), None)
        agents = sorted({str(i.agent) for i in items if i.agent})
        if home is None:
            # No line holds the procedure: its medicines stay out, and the record is incomplete.
            for i in items:
                self.doubt(i.source, "unsure_conditioning_alone", date=procedure.date)
            return
        home.extra_agents += agents
        home.extra_sources += [i.source for i in items]
        home.unknown += sum(1 for i in items if i.agent is None)
        key = "conditioning_cellular" if procedure.procedure == "cellular" else "conditioning"
        home.reasons.append(
            Reason.of(key, agents=",".join(agents), limit=self.rules.data.conditioning_days.value)
        )

    # -- result ------------------------------------------------------------------------------
    def result(self) -> LinesResult:
        derived = []
        for line in self.lines:
            derived.append(self._derived(line))
        return LinesResult(tuple(derived), tuple(self.unsure), tuple(self.left_out))

    def _derived(self, line: _Line) -> DerivedLine:
        medicines = [i for i in line.items if i.procedure is None]
        agents = list(dict.fromkeys([str(i.agent) for i in medicines] + line.extra_agents))
        end: PartialDate | None = None
        if not line.ongoing and line.items:
            end = line.last
        reasons = list(line.reasons)
        if line.unknown:
            reasons.append(Reason.of("unknown_agent", count=line.unknown))
        if line.kind == "systemic" and medicines:
            lasts = _lasts(medicines)
            # The latest last day; of two that end on the same day, the one known more closely
            # (``_later``), so the choice never depends on the order of a set.
            stopped = functools.reduce(_later, lasts.values())
            dropped = sorted(
                a for a, last in lasts.items() if _more_than(last, stopped, self.window)
            )
            if dropped:
                reasons.append(Reason.of("dropped", agents=",".join(dropped)))
        sources = list(dict.fromkeys([i.source for i in line.items] + line.extra_sources))
        return DerivedLine(
            kind=line.kind,
            agents=None if line.unknown else tuple(agents),
            start=line.start,
            end=end,
            sources=tuple(sources),
            reasons=tuple(reasons),
        )


def _lasts(items: Iterable[_Item]) -> dict[str, PartialDate]:
    """Each agent's last day among ``items`` (one pass, not one pass per agent)."""
    found: dict[str, PartialDate] = {}
    for item in items:
        agent = str(item.agent)
        seen = found.get(agent)
        found[agent] = item.last if seen is None else _later(seen, item.last)
    return found


# -- the public entry ----------------------------------------------------------------------------
def derive_lines(
    medicines: Iterable[MedicineEvent],
    kb: KnowledgeBase,
    *,
    procedures: Iterable[ProcedureEvent] = (),
    disease: str | None = None,
    rules: LineRules | None = None,
) -> LinesResult:
    """The lines of therapy the records show, by the rules of ``kb/data/lines.yaml``.

    ``disease`` decides whether the myeloma rules apply; when it is None and the answer would
    differ with them, the result is unsure (the reason says so). The order of the inputs never
    matters: events are sorted by date and then by every other field.
    """
    rules = rules or load_line_rules()
    meds, procs = list(medicines), list(procedures)
    procs.sort(key=lambda p: (p.date.earliest if p.date else dt.date.min, p.kind, p.source))
    if disease is not None or not procs:
        return _derive(meds, procs, kb, rules, disease in rules.myeloma_diseases)
    plain = _derive(meds, procs, kb, rules, myeloma=False)
    with_myeloma = _derive(meds, procs, kb, rules, myeloma=True)
    unsure = list(dict.fromkeys(plain.unsure + with_myeloma.unsure))
    if [ln.case_line() for ln in plain.lines] != [ln.case_line() for ln in with_myeloma.lines]:
        unsure.append(("", Reason.of("unsure_disease")))
    return LinesResult(plain.lines, tuple(unsure), plain.left_out)


def _derive(
    meds: list[MedicineEvent],
    procs: list[ProcedureEvent],
    kb: KnowledgeBase,
    rules: LineRules,
    myeloma: bool,
) -> LinesResult:
    run = _Run(rules, myeloma)
    procedures: list[_Item] = []
    for proc in procs:
        if proc.date is None:
            run.doubt(proc.source, "unsure_no_date")
        else:
            procedures.append(_Item(proc.date, None, None, proc.source, procedure=proc.kind))
    main: list[_Item] = []
    steroids: list[_Item] = []
    unknown: list[_Item] = []
    conditioning: dict[int, list[_Item]] = {}
    for med in sorted(meds, key=_event_key):
        role = _role(med, kb, rules)
        if role in ("supportive", "planned"):
            run.left_out.append((med.source, Reason.of(f"left_{role}", agent=med.agent or "")))
            continue
        if med.start is None:
            if role != "steroid":
                run.doubt(med.source, "unsure_no_date")
            continue
        item = _Item(
            med.start,
            med.end,
            med.agent,
            med.source,
            ongoing=med.end is None and med.status in _ONGOING,
        )
        if role != "steroid" and _conditioning(run, item, procedures, conditioning):
            continue
        {"steroid": steroids, "unknown": unknown}.get(role, main).append(item)
    run.build(main + procedures)
    run.split_maintenance()
    for index, items in sorted(conditioning.items()):
        run.attach_conditioning(procedures[index], items)
    for item in steroids:
        run.attach_steroid(item)
    for item in unknown:
        run.attach_unknown(item)
    return run.result()


def _event_key(med: MedicineEvent) -> tuple[Any, ...]:
    start = (med.start.earliest, med.start.latest) if med.start else (dt.date.min, dt.date.min)
    return (*start, med.agent or "", med.source, str(med.end), med.status or "")


def _role(med: MedicineEvent, kb: KnowledgeBase, rules: LineRules) -> str:
    """How a medicine takes part: anticancer, steroid, supportive, planned or unknown."""
    if med.status in rules.planned:
        return "planned"
    if med.agent is None or med.agent not in kb.drugs:
        return "unknown"
    classes = kb.classes_of(med.agent)
    if classes & rules.not_line_classes:
        return "supportive"
    if classes and classes <= rules.steroid_classes:
        return "steroid"
    return "anticancer"


def _conditioning(
    run: _Run, item: _Item, procedures: list[_Item], found: dict[int, list[_Item]]
) -> bool:
    """Whether ``item`` is conditioning (or lymphodepletion) before one of the procedures."""
    limit = run.rules.data.conditioning_days.value
    for index, proc in enumerate(procedures):
        before = _within(item.date, proc.date, 0, limit)
        if before is None:
            run.doubt(item.source, "unsure_conditioning", date=proc.date, limit=limit)
        if before:
            found.setdefault(index, []).append(item)
            return True
    return False


__all__ = [
    "DerivedLine",
    "LinesResult",
    "MedicineEvent",
    "ProcedureEvent",
    "Reason",
    "derive_lines",
]
