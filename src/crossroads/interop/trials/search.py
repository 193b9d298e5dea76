"""Trial search: filter study records for a case, explain each criterion, sort by fit count.

A study is *shown* when it is open (or about to open), is a CAR-T study or names the case's
disease, passes the place filters, and fails no criterion. The rest are counted, and ``show_all``
shows them too. Studies are sorted by how many criteria match, then by how few fail: a count, not
a judgement of which study is better, and the output says so.

Reading a study's free text is the slow part, so each study is read once per set of terms and
kept (``StudySet.profiles``); a search for one case then only compares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crossroads.common.countries import CountryError, parse_country
from crossroads.common.dates import Interval, PartialDate
from crossroads.common.errors import BadOptionError
from crossroads.interop.trials.countries import country_code
from crossroads.interop.trials.ctgov import read_study_file, study_files
from crossroads.interop.trials.eligibility import (
    CriterionResult,
    TextRules,
    age_outcome,
    car_t_outcome,
    lines_outcome,
    prior_targets,
    read_text_rules,
    sex_outcome,
    status_outcome,
)
from crossroads.interop.trials.model import Study
from crossroads.kb import KnowledgeBase
from crossroads.kb.trial_terms import TrialTerms, load_trial_terms
from crossroads.logic.facts import derive_facts
from crossroads.record.case import Case

DATA_DIR = Path(__file__).parent / "data"


def default_study_paths() -> list[Path]:
    """The study records shipped with Crossroads (built from real fixtures plus marked examples)."""
    return [DATA_DIR]


@dataclass(frozen=True, slots=True)
class StudyProfile:
    """What the terms and text rules read in one study, once."""

    study: Study
    condition_words: dict[str, frozenset[str]]
    unread_conditions: tuple[str, ...]
    car_t_words: tuple[str, ...]
    rules: TextRules
    car_t_interventions: tuple[str, ...] = ()

    @property
    def covered(self) -> frozenset[str]:
        return frozenset().union(*self.condition_words.values())


def profile(study: Study, terms: TrialTerms) -> StudyProfile:
    words: dict[str, frozenset[str]] = {}
    unread = []
    for condition in study.conditions or (*study.keywords, study.title):
        found = terms.diseases_in(condition)
        words.update(found)
        if not found and study.conditions:
            unread.append(condition)
    car_t: list[str] = []
    named: list[str] = []
    for intervention in study.interventions:
        hits = terms.car_t_words(intervention.words)
        if hits:
            car_t += hits
            named.append(intervention.name)
    rules = read_text_rules(study.eligibility_text, terms)
    return StudyProfile(
        study, words, tuple(unread), tuple(dict.fromkeys(car_t)), rules, tuple(named)
    )


@dataclass
class StudySet:
    """Loaded studies, with their profiles computed on first use."""

    studies: tuple[Study, ...]
    duplicates: int = 0
    _profiles: list[tuple[TrialTerms, list[StudyProfile]]] = field(default_factory=list)

    def profiles(self, terms: TrialTerms) -> list[StudyProfile]:
        for known, found in self._profiles:
            if known is terms:
                return found
        found = [profile(s, terms) for s in self.studies]
        self._profiles.append((terms, found))
        return found


def load_studies(paths: Iterable[Path]) -> StudySet:
    """Every study in the files and folders given; the first record of an id wins."""
    seen: dict[str, Study] = {}
    duplicates = 0
    for file in study_files(paths):
        for study in read_study_file(file):
            if study.study_id in seen:
                duplicates += 1
            else:
                seen[study.study_id] = study
    return StudySet(tuple(seen.values()), duplicates)


@dataclass(frozen=True)
class SearchOptions:
    country: str | None = None
    city: str | None = None
    phases: tuple[str, ...] = ()
    show_all: bool = False
    today: dt.date | None = None


@dataclass(frozen=True, slots=True)
class StudyResult:
    profile: StudyProfile
    criteria: tuple[CriterionResult, ...]
    relevant: bool

    @property
    def study(self) -> Study:
        return self.profile.study

    def count(self, outcome: str) -> int:
        return sum(c.outcome == outcome for c in self.criteria)

    @property
    def fits(self) -> bool:
        """No criterion fails (unknowns are allowed: they are questions, not verdicts)."""
        return self.count("fail") == 0


@dataclass(frozen=True)
class SearchResult:
    case: Case
    disease: str | None
    age: Interval | None
    prior_lines: Interval | None
    shown: tuple[StudyResult, ...]
    hidden_closed: int
    hidden_other: int
    hidden_fail: int
    outside_place: int
    total: int


@dataclass(frozen=True)
class _CaseView:
    """The case facts trial criteria compare against, derived once per search."""

    disease: str | None
    age: Interval | None
    prior_lines: Interval | None
    car_t_targets: frozenset[str] | None
    sex: str | None


def _view(case: Case, kb: KnowledgeBase, today: dt.date | None) -> _CaseView:
    on = PartialDate.parse(today or dt.date.today())
    facts = derive_facts(case, kb.class_sources, on).values
    age, lines = facts["age_years"], facts["prior_lines"]
    return _CaseView(
        case.diagnosis.disease,
        age if isinstance(age, Interval) else None,
        lines if isinstance(lines, Interval) else None,
        prior_targets(case),
        case.patient.sex,
    )


def _condition(p: StudyProfile, view: _CaseView, kb: KnowledgeBase) -> CriterionResult:
    said = ", ".join(p.study.conditions or p.condition_words) or "—"
    if view.disease is None:
        return CriterionResult("condition", "unknown", said, "", "case_unknown")
    name = kb.code_name(view.disease)
    if view.disease in p.covered:
        return CriterionResult("condition", "match", said, name, "covers")
    if p.unread_conditions:
        return CriterionResult("condition", "unknown", said, name, "unread")
    return CriterionResult("condition", "fail", said, name, "other")


def evaluate(p: StudyProfile, view: _CaseView, kb: KnowledgeBase) -> tuple[CriterionResult, ...]:
    """Every criterion of one study for one case, in a fixed order."""
    study = p.study
    out = [
        CriterionResult("status", status_outcome(study), study.overall_status or "", ""),
        _condition(p, view, kb),
    ]
    low, high = study.minimum_age, study.maximum_age
    if low or high:
        outcome = age_outcome(low, high, view.age)
        kind = "range" if low and high else "min" if low else "max"
        texts = tuple(a.text for a in (low, high) if a)
        age = str(view.age) if view.age else ""
        out.append(CriterionResult("age", outcome, " / ".join(texts), age, kind, texts))
    if study.sex in ("FEMALE", "MALE"):
        out.append(
            CriterionResult("sex", sex_outcome(study.sex, view.sex), study.sex, view.sex or "")
        )
    for rule in p.rules.lines:
        case_has = str(view.prior_lines) if view.prior_lines else ""
        out.append(
            CriterionResult(
                "prior_lines", lines_outcome(rule, view.prior_lines), rule.statement.text, case_has
            )
        )
    for car_rule in p.rules.car_t:
        targets = view.car_t_targets
        case_has = "" if targets is None else ", ".join(sorted(targets)) or "none"
        out.append(
            CriterionResult(
                "prior_car_t",
                car_t_outcome(car_rule, targets),
                car_rule.statement.text,
                case_has,
                car_rule.kind,
            )
        )
    return tuple(out)


def _in_place(study: Study, country: str | None, city: str | None) -> bool:
    if country is None and city is None:
        return True
    for site in study.sites:
        if country is not None and country_code(site.country) != country:
            continue
        if city is not None and (site.city or "").strip().lower() != city.strip().lower():
            continue
        return True
    return False


def _check_options(options: SearchOptions) -> str | None:
    if options.country is None:
        return None
    try:
        return parse_country(options.country)
    except CountryError as error:
        raise BadOptionError(f"--country: {error}") from None


def search(
    case: Case, studies: StudySet, kb: KnowledgeBase, options: SearchOptions | None = None
) -> SearchResult:
    """Studies for this case, each with its criteria explained; sorted by fit count."""
    options = options or SearchOptions()
    country = _check_options(options)
    terms = load_trial_terms(kb)
    view = _view(case, kb, options.today)
    shown: list[StudyResult] = []
    closed = other = failing = outside = 0
    for p in studies.profiles(terms):
        study = p.study
        if not _in_place(study, country, options.city) or (
            options.phases and not set(options.phases) & set(study.phases)
        ):
            outside += 1
            continue
        criteria = evaluate(p, view, kb)
        condition = next(c for c in criteria if c.criterion == "condition")
        result = StudyResult(p, criteria, bool(p.car_t_words) or condition.outcome == "match")
        if not options.show_all:
            if not study.is_open:
                closed += 1
                continue
            if not result.relevant:
                other += 1
                continue
            if not result.fits:
                failing += 1
                continue
        shown.append(result)
    shown.sort(key=lambda r: (-r.count("match"), r.count("fail"), r.study.study_id))
    return SearchResult(
        case,
        view.disease,
        view.age,
        view.prior_lines,
        tuple(shown),
        closed,
        other,
        failing,
        outside,
        len(studies.studies),
    )


def parse_phases(values: Sequence[str]) -> tuple[str, ...]:
    """``2`` or ``phase2`` -> ``PHASE2`` (the registry's spelling)."""
    out = []
    for value in values:
        text = value.strip().upper().replace(" ", "")
        out.append(text if text.startswith(("PHASE", "EARLY", "NA")) else f"PHASE{text}")
    return tuple(out)
