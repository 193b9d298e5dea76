"""Facts derived from a case record, the only inputs that knowledge-base criteria see.

Each fact is ``None`` when the record does not settle it. Derivations are *monotone*: adding
information to a record can turn an unknown into a value, but never change a value that was
already known. The property tests in ``tests/test_facts.py`` and ``tests/test_classify.py`` rely
on this, and so does the promise that "unknown is not no".

Counting rules (how labels count them):
- a *line* is one entry of ``lines`` with ``kind: systemic``; maintenance and radiotherapy belong
  to the line they follow, and a stem-cell transplant is not a line of its own;
- months are elapsed calendar months, day-precise, between partial dates (see
  :mod:`crossroads.common.dates`); a date the record leaves open is bounded by the dates it gives
  (a line ends no earlier than it starts and no later than the next line starts, see
  :func:`crossroads.record.case.line_chronology`), so a first line that started 9 months before
  the relapse ended at most 9 months before it, whatever its end date;
- a drug class is known to be absent only when every part of the record that could add it is
  known (:class:`ClassSources`): a cellular therapy never adds a BTK inhibitor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from crossroads.common.chronology import DayRange, narrow, span
from crossroads.common.dates import Interval, MonthSpan, PartialDate, age_on
from crossroads.common.values import FactValue, SetValue, Tri, tri_and, tri_or
from crossroads.record.case import Case, TreatmentLine, line_chronology, within_line

Facts = dict[str, FactValue]
ClassLookup = Callable[[str], frozenset[str]]

# Drug-class codes that derivations below name; the classes themselves are knowledge-base data.
IMID, PI, ANTI_CD38 = "imid", "proteasome_inhibitor", "anti_cd38"
CD19_DIRECTED, BCMA_DIRECTED = "cd19_directed", "bcma_directed"
LENALIDOMIDE = "lenalidomide"  # the drug the "lenalidomide-refractory" label criterion names


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The derived facts of one case, plus the date they were derived for."""

    values: Facts
    assessment_date: PartialDate

    def __getitem__(self, code: str) -> FactValue:
        return self.values[code]


@dataclass(frozen=True, slots=True)
class ClassSources:
    """Which drug classes each part of a record can add (drug list data in ``kb/data/drugs/``).

    ``drug``: the classes of a medicine named in a line. ``by_cellular_target``: the classes a
    prior cellular therapy adds, by its target. A line whose medicines are unknown could add any
    class (``None``); an unknown cellular-therapy history could add only the classes some target
    adds. Without this data every unknown part could add any class.
    """

    drug: ClassLookup
    by_cellular_target: Mapping[str, frozenset[str]] | None = field(default=None)
    known: Callable[[str], bool] | None = field(default=None)
    """Whether a medicine is one the knowledge base knows; an unknown one (kept as written when
    case input is lenient) could belong to any class, so it leaves every class open."""

    def cellular(self, target: str) -> frozenset[str]:
        return (self.by_cellular_target or {}).get(target, frozenset())

    def cellular_could_add(self) -> frozenset[str] | None:
        if self.by_cellular_target is None:
            return None
        return frozenset().union(*self.by_cellular_target.values())


def _systemic(lines: list[TreatmentLine]) -> list[TreatmentLine]:
    return [line for line in lines if line.kind == "systemic"]


def _line_refractory(line: TreatmentLine) -> Tri:
    """A line is refractory when flagged so, or when its best response was SD or PD."""
    if line.refractory is not None:
        return line.refractory
    if line.best_response in ("SD", "PD"):
        return True
    return None


def _exposed_classes(case: Case, sources: ClassSources) -> SetValue | None:
    members: set[str] = set()
    could_add: set[str] | None = set()  # what the unknown parts could still add; None: anything
    if case.lines is None:
        could_add = None
    for line in case.lines or []:
        if line.agents is None:
            could_add = None
            continue
        for agent in line.agents:
            members |= sources.drug(agent)
            if sources.known is not None and not sources.known(agent):
                could_add = None
    if case.prior_cellular_therapy is None:
        cellular = sources.cellular_could_add()
        could_add = None if could_add is None or cellular is None else could_add | cellular
    for therapy in case.prior_cellular_therapy or []:
        members |= sources.cellular(therapy.target)
        if sources.by_cellular_target is None:
            could_add = None  # without the data, what a cellular therapy adds is unknown
    if not members and case.lines is None:
        return None
    if could_add is None:
        return SetValue(frozenset(members), complete=False)
    unknown = frozenset(could_add - members)
    if not unknown:
        return SetValue(frozenset(members), complete=True)
    return SetValue(frozenset(members), complete=False, could_add=unknown)


