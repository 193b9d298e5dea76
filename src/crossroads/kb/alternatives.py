"""The alternatives knowledge base: what a specialist would weigh in each disease setting.

Each file under ``kb/data/alternatives/`` holds one disease setting from the alternatives dossier:
when it applies (a criterion in the rules language over derived facts), and its options, each
described on the same attributes (aim, start time, how it is given, time in hospital, serious
risks, what it asks of the family, evidence, how it may feel, travel, cost) as cited facts, with
availability per jurisdiction and how well it fits each goal a person may state. The same rows for
every option is the Option-Grid idea (Elwyn et al.): benefits and harms in equal detail, so no
option gets a softer description.

``_catalogue.yaml`` holds the words shared by every setting (goals, attributes, fit levels, the
"not head-to-head" note) and option templates, which a setting pulls in with ``use:`` and may
override key by key; this keeps the one description of, say, palliative care consistent.

Each setting also has a ``comparison`` block: one shared measure (from the catalogue's
``measures``) with a figure per option where a trial gives one, and the same four harm rows
(treatment-related death, severe side effects, serious infection, days in hospital). Each figure
names its trial and the people it comes from (ages where known), so a figure from people unlike
the person can be marked; an option without a figure shows "No figure to compare". The catalogue's
``column_order`` is the one stated rule for the order of the columns.

CAR-T availability is never stored here: the CAR-T option says ``availability_from:
classification`` and :mod:`crossroads.steps.compare` takes it from the case's classification.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, model_validator

from crossroads.common.errors import KnowledgeBaseError
from crossroads.common.stats import wilson_interval
from crossroads.kb.base import (
    DATA_DIR,
    KnowledgeBase,
    compile_data_criterion,
    entry,
    fingerprint,
    read_model,
    read_yaml,
    validate_as,
)
from crossroads.kb.check import (
    Finding,
    _check_codes,
    cited_findings,
    release_findings,
    satisfiable,
)
from crossroads.kb.loader import cached
from crossroads.kb.models import JURISDICTIONS, Cited, Data, Jurisdiction, Text
from crossroads.logic.rules import Node, leaves
from crossroads.record.case import Attribute, Goal

ALTERNATIVES_DIR = DATA_DIR / "alternatives"
CATALOGUE_FILE = "_catalogue.yaml"

# The case format defines goals and attributes; the Option Grid uses them in the same order.
ATTRIBUTES: tuple[Attribute, ...] = get_args(Attribute)
GOALS: tuple[Goal, ...] = get_args(Goal)
FitLevel = Literal["fits", "partly", "does_not_fit", "unknown"]
FIT_LEVELS: tuple[FitLevel, ...] = ("fits", "partly", "does_not_fit", "unknown")
OptionKind = Literal[
    "car_t",
    "transplant",
    "bispecific_antibody",
    "antibody_drug_conjugate",
    "antibody_therapy",
    "targeted_drug",
    "chemo_immunotherapy",
    "clinical_trial",
    "supportive_care",
]
Unit = Literal["days", "weeks", "months", "years"]
# How a shared figure is read: a share of people (out of 100), a median time in months, or a
# number of days (in hospital). Each kind has one sentence template for every option.
MeasureKind = Literal["share", "median", "days"]
MEASURE_KINDS: tuple[MeasureKind, ...] = get_args(MeasureKind)
HarmKey = Literal["treatment_death", "severe_toxicity", "serious_infection", "hospital_days"]
HARMS: tuple[HarmKey, ...] = get_args(HarmKey)
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"

# Phrases the grid code looks up; `findings` refuses a catalogue that lacks one.
REQUIRED_PHRASES = (
    "grid.about_value",
    "grid.title",
    "grid.setting",
    "grid.why_setting",
    "grid.not_head_to_head",
    "grid.no_ranking",
    "grid.your_goal",
    "grid.goal_row",
    "grid.goal_from_option",
    "grid.see_row",
    "grid.needs_goal",
    "grid.needs_importance",
    "grid.matters",
    "grid.not_stated",
    "grid.top",
    "grid.row_label",
    "grid.row_label_top",
    "grid.fears",
    "grid.availability",
    "grid.place.US",
    "grid.place.EU",
    "grid.place.CN",
    "grid.available.true",
    "grid.available.false",
    "grid.available.none",
    "grid.car_t.established",
    "grid.car_t.cannot_tell",
    "grid.car_t.trial",
    "grid.car_t.not_realistic_now",
    "grid.uncertain",
    "grid.unconfirmed",
    "grid.sources",
    "grid.checked",
    "grid.option",
    "grid.notes",
    "grid.also_applies",
    "grid.needs_setting",
    "grid.not_covered",
    "grid.no_settings_for_disease",
    "grid.why_not",
    "grid.confidence.L",
    "grid.confidence.P",
    "grid.confidence.N",
    "grid.confidence.U",
    "grid.no_comparable",
    "grid.shared_row",
    "grid.shared_about",
    "grid.harms_about",
    "grid.order_rule",
    "grid.fit_basis",
    "grid.fit_source",
    "grid.range",
    "grid.range_wilson",
    "grid.no_range",
    "grid.ranges_about",
    "grid.how_to_use",
    "grid.population",
    "grid.ref_group.min",
    "grid.ref_group.max",
    "grid.ref_group.range",
    "grid.icon_legend",
    "outcome.share",
    "outcome.median",
    "outcome.median_not_reached",
    "outcome.days",
)


class Figure(Data):
    """One number with what it measures, in whom and over what time (IPDAS: reference group)."""

    label: Text
    value: str = Field(min_length=1, max_length=40, pattern=r"^[0-9][0-9.,%/ \-]*$")
    unit: Unit | None = None
    approximate: bool = Field(False, description="Shown as 'about' the value")


class CitedText(Cited):
    """A plain statement about an option, with optional figures, and where it comes from."""

    text: Text
    figures: list[Figure] = Field(default_factory=list)


class Availability(Cited):
    """Whether an option can be had in one jurisdiction: true, false, or null (not confirmed)."""

    available: bool | None
    note: Text | None = None


class GoalFit(Data):
    """How an option meets one goal, in plain words, and what that rests on.

    ``source`` is either the name of one of the option's attributes (the reason rests on that
    cited fact) or a citation of its own.
    """

    level: FitLevel
    reason: Text
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _source_named(self) -> GoalFit:
        if self.source not in ATTRIBUTES and len(self.source) < 8:
            raise ValueError(
                f"source {self.source!r} must be an attribute name "
                f"({', '.join(ATTRIBUTES)}) or a citation of at least 8 characters"
            )
        return self


class Measure(Data):
    """What a shared figure counts, in words that slot into the one template of its kind.

    For ``share``: ``event`` and ``other`` complete "about N out of 100 people ..." both ways.
    For ``median``: ``event`` is what happened ("had growth or died") and ``other`` the other side
    ("were still alive without growth"). For ``days``: ``event`` is what was counted.
    """

    kind: MeasureKind
    label: Text = Field(description="The row heading")
    event: Text
    other: Text | None = None

    @model_validator(mode="after")
    def _both_ways(self) -> Measure:
        if self.kind != "days" and self.other is None:
            raise ValueError(f"a {self.kind} measure needs `other`: the other side of the figure")
        return self


class Population(Data):
    """Who the figure comes from (IPDAS: reference group): in words, and the ages if known."""

    text: Text
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)

    @model_validator(mode="after")
    def _ages(self) -> Population:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError(f"age_min {self.age_min} is above age_max {self.age_max}")
        return self


class SharedFigure(Cited):
    """One figure of a setting's shared measure (or of a harm) for one option, from one trial.

    ``value`` is a percent for a share, months for a median, days for a stay; ``low``/``high``
    is the range (confidence interval) when the source gives one. ``n`` is the number of people
    the share was counted in, when the source gives it: then a range is worked out from the share
    and ``n`` (:func:`figure_range`). A median not reached by the last check has
    ``not_reached: true`` and ``follow_up`` (months) instead of a value.
    """

    trial: Text
    value: float | None = Field(None, ge=0)
    n: int | None = Field(
        None, ge=1, description="People the share was counted in (from the source)"
    )
    low: float | None = Field(None, ge=0)
    high: float | None = Field(None, ge=0)
    not_reached: bool = False
    follow_up: float | None = Field(None, gt=0)
    population: Population

    @model_validator(mode="after")
    def _consistent(self) -> SharedFigure:
        if self.not_reached:
            if self.value is not None or self.follow_up is None:
                raise ValueError("a median not reached has `follow_up` (months) and no `value`")
        elif self.value is None:
            raise ValueError("give `value`, or `not_reached: true` with `follow_up`")
        if (self.low is None) != (self.high is None):
            raise ValueError("give both `low` and `high` (the range), or neither")
        low, high = self.low, self.high
        if low is not None and high is not None:
            holds = self.value is None or low <= self.value <= high
            if low > high or not holds:
                raise ValueError(f"range {low} to {high} must hold the value {self.value}")
        return self


@dataclass(frozen=True)
class FigureRange:
    """A figure's range in its own unit: as the trial reported it, or worked out (Wilson)."""

    low: float
    high: float
    origin: Literal["reported", "wilson"]


