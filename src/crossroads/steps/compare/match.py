"""Which disease settings apply to a case, and the Option Grid's columns and rows for it.

The case's derived facts decide the settings (each setting's ``applies`` criterion): true, false
or unknown, and an unknown one names the facts that would decide it. Columns follow one stated
rule (kind of treatment in the catalogue's ``column_order``, then English name), the same in every
setting and whatever the goal; rows follow what matters to the person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from crossroads.common.errors import BadOptionError
from crossroads.common.messages import did_you_mean
from crossroads.engine.classify import Category, Classification, IndicationResult
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.kb.alternatives import (
    ATTRIBUTES,
    GOALS,
    Alternatives,
    CompiledSetting,
    Option,
    load_alternatives,
)
from crossroads.kb.models import TrialStatus
from crossroads.logic.rules import Trace, leaves, missing_keys
from crossroads.record.case import Attribute, Case, Goal

COMPARE_SCHEMA_ID = "crossroads.compare/v1"
Status = Literal["ok", "needs_information", "not_covered"]
GoalSource = Literal["case", "option"]


# -- results ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SettingMatch:
    """One disease setting weighed for this case, with the trace that decided it."""

    compiled: CompiledSetting
    trace: Trace

    @property
    def result(self) -> bool | None:
        return self.trace.result

    def missing(self) -> list[str]:
        """Fact codes (or unsettled knowledge) that would decide an undecided setting."""
        return missing_keys(self.trace)


@dataclass(frozen=True, slots=True)
class CarTPlace:
    """CAR-T in one jurisdiction for this case, straight from the classification."""

    jurisdiction: Jurisdiction
    category: Category
    on_label: tuple[IndicationResult, ...]
    undecided: tuple[IndicationResult, ...]
    trials: TrialStatus | None


@dataclass(frozen=True, slots=True)
class Column:
    option: Option
    car_t: tuple[CarTPlace, ...] = ()


@dataclass(frozen=True, slots=True)
class SettingGrid:
    match: SettingMatch
    columns: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One attribute row: how much it matters to the person (None = not stated)."""

    attribute: Attribute
    importance: int | None
    top: bool


@dataclass(frozen=True)
class OptionGrid:
    """The step-3 result for one case: the grids of the settings that apply, or what is missing."""

    status: Status
    settings: tuple[SettingGrid, ...]
    undecided: tuple[SettingMatch, ...]
    ruled_out: tuple[SettingMatch, ...]
    missing_facts: tuple[str, ...]
    rows: tuple[Row, ...]
    goal: Goal | None
    goal_source: GoalSource | None
    importance_stated: bool
    fears: tuple[str, ...]
    disease: str | None
    classification: Classification
    alternatives: Alternatives = field(repr=False)


# -- input checks -----------------------------------------------------------------------------
def parse_goal(text: str) -> Goal:
    """A goal code from the command line; an unknown one is a user error listing the valid codes."""
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    for goal in GOALS:
        if goal == wanted:
            return goal
    raise BadOptionError(
        f"--goal: '{text}' is not a goal Crossroads knows. Use one of: {', '.join(GOALS)}. "
        + did_you_mean(wanted, GOALS)
    )


def parse_option_codes(text: str | Sequence[str]) -> list[str]:
    """Split ``car_t,pola_br`` (any case) into codes, dropping blanks and repeats."""
    items = text.split(",") if isinstance(text, str) else list(text)
    codes: list[str] = []
    for item in (i.strip().lower() for i in items if i.strip()):
        if item not in codes:
            codes.append(item)
    if not codes:
        raise BadOptionError("--options: name at least one option code, e.g. car_t,clinical_trial.")
    return codes


def _check_option_codes(wanted: Sequence[str], known: Iterable[str]) -> None:
    pool = sorted(set(known))
    for code in wanted:
        if code not in pool:
            raise BadOptionError(
                f"--options: '{code}' is not an option code for this case. Use one of: "
                f"{', '.join(pool)}. " + did_you_mean(code, pool)
            )