def _lenalidomide_refractory(case: Case) -> Tri:
    if case.lines is None:
        return None
    verdicts: list[Tri] = []
    agents_unknown = False
    for line in case.lines:
        if line.agents is None:
            agents_unknown = True
        elif LENALIDOMIDE in line.agents:
            verdicts.append(_line_refractory(line))
    result = tri_or(verdicts)
    if result is False and agents_unknown:
        return None
    return result


def _has_transplant(case: Case, kind: str) -> Tri:
    if case.transplants is None:
        return None
    return any(t.type == kind for t in case.transplants)


def _relapsed_or_refractory(case: Case) -> Tri:
    state = case.disease_status.state
    return None if state is None else state != "remission"


def _refractory_disease(case: Case, lines: list[TreatmentLine] | None) -> Tri:
    """Refractory now: the stated status decides; without one, whether the latest line worked."""
    state = case.disease_status.state
    from_state: Tri = {"refractory": True, "relapsed": False, "remission": False}.get(state or "")
    if from_state is not None:
        return from_state
    return _line_refractory(lines[-1]) if lines else None


def _primary_refractory(lines: list[TreatmentLine] | None) -> Tri:
    if lines is None:
        return None
    if not lines:
        return False
    first = _line_refractory(lines[0])
    if first is None and lines[0].best_response in ("CR", "PR"):
        return False
    return first


def _chronology(lines: list[TreatmentLine]) -> dict[str, DayRange]:
    ranges, before = line_chronology(lines)
    try:
        return narrow(ranges, before)
    except ValueError:  # lines that overlap: bound each line by its own dates only
        return narrow(ranges, within_line(before))


def _months_to_progression(
    lines: list[TreatmentLine] | None,
    line: TreatmentLine | None,
    bounds: dict[str, DayRange],
    anchor: str,
) -> MonthSpan | None:
    """Months from a line's start or end (``anchor``) to its progression, bounded by the other
    dates of the record; the start always comes first."""
    if lines is None or line is None or line.progression is None:
        return None
    index = next(i for i, item in enumerate(lines) if item is line)
    path = f"lines[{index}]"
    return span(
        bounds[f"{path}.{anchor}"], bounds[f"{path}.progression"], ordered=anchor == "start"
    )


def _progressed_after_last(case: Case, lines: list[TreatmentLine] | None) -> Tri:
    if lines is None:
        return None
    if not lines:
        return False
    last = lines[-1]
    if last.progression is not None or _line_refractory(last):
        return True
    if case.disease_status.state == "remission":
        return False
    if case.disease_status.state in ("relapsed", "refractory", "progressing"):
        return True  # the latest treatment is the last one given before the disease came back
    return None


def _age(case: Case, on: PartialDate) -> Interval | None:
    born = case.patient.birth_date
    if born is not None:
        return age_on(born, on)
    if case.patient.age_years is not None:
        return Interval(case.patient.age_years, case.patient.age_years)
    return None


def _directed(exposed: SetValue | None, cls: str) -> Tri:
    return None if exposed is None else exposed.has(cls)


def _antigen_lost(value: str | None) -> Tri:
    return None if value is None else value == "negative"


def countries_of_care(case: Case) -> list[str]:
    """Countries where the person would be treated: the planned one, then any being weighed.

    The planned one is ``logistics.treatment_country``; the weighed ones are the two-letter codes
    in ``extensions.travel.considering``. Upper case, in that order, without repeats.
    """
    found: list[str] = []
    if case.logistics.treatment_country:
        found.append(case.logistics.treatment_country.upper())
    travel = case.extensions.get("travel")
    weighed = travel.get("considering") if isinstance(travel, Mapping) else None
    if isinstance(weighed, list):
        found += [c.upper() for c in weighed if isinstance(c, str) and len(c) == 2]
    return list(dict.fromkeys(found))