def figure_range(kind: MeasureKind, figure: SharedFigure) -> FigureRange | None:
    """The range to show with a figure, or None when there is none (a best estimate only).

    A range the source reports wins. Otherwise a share with a known number of people gets the
    Wilson score range from the share and that number; medians, stays and shares without ``n``
    get none, and the page says so plainly.
    """
    if figure.low is not None and figure.high is not None:
        return FigureRange(figure.low, figure.high, "reported")
    if kind == "share" and figure.n is not None and figure.value is not None:
        low, high = wilson_interval(min(figure.value, 100.0), figure.n)
        return FigureRange(low, high, "wilson")
    return None


def shares_with_n(alternatives: Alternatives) -> Iterator[tuple[str, SharedFigure]]:
    """Every share figure of every setting's shared rows that names its number of people."""
    catalogue = alternatives.catalogue
    for compiled in alternatives.settings:
        comparison = compiled.setting.comparison
        if comparison is None:
            continue
        where = f"alternatives/{compiled.file}: comparison"
        groups = [("outcome", catalogue.measures.get(comparison.measure), comparison.outcome)]
        groups += [(f"harms.{h}", catalogue.harms[h], f) for h, f in comparison.harms.items()]
        for name, measure, per_option in groups:
            if measure is None or measure.kind != "share":
                continue
            for code, figures in per_option.items():
                for i, figure in enumerate(figures):
                    if figure.n is not None:
                        yield f"{where}.{name}.{code}[{i}]", figure