# -- the comparison ---------------------------------------------------------------------------
def match_settings(alternatives: Alternatives, facts: dict[str, Any]) -> list[SettingMatch]:
    """Every setting, weighed against the case's derived facts (true, false or unknown)."""
    return [SettingMatch(s, s.applies.evaluate(facts)) for s in alternatives.settings]


def order_rows(importance: dict[Attribute, int] | None) -> tuple[Row, ...]:
    """Rows by how much they matter: 3, 2, 1, then not stated, then 0; ties keep the usual order.

    The top rows are those at the highest stated importance, when that is 2 or more.
    """
    stated = importance or {}
    highest = max(stated.values(), default=0)

    def key(attribute: Attribute) -> float:
        value = stated.get(attribute)
        return -0.5 if value is None else -float(value)

    ordered = sorted(ATTRIBUTES, key=key)  # sorted() is stable: ties keep ATTRIBUTES order
    return tuple(Row(a, stated.get(a), highest >= 2 and stated.get(a) == highest) for a in ordered)


def _disease_codes(compiled: CompiledSetting) -> set[str]:
    return {
        str(v)
        for leaf in leaves(compiled.applies)
        if leaf.fact == "disease"
        for v in (leaf.value if isinstance(leaf.value, tuple) else (leaf.value,))
    }


def _car_t_places(classification: Classification) -> tuple[CarTPlace, ...]:
    places = []
    for jr in classification.jurisdictions:
        trials = jr.disease.car_t_trials.get(jr.jurisdiction) if jr.disease else None
        places.append(
            CarTPlace(
                jr.jurisdiction,
                jr.category,
                tuple(i for i in jr.indications if i.status == "on_label"),
                tuple(i for i in jr.indications if i.status == "needs_information"),
                trials,
            )
        )
    return tuple(places)


def compare(
    case: Case,
    kb: KnowledgeBase,
    classification: Classification,
    *,
    goal: str | None = None,
    only: Sequence[str] | None = None,
    alternatives: Alternatives | None = None,
) -> OptionGrid:
    """Build the Option Grid for a case: settings that apply, their options, rows by preference.

    ``goal`` (a goal code) shows the grid against another goal than the case's; ``only`` keeps
    the named option codes. Unknown codes for either are user errors that list the valid codes.
    """
    alternatives = alternatives or load_alternatives(kb)
    chosen_goal: Goal | None = parse_goal(goal) if goal is not None else None
    goal_source: GoalSource | None = "option" if chosen_goal else None
    if chosen_goal is None and case.preferences.main_goal is not None:
        chosen_goal, goal_source = case.preferences.main_goal, "case"

    facts = classification.facts.values
    matches = match_settings(alternatives, dict(facts))
    held = [m for m in matches if m.result is True]
    undecided = [m for m in matches if m.result is None]
    disease = facts.get("disease")
    disease_code = disease if isinstance(disease, str) else None
    ruled_out = [
        m for m in matches if m.result is False and disease_code in _disease_codes(m.compiled)
    ]

    if only is not None:
        pool = held or matches
        _check_option_codes(only, (o.code for m in pool for o in m.compiled.setting.options))

    places = _car_t_places(classification)
    grids = []
    for match in held:
        chosen = [o for o in match.compiled.setting.options if only is None or o.code in only]
        columns = tuple(
            Column(option, places if option.availability_from == "classification" else ())
            for option in sorted(chosen, key=alternatives.column_key)
        )
        if columns:
            grids.append(SettingGrid(match, columns))

    status: Status = "ok" if held else ("needs_information" if undecided else "not_covered")
    fact_order = {code: i for i, code in enumerate(kb.facts)}
    missing = sorted(
        {key for m in undecided for key in m.missing()},
        key=lambda k: (fact_order.get(k, len(fact_order)), k),
    )
    prefs = case.preferences
    return OptionGrid(
        status=status,
        settings=tuple(grids),
        undecided=tuple(undecided),
        ruled_out=tuple(ruled_out),
        missing_facts=tuple(missing) if status == "needs_information" else (),
        rows=order_rows(prefs.importance),
        goal=chosen_goal,
        goal_source=goal_source,
        importance_stated=bool(prefs.importance),
        fears=tuple(prefs.fears or ()),
        disease=disease_code,
        classification=classification,
        alternatives=alternatives,
    )
