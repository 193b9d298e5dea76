"""Criterion by criterion: text rules for prior lines and prior CAR-T, and the structured checks."""

from __future__ import annotations

import pytest

from crossroads.common.dates import Interval
from crossroads.interop.trials.eligibility import (
    CarTRule,
    LinesRule,
    Statement,
    age_outcome,
    car_t_outcome,
    lines_outcome,
    read_text_rules,
    sex_outcome,
    statements,
)
from crossroads.interop.trials.model import AgeLimit
from crossroads.kb import KnowledgeBase
from crossroads.kb.trial_terms import TrialTerms, load_trial_terms

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def terms(kb: KnowledgeBase) -> TrialTerms:
    return load_trial_terms(kb)


def test_statements_follow_the_sections() -> None:
    text = (
        "Key Inclusion Criteria:\n\n* Age 18 or over\n  1. Measurable disease\n\n"
        "Exclusion Criteria:\n- Prior CAR-T therapy\n\n入选标准：\n· 复发\n排除标准\n• 活动性感染"
    )
    assert statements(text) == [
        Statement("inclusion", "Age 18 or over"),
        Statement("inclusion", "Measurable disease"),
        Statement("exclusion", "Prior CAR-T therapy"),
        Statement("inclusion", "复发"),
        Statement("exclusion", "活动性感染"),
    ]


def _lines(text: str, terms: TrialTerms) -> list[tuple[int | None, int | None]]:
    return [(r.low, r.high) for r in read_text_rules(text, terms).lines]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Relapsed or refractory after at least 2 prior lines of therapy", [(2, None)]),
        ("Received at least two (2) prior lines of systemic therapy", [(2, None)]),
        ("≥2 prior lines of therapy", [(2, None)]),
        (">= 3 lines of treatment", [(3, None)]),
        ("Two or more prior lines of therapy", [(2, None)]),
        ("Disease after 3+ prior regimens", [(3, None)]),
        ("More than one prior line of therapy", [(2, None)]),
        ("No more than 3 prior regimens", [(None, 3)]),
        ("At most 4 prior lines", [(None, 4)]),
        ("Fewer than 5 prior lines of therapy", [(None, 4)]),
        ("Received 1-3 prior lines of therapy", [(1, 3)]),
        ("Received 2 to 4 prior therapies", [(2, 4)]),
        ("Exactly one prior line of therapy", [(1, 1)]),
        ("At least 1 prior therapy containing an anti-CD20 antibody", [(1, None)]),
        ("At least 4 weeks since the last dose of prior therapy", []),
        ("At least 18 years of age", []),
        ("ECOG performance status 0-2", []),
        ("Prior treatment with lenalidomide", []),
    ],
)
def test_lines_rule_reads_inclusion_sentences(
    terms: TrialTerms, sentence: str, expected: list[tuple[int | None, int | None]]
) -> None:
    assert _lines("Inclusion Criteria:\n* " + sentence, terms) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("More than 5 prior lines of therapy", [(None, 5)]),
        ("At least 4 prior regimens", [(None, 3)]),
        ("Fewer than 2 prior lines of therapy", [(2, None)]),
        ("Received 2-3 prior lines", []),  # an excluded band in the middle is not read
    ],
)
def test_lines_rule_turns_exclusions_around(
    terms: TrialTerms, sentence: str, expected: list[tuple[int | None, int | None]]
) -> None:
    assert _lines("Exclusion Criteria:\n* " + sentence, terms) == expected


def _car_t(text: str, terms: TrialTerms) -> list[tuple[str, frozenset[str]]]:
    return [(r.kind, r.targets) for r in read_text_rules(text, terms).car_t]


NONE: frozenset[str] = frozenset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Exclusion Criteria:\n* Prior CAR-T therapy", [("excluded", NONE)]),
        (
            "Exclusion Criteria:\n* Previous treatment with chimeric antigen receptor T cells",
            [("excluded", NONE)],
        ),
        (
            "Exclusion Criteria:\n* Prior BCMA-directed CAR T-cell therapy",
            [("excluded", frozenset({"BCMA"}))],
        ),
        ("Exclusion Criteria:\n* Received tisagenlecleucel before", [("excluded", NONE)]),
        ("Exclusion Criteria:\n* CAR-T therapy received within 3 months", []),
        (
            "Exclusion Criteria:\n* Prior CAR-T therapy within 90 days of enrolment",
            [("excluded_recent", NONE)],
        ),
        ("Inclusion Criteria:\n* No prior CAR-T therapy", [("excluded", NONE)]),
        ("Inclusion Criteria:\n* Patients must be CAR-T naive", [("excluded", NONE)]),
        (
            "Inclusion Criteria:\n* Relapsed after prior CD19-directed CAR-T therapy",
            [("required", frozenset({"CD19"}))],
        ),
        ("Inclusion Criteria:\n* Progression after axicabtagene ciloleucel", [("required", NONE)]),
        (
            "Inclusion Criteria:\n* Prior CD19 CAR-T therapy is allowed",
            [("allowed", frozenset({"CD19"}))],
        ),
        (
            "Inclusion Criteria:\n* Patients with or without prior CAR-T therapy",
            [("allowed", NONE)],
        ),
        ("Inclusion Criteria:\n* At least 1 prior line of therapy before CAR-T", []),
        ("Inclusion Criteria:\n* Able to undergo leukapheresis for CAR-T manufacturing", []),
        ("Exclusion Criteria:\n* Prior CAR-NK cell therapy", []),
        ("Inclusion Criteria:\n* Car accident victims", []),
    ],
)
def test_car_t_rule_reads_sentences(
    terms: TrialTerms, text: str, expected: list[tuple[str, frozenset[str]]]
) -> None:
    assert _car_t(text, terms) == expected