class Comparison(Data):
    """A setting's shared outcome row and harm rows: the same measure for every option.

    Figures are keyed by option code; an option with no entry shows "No figure to compare".
    """

    measure: str = Field(pattern=CODE_PATTERN)
    outcome: dict[str, list[SharedFigure]] = Field(default_factory=dict)
    harms: dict[HarmKey, dict[str, list[SharedFigure]]] = Field(default_factory=dict)


class Option(Data):
    """One option a specialist would weigh, described on the same attributes as every other."""

    code: str = Field(pattern=CODE_PATTERN, max_length=50)
    name: Text
    kind: OptionKind
    aim: CitedText
    start_time: CitedText
    how_given: CitedText
    time_in_hospital: CitedText
    serious_risks: CitedText
    family_burden: CitedText
    evidence: CitedText
    psychological: CitedText
    travel: CitedText
    cost: CitedText
    availability: dict[Jurisdiction, Availability] | None = None
    availability_from: Literal["classification"] | None = None
    goal_fit: dict[Goal, GoalFit]

    @model_validator(mode="after")
    def _complete(self) -> Option:
        if self.kind == "car_t" and self.availability_from != "classification":
            raise ValueError(
                "a car_t option takes its availability from the case's classification: "
                "write `availability_from: classification` and no `availability`"
            )
        if self.availability_from is not None and self.availability is not None:
            raise ValueError("give either availability or availability_from, not both")
        if self.availability_from is None:
            missing = [j for j in JURISDICTIONS if j not in (self.availability or {})]
            if missing:
                raise ValueError(f"availability is missing for {', '.join(missing)}")
        absent = [g for g in GOALS if g not in self.goal_fit]
        if absent:
            raise ValueError(f"goal_fit is missing for {', '.join(absent)}")
        return self

    def attribute(self, name: Attribute) -> CitedText:
        value: CitedText = getattr(self, name)
        return value

    def cited(self) -> Iterator[tuple[str, Cited]]:
        """Every cited fact of the option, with where it sits (for checks)."""
        for name in ATTRIBUTES:
            yield name, self.attribute(name)
        for jurisdiction, place in (self.availability or {}).items():
            yield f"availability.{jurisdiction}", place