def cross_border(case: Case) -> Tri:
    """Care abroad: would the person be treated in a country other than the one they live in?

    True when the planned treatment country, or any country being weighed, is not home; false
    when every such country is home; unknown when home is not recorded or no country of care is
    known. The one definition for readiness (visa, translation items) and review triage alike:
    a person living and treated in China who is weighing the US is crossing a border.
    """
    home = (case.patient.country or "").upper()
    places = countries_of_care(case)
    if not home or not places:
        return None
    return any(country != home for country in places)


def derive_facts(case: Case, classes: ClassLookup | ClassSources, today: PartialDate) -> CaseFacts:
    """Derive every fact the criteria language knows (see ``kb/data/facts.yaml``).

    ``classes`` gives the drug classes: a plain look-up by medicine, or :class:`ClassSources`
    (``KnowledgeBase.class_sources``) to also know what a cellular therapy can add. ``today``
    stands in for a missing ``assessment_date``: the assessment happens now.
    """
    on = case.assessment_date or today
    sources = classes if isinstance(classes, ClassSources) else ClassSources(classes)
    lines = _systemic(case.lines) if case.lines is not None else None
    first = lines[0] if lines else None
    last = lines[-1] if lines else None
    bounds = _chronology(case.lines) if case.lines else {}
    exposed = _exposed_classes(case, sources)
    status = case.disease_status
    relapse_number = status.relapse_number
    antigens = case.diagnosis.target_antigens
    ineligible = case.transplant_ineligible_reasons
    organs = case.fitness.organ_dysfunction
    relapsed = _relapsed_or_refractory(case)

    values: Facts = {
        "disease": case.diagnosis.disease,
        "subtype": case.diagnosis.subtype,
        "age_years": _age(case, on),
        "relapsed_or_refractory": relapsed,
        "refractory_disease": _refractory_disease(case, lines),
        "relapse_number": None
        if relapse_number is None
        else Interval(relapse_number, relapse_number),
        "prior_lines": None if lines is None else Interval(len(lines), len(lines)),
        "primary_refractory": _primary_refractory(lines),
        "months_first_line_end_to_relapse": _months_to_progression(
            case.lines, first, bounds, "end"
        ),
        "months_first_line_start_to_relapse": _months_to_progression(
            case.lines, first, bounds, "start"
        ),
        "refractory_to_last_line": _line_refractory(last)
        if last
        else (None if lines is None else False),
        "progressed_after_last_line": _progressed_after_last(case, lines),
        "months_last_line_end_to_progression": _months_to_progression(
            case.lines, last, bounds, "end"
        ),
        "months_since_last_progression": None
        if status.last_progression is None
        else span(DayRange.of(status.last_progression), DayRange.of(on)),
        "exposed_classes": exposed,
        "triple_class_exposed": None
        if exposed is None
        else tri_and(exposed.has(c) for c in (IMID, PI, ANTI_CD38)),
        "lenalidomide_refractory": _lenalidomide_refractory(case),
        "prior_autologous_transplant": _has_transplant(case, "autologous"),
        "prior_allogeneic_transplant": _has_transplant(case, "allogeneic"),
        "relapsed_after_transplant": tri_and(
            [
                relapsed,
                tri_or([_has_transplant(case, "autologous"), _has_transplant(case, "allogeneic")]),
            ]
        ),
        "transplant_eligible": case.transplant_eligible,
        "transplant_ineligible_reasons": None
        if ineligible is None
        else SetValue(frozenset(ineligible), complete=True),
        "cns_involvement": case.diagnosis.cns_involvement,
        "ecog": None
        if case.fitness.ecog is None
        else Interval(case.fitness.ecog, case.fitness.ecog),
        "active_infection": case.fitness.active_infection,
        "organ_dysfunction": None if organs is None else bool(organs),
        "prior_cd19_directed": _directed(exposed, CD19_DIRECTED),
        "prior_bcma_directed": _directed(exposed, BCMA_DIRECTED),
        "prior_car_t": None
        if case.prior_cellular_therapy is None
        else bool(case.prior_cellular_therapy),
        "cd19_negative": _antigen_lost(antigens.cd19 if antigens else None),
        "bcma_negative": _antigen_lost(antigens.bcma if antigens else None),
        "rapid_progression": status.rapid_progression,
        "clinical_progression": None
        if status.progression_kind is None
        else status.progression_kind == "clinical",
    }
    return CaseFacts(values, on)