def test_text_rules_keep_the_sentence_they_read(terms: TrialTerms) -> None:
    rules = read_text_rules(
        "Inclusion Criteria:\n* At least 2 prior lines\nExclusion Criteria:\n* Prior CAR-T", terms
    )
    assert rules.lines == (LinesRule(2, None, Statement("inclusion", "At least 2 prior lines")),)
    assert rules.car_t == (CarTRule("excluded", NONE, Statement("exclusion", "Prior CAR-T")),)


# -- structured checks: boundaries ------------------------------------------------------------
YEARS_18 = AgeLimit(18, "years", "18 Years")
YEARS_75 = AgeLimit(75, "years", "75 Years")


@pytest.mark.parametrize(
    ("low", "high", "age", "outcome"),
    [
        (YEARS_18, None, Interval(17, 17), "fail"),
        (YEARS_18, None, Interval(18, 18), "match"),
        (YEARS_18, None, Interval(17, 18), "unknown"),  # a birthday near the assessment date
        (None, YEARS_75, Interval(75, 75), "match"),  # "up to 75" includes 75-year-olds
        (None, YEARS_75, Interval(76, 76), "fail"),
        (None, YEARS_75, Interval(75, 76), "unknown"),
        (YEARS_18, YEARS_75, Interval(40, 40), "match"),
        (YEARS_18, YEARS_75, Interval(80, 80), "fail"),
        (YEARS_18, YEARS_75, None, "unknown"),
        (AgeLimit(6, "months", "6 Months"), None, Interval(0, 0), "unknown"),  # 0 to 11 months old
        (AgeLimit(6, "months", "6 Months"), None, Interval(1, 1), "match"),
        (None, AgeLimit(18, "months", "18 Months"), Interval(1, 1), "unknown"),  # 12 to 23 months
        (None, AgeLimit(18, "months", "18 Months"), Interval(2, 2), "fail"),
        (
            AgeLimit(30, "days", "30 Days"),
            AgeLimit(17, "years", "17 Years"),
            Interval(17, 17),
            "match",
        ),
    ],
)
def test_age_outcome_at_the_limits(
    low: AgeLimit | None, high: AgeLimit | None, age: Interval | None, outcome: str
) -> None:
    assert age_outcome(low, high, age) == outcome


STATEMENT = Statement("inclusion", "x")


@pytest.mark.parametrize(
    ("low", "high", "prior", "outcome"),
    [
        (2, None, Interval(1, 1), "fail"),
        (2, None, Interval(2, 2), "match"),
        (None, 3, Interval(3, 3), "match"),
        (None, 3, Interval(4, 4), "fail"),
        (1, 3, Interval(0, 0), "fail"),
        (1, 3, None, "unknown"),
    ],
)
def test_lines_outcome_at_the_limits(
    low: int | None, high: int | None, prior: Interval | None, outcome: str
) -> None:
    assert lines_outcome(LinesRule(low, high, STATEMENT), prior) == outcome


CD19, BCMA, OTHER = frozenset({"CD19"}), frozenset({"BCMA"}), frozenset({"other"})


@pytest.mark.parametrize(
    ("kind", "targets", "had", "outcome"),
    [
        ("excluded", NONE, frozenset(), "match"),
        ("excluded", NONE, CD19, "fail"),
        ("excluded", NONE, None, "unknown"),
        ("excluded", BCMA, CD19, "match"),  # a CD19 CAR-T is not the BCMA one the study excludes
        ("excluded", BCMA, BCMA, "fail"),
        ("excluded", BCMA, OTHER, "unknown"),
        ("excluded_recent", NONE, CD19, "unknown"),  # depends on when
        ("excluded_recent", NONE, frozenset(), "match"),
        ("required", CD19, CD19, "match"),
        ("required", CD19, frozenset(), "fail"),
        ("required", CD19, BCMA, "fail"),
        ("required", NONE, None, "unknown"),
        ("allowed", CD19, None, "match"),
    ],
)
def test_car_t_outcome(
    kind: str, targets: frozenset[str], had: frozenset[str] | None, outcome: str
) -> None:
    assert car_t_outcome(CarTRule(kind, targets, STATEMENT), had) == outcome  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("study", "case", "outcome"),
    [
        ("FEMALE", "female", "match"),
        ("FEMALE", "male", "fail"),
        ("MALE", None, "unknown"),
        ("MALE", "other", "unknown"),
    ],
)
def test_sex_outcome(study: str, case: str | None, outcome: str) -> None:
    assert sex_outcome(study, case) == outcome