class Setting(Data):
    id: str = Field(pattern=CODE_PATTERN, max_length=50)
    name: Text
    applies: dict[str, Any]
    about: CitedText | None = Field(None, description="What the options in this setting aim at")
    notes: list[CitedText] = Field(default_factory=list)
    options: list[Option] = Field(min_length=1)
    comparison: Comparison | None = None


class Header(Data):
    release: str
    as_of: dt.date
    dossier: str | None = None


class SettingFile(Data):
    header: Header
    setting: Setting


class GoalInfo(Data):
    name: Text
    explain: Text


class AttributeInfo(Data):
    label: Text
    topic: Text = Field(description="What the values questionnaire asks about")


class LevelInfo(Data):
    label: Text
    explain: Text


class Catalogue(Data):
    header: Header
    goals: dict[Goal, GoalInfo]
    attributes: dict[Attribute, AttributeInfo]
    levels: dict[FitLevel, LevelInfo]
    importance: dict[int, Text]
    kinds: dict[OptionKind, Text]
    units: dict[Unit, Text]
    phrases: dict[str, Text]
    templates: dict[str, dict[str, Any]] = Field(default_factory=dict)
    column_order: list[OptionKind] = Field(
        description="The one stated rule for the columns: kinds in this order, then by name"
    )
    measures: dict[str, Measure] = Field(default_factory=dict)
    harms: dict[HarmKey, Measure]
    by_kind: dict[OptionKind, dict[Attribute, dict[str, Any]]] = Field(
        default_factory=dict,
        description="Attribute values every option of a kind gets unless it gives its own",
    )

    @model_validator(mode="after")
    def _complete(self) -> Catalogue:
        kinds: tuple[str, ...] = get_args(OptionKind)
        if sorted(self.column_order) != sorted(kinds):
            raise ValueError(f"column_order must name every kind once: {', '.join(kinds)}")
        for what, have, need in (
            ("goals", self.goals, GOALS),
            ("attributes", self.attributes, ATTRIBUTES),
            ("levels", self.levels, FIT_LEVELS),
            ("importance", self.importance, (0, 1, 2, 3)),
            ("harms", self.harms, HARMS),
        ):
            absent = [str(k) for k in need if k not in have]
            if absent:
                raise ValueError(f"{what} is missing {', '.join(absent)}")
        return self


@dataclass(frozen=True, slots=True)
class CompiledSetting:
    """A setting with its ``applies`` criterion compiled, and the file it came from."""

    setting: Setting
    applies: Node
    file: str
    header: Header


@dataclass(frozen=True)
class Alternatives:
    """The catalogue and every setting of one release, ready for comparison."""

    catalogue: Catalogue
    settings: tuple[CompiledSetting, ...]
    fingerprint: str = ""
    _by_id: dict[str, CompiledSetting] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for compiled in self.settings:
            self._by_id.setdefault(compiled.setting.id, compiled)

    def phrase(self, key: str, lang: str = "en", **values: object) -> str:
        text = entry(self.catalogue.phrases, key, f"alternatives/{CATALOGUE_FILE}", "phrase").get(
            lang
        )
        return text.format(**values) if values else text

    def setting(self, setting_id: str) -> CompiledSetting:
        return entry(self._by_id, setting_id, "alternatives", "setting")

    def column_key(self, option: Option) -> tuple[int, str]:
        """Where an option's column goes, by the stated rule: kind order, then English name.

        The same rule in every setting and language, so the order carries no judgement and a
        bilingual family sees the same columns in both reports.
        """
        name = option.name.get("en").casefold()
        for article in ("a ", "an ", "the "):
            if name.startswith(article):
                name = name[len(article) :]
                break
        return self.catalogue.column_order.index(option.kind), name


# -- loading ----------------------------------------------------------------------------------
def _expand(
    raw: Any,
    templates: Mapping[str, dict[str, Any]],
    where: str,
    by_kind: Mapping[Any, Mapping[Any, Any]] | None = None,
) -> Any:
    """Resolve ``use: TEMPLATE`` in each option: the template's keys, then the option's own;
    then fill each attribute the option still lacks from its kind's value (``by_kind``)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("setting"), dict):
        return raw
    options = raw["setting"].get("options")
    if not isinstance(options, list):
        return raw
    expanded = []
    for i, option in enumerate(options):
        if isinstance(option, dict) and "use" in option:
            name = option["use"]
            if name not in templates:
                known = ", ".join(sorted(templates)) or "none"
                raise KnowledgeBaseError(
                    f"{where}.setting.options[{i}].use: no template {name!r} (templates: {known})"
                )
            merged = copy.deepcopy(templates[name])
            merged.update({k: v for k, v in option.items() if k != "use"})
            option = merged
        if isinstance(option, dict) and by_kind and option.get("kind") in by_kind:
            defaults = {
                attribute: _borrow_sources(value, option)
                for attribute, value in by_kind[option["kind"]].items()
                if attribute not in option
            }
            option = {**defaults, **option}
        expanded.append(option)
    out = dict(raw)
    out["setting"] = {**raw["setting"], "options": expanded}
    return out


def _borrow_sources(value: Any, option: Mapping[str, Any]) -> Any:
    """A kind's shared value filled into one option, citing that option's own sources.

    Why: a shared value such as "regular trips to the clinic" restates, in plain words, what
    each option's own ``how_given`` or ``time_in_hospital`` fact says; ``refs_from`` names those
    facts, and their source line and references are added to the shared value's, so a patient
    sees the public works behind this option, not a pointer into the research notes (issue 14).
    """
    value = copy.deepcopy(value)
    if not isinstance(value, dict) or "refs_from" not in value:
        return value
    sources, refs = [str(value.get("source", ""))], list(value.get("refs", []))
    for attribute in value.pop("refs_from"):
        fact = option.get(attribute)
        if isinstance(fact, dict) and fact.get("source"):
            sources.append(str(fact["source"]))
            refs += [ref for ref in fact.get("refs", []) if ref not in refs]
    value["source"] = "; ".join(part for part in sources if part)
    if refs:
        value["refs"] = refs
    return value


def _build(kb: KnowledgeBase, data_dir: Path) -> Alternatives:
    catalogue = read_model(data_dir / CATALOGUE_FILE, Catalogue, f"alternatives/{CATALOGUE_FILE}")
    kinds = {code: fact.kind for code, fact in kb.facts.items()}
    settings = []
    for path in sorted(data_dir.glob("*.yaml")):
        if path.name == CATALOGUE_FILE:
            continue
        where = f"alternatives/{path.name}"
        raw = _expand(read_yaml(path, where), catalogue.templates, where, catalogue.by_kind)
        loaded = validate_as(SettingFile, raw, where)
        applies = compile_data_criterion(loaded.setting.applies, kinds, f"{where}: applies")
        settings.append(CompiledSetting(loaded.setting, applies, path.name, loaded.header))
    return Alternatives(catalogue, tuple(settings))


def load_alternatives(
    kb: KnowledgeBase, data_dir: Path | None = None, *, use_cache: bool = True
) -> Alternatives:
    """Load (once per process and data state) every alternatives file, validated and compiled."""
    folder = data_dir or ALTERNATIVES_DIR

    def build() -> Alternatives:
        loaded = _build(kb, folder)
        return Alternatives(loaded.catalogue, loaded.settings, fingerprint(folder))

    if not use_cache:
        return build()
    return cached("alternatives", sorted(folder.glob("*.yaml")), build, kb.cache_key)


# -- checks -----------------------------------------------------------------------------------
def _cited(alternatives: Alternatives) -> Iterator[tuple[str, Cited]]:
    for compiled in alternatives.settings:
        setting = compiled.setting
        where = f"alternatives/{compiled.file}"
        if setting.about is not None:
            yield f"{where}: about", setting.about
        for i, note in enumerate(setting.notes):
            yield f"{where}: notes[{i}]", note
        for option in setting.options:
            for name, fact in option.cited():
                yield f"{where}: {option.code}.{name}", fact
        comparison = setting.comparison
        if comparison is not None:
            for code, figures in comparison.outcome.items():
                for i, figure in enumerate(figures):
                    yield f"{where}: comparison.outcome.{code}[{i}]", figure
            for harm, per_option in comparison.harms.items():
                for code, figures in per_option.items():
                    for i, figure in enumerate(figures):
                        yield f"{where}: comparison.harms.{harm}.{code}[{i}]", figure


def _figure_findings(kind: MeasureKind, figures: list[SharedFigure], where: str) -> list[Finding]:
    found = []
    for i, figure in enumerate(figures):
        top = max(v for v in (figure.value, figure.high, 0.0) if v is not None)
        if kind == "share" and top > 100:
            found.append(Finding("error", f"{where}[{i}]", "a share is out of 100: 100 at most"))
        if kind != "median" and figure.not_reached:
            found.append(Finding("error", f"{where}[{i}]", "`not_reached` is for a median only"))
        if figure.n is not None:
            found += _n_findings(kind, figure, f"{where}[{i}]")
    return found


def _n_findings(kind: MeasureKind, figure: SharedFigure, where: str) -> list[Finding]:
    """``n`` belongs to a share only, and the share must be a count of those people: some whole
    number k of n must round to the stated percent (within half a point)."""
    if kind != "share":
        return [Finding("error", where, f"`n` is for a share only (this figure is a {kind})")]
    if figure.value is None:
        return []
    n, value = figure.n or 1, figure.value
    k = round(value * n / 100)
    if abs(100 * k / n - value) > 0.5:
        return [
            Finding(
                "error",
                where,
                f"share {value:g}% is not a count out of n={n}: check `n` against the source",
            )
        ]
    return []


def comparison_findings(catalogue: Catalogue, compiled: CompiledSetting) -> list[Finding]:
    """The shared rows must name a known measure and only this setting's options."""
    setting, where = compiled.setting, f"alternatives/{compiled.file}"
    comparison = setting.comparison
    if comparison is None:
        return [Finding("error", where, "no `comparison`: every setting needs its shared rows")]
    found: list[Finding] = []
    codes = {o.code for o in setting.options}
    measure = catalogue.measures.get(comparison.measure)
    if measure is None:
        known = ", ".join(sorted(catalogue.measures)) or "none"
        found.append(
            Finding("error", where, f"comparison.measure {comparison.measure!r} unknown ({known})")
        )
    groups: list[tuple[str, MeasureKind | None, dict[str, list[SharedFigure]]]] = [
        ("outcome", measure.kind if measure else None, comparison.outcome)
    ]
    groups += [(f"harms.{h}", catalogue.harms[h].kind, f) for h, f in comparison.harms.items()]
    for name, kind, per_option in groups:
        for code, figures in per_option.items():
            here = f"{where}: comparison.{name}.{code}"
            if code not in codes:
                found.append(Finding("error", here, f"no option {code!r} in this setting"))
            if kind is not None:
                found += _figure_findings(kind, figures, here)
    return found


def _setting_findings(
    kb: KnowledgeBase, compiled: CompiledSetting, kinds: Mapping[str, str], catalogue: Catalogue
) -> list[Finding]:
    setting = compiled.setting
    where = f"alternatives/{compiled.file}"
    found: list[Finding] = []
    if setting.id != Path(compiled.file).stem:
        found.append(Finding("error", where, f"setting id {setting.id!r} differs from file name"))
    found += release_findings(kb, where, compiled.header.release)
    codes = [o.code for o in setting.options]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        found.append(Finding("error", where, f"option code {code!r} is used twice"))
    kinds_here = {o.kind for o in setting.options}
    for needed in ("car_t", "clinical_trial", "supportive_care"):
        if needed not in kinds_here:
            found.append(Finding("error", where, f"no option of kind {needed!r}"))
    if not any(leaf.fact == "disease" for leaf in leaves(compiled.applies)):
        found.append(Finding("error", where, "applies must name the disease"))
    found += comparison_findings(catalogue, compiled)
    found += _check_codes(kb, compiled.applies, f"{where}: applies", None)
    if not satisfiable(compiled.applies, kinds, {}):
        found.append(Finding("error", where, "applies: no case could ever be in this setting"))
    return found


def findings(
    kb: KnowledgeBase, today: dt.date | None = None, data_dir: Path | None = None
) -> list[Finding]:
    """Every finding about the alternatives data, errors first (``crossroads kb check``)."""
    today = today or dt.date.today()
    try:
        alternatives = load_alternatives(kb, data_dir, use_cache=False)
    except KnowledgeBaseError as exc:
        return [Finding("error", "alternatives", str(exc))]
    kinds = {code: fact.kind for code, fact in kb.facts.items()}
    found: list[Finding] = []
    catalogue = alternatives.catalogue
    for key in REQUIRED_PHRASES:
        if key not in catalogue.phrases:
            found.append(Finding("error", f"alternatives/{CATALOGUE_FILE}", f"no phrase {key!r}"))
    seen: dict[str, str] = {}
    for compiled in alternatives.settings:
        ident = compiled.setting.id
        if ident in seen:
            where = f"alternatives/{compiled.file}"
            found.append(Finding("error", where, f"setting id {ident!r} is also in {seen[ident]}"))
        seen[ident] = compiled.file
        found += _setting_findings(kb, compiled, kinds, catalogue)
    for where, fact in _cited(alternatives):
        found += cited_findings(where, fact, today, kb.release.date)
    found.sort(key=lambda f: (f.level != "error", f.where))
    return found


__all__ = [
    "ATTRIBUTES",
    "FIT_LEVELS",
    "GOALS",
    "HARMS",
    "MEASURE_KINDS",
    "Alternatives",
    "Availability",
    "Catalogue",
    "CitedText",
    "Comparison",
    "CompiledSetting",
    "FigureRange",
    "FitLevel",
    "GoalFit",
    "HarmKey",
    "Measure",
    "MeasureKind",
    "Option",
    "Population",
    "Setting",
    "SharedFigure",
    "figure_range",
    "findings",
    "load_alternatives",
    "shares_with_n",
]
