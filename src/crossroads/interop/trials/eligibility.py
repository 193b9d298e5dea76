"""Eligibility of one case for one study, criterion by criterion: match, fail or unknown.

Structured criteria come from the record's fields (minimum and maximum age, sex, conditions,
overall status). Two simple text rules read the free eligibility text, sentence by sentence:

- **prior lines**: "at least 2 prior lines", "two or more lines of therapy", "no more than 3
  prior regimens", "1-3 prior lines"; in the exclusion section the range is turned around;
- **prior CAR-T**: a sentence naming CAR-T (or a CAR-T product) with "prior", "received",
  "after", ... is an exclusion in the exclusion section (or with "no"/"without" in the
  inclusion section), a requirement in the inclusion section, or a permission with "allowed".

Every text rule returns the sentence it read, so a person can check the reading. A sentence the
rules do not recognise produces nothing: the study's own text stays the authority, and trial
search never claims a fit it did not check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crossroads.common.dates import Interval
from crossroads.interop.trials.model import AgeLimit, Outcome, Study
from crossroads.kb.trial_terms import TrialTerms, normalise_text
from crossroads.record.case import Case

Section = Literal["inclusion", "exclusion"]
CarTKind = Literal["excluded", "excluded_recent", "required", "allowed"]

_HEADER = re.compile(r"\b(inclusion|exclusion)\s+criteria\b|(入选标准|纳入标准)|(排除标准)", re.I)
_BULLET = re.compile(r"^\s*(?:[*\-•·]+|\d{1,2}[.)]|[a-z][.)])\s*")
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_NUM = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)(?:\s*\(\d{1,2}\))?"
_LINES = (
    r"(?:(?:prior|previous|earlier|standard|systemic|anti-?cancer|treatment)\s+)*"
    r"(?:lines?|regimens?|therap(?:y|ies)|treatments?)\b"
)
_LINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (rf"{_NUM}\s*(?:-|–|to)\s*{_NUM}\s+{_LINES}", "range"),
        (rf"(?:exactly|only)\s+{_NUM}\s+{_LINES}", "exactly"),
        (rf"(?:no|not)\s+more\s+than\s+{_NUM}\s+{_LINES}", "at_most"),
        (
            rf"(?:at\s+most|up\s+to|a\s+maximum\s+of|maximum\s+of|≤|<=)\s*{_NUM}\s+{_LINES}",
            "at_most",
        ),
        (rf"(?:fewer|less)\s+than\s+{_NUM}\s+{_LINES}", "fewer_than"),
        (rf"(?:at\s+least|a\s+minimum\s+of|minimum\s+of|≥|>=)\s*{_NUM}\s+{_LINES}", "at_least"),
        (rf"{_NUM}\s+or\s+more\s+{_LINES}", "at_least"),
        (rf"{_NUM}\s*\+\s*{_LINES}", "at_least"),
        (rf"(?<!no )(?<!not )(?:more|greater)\s+than\s+{_NUM}\s+{_LINES}", "more_than"),
    )
)
_LINE_WORD = re.compile(r"\b(?:lines?|regimens?|therap|treatments?)")
_CAR = r"(?:\bcar\b(?![\s-]*nk)|chimeric\s+antigen\s+receptor(?![\s-]*nk))"
# "prior ... CAR-T" with at most four words between, none of them "before" ("1 prior line
# before CAR-T" is about lines, not about earlier CAR-T); or "CAR-T naive".
_PRIOR_WORDS = (
    r"\b(?:prior|previous|previously|history\s+of|received|receiving|treated\s+with|treatment\s+with"
    r"|exposure\s+to|exposed\s+to|after|following|failed|failure\s+of|relapsed|refractory\s+to"
    r"|progression\s+(?:after|on|following))\b"
)
_PRIOR_CAR = re.compile(rf"{_PRIOR_WORDS}\s+(?:(?!before\b)\S+\s+){{0,4}}?{_CAR}")
_CAR_ANY = re.compile(_CAR)
_CAR_NAIVE = re.compile(rf"{_CAR}[\w\s-]{{0,20}}?\b(?:naive|naïve)\b")
_ALLOWED = re.compile(
    r"\b(allowed|permitted|acceptable|with\s+or\s+without|are\s+eligible|is\s+eligible)\b"
)
_NOT_ALLOWED = re.compile(
    r"\b(not|ineligible|excluded)\b\s*(?:be\s+)?(?:eligible|allowed|permitted)"
)
_NEGATED = re.compile(r"\b(no|not|never|without|naive|naïve|must\s+not|have\s+not)\b")
_RECENT = re.compile(r"\bwithin\s+(?:the\s+(?:last|past)\s+)?\d+\s+(?:days?|weeks?|months?)")
_TARGET = re.compile(r"\b(cd19|bcma|cd22|cd20|gprc5d)\b")


@dataclass(frozen=True, slots=True)
class Statement:
    section: Section
    text: str


@dataclass(frozen=True, slots=True)
class LinesRule:
    """Prior lines the study accepts: ``low`` to ``high`` (None = no bound)."""

    low: int | None
    high: int | None
    statement: Statement


@dataclass(frozen=True, slots=True)
class CarTRule:
    kind: CarTKind
    targets: frozenset[str]
    statement: Statement


@dataclass(frozen=True, slots=True)
class TextRules:
    lines: tuple[LinesRule, ...] = ()
    car_t: tuple[CarTRule, ...] = ()


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion for one case: what the study says, what the case has, and the outcome."""

    criterion: str
    outcome: Outcome
    study_says: str
    case_has: str
    note: str = ""
    values: tuple[str, ...] = ()


def statements(text: str) -> list[Statement]:
    """The eligibility text as statements (one bullet or line each), with their section."""
    section: Section = "inclusion"
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        header = (
            _HEADER.search(line)
            if len(line) < 80 and ("riteria" in line or "RITERIA" in line or "标准" in line)
            else None
        )
        if header:
            word = (header.group(1) or "").lower()
            section = "exclusion" if word == "exclusion" or header.group(3) else "inclusion"
            continue
        line = _BULLET.sub("", line).strip()
        if line:
            out.append(Statement(section, line))
    return out


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text]


def _lines_rule(statement: Statement, text: str) -> LinesRule | None:
    for pattern, kind in _LINE_RULES:
        match = pattern.search(text)
        if not match:
            continue
        n = _number(match.group(1))
        low, high = {
            "range": (
                n,
                _number(match.group(2)) if match.lastindex and match.lastindex >= 2 else n,
            ),
            "exactly": (n, n),
            "at_most": (None, n),
            "fewer_than": (None, n - 1),
            "at_least": (n, None),
            "more_than": (n + 1, None),
        }[kind]
        if statement.section == "exclusion":  # the text says who is excluded: turn it around
            if low is not None and high is None:
                return LinesRule(None, low - 1, statement)
            if high is not None and low is None:
                return LinesRule(high + 1, None, statement)
            return None  # an excluded band in the middle: too rare to read safely
        return LinesRule(low, high, statement)
    return None


def _car_t_rule(
    statement: Statement, text: str, terms: TrialTerms, products: bool
) -> CarTRule | None:
    if not _CAR_ANY.search(text):
        if not products:
            return None
        for word in terms.car_t_words(text):  # a product name counts as CAR-T too
            text = text.replace(word, "car-t")
    targets = frozenset(t.upper() for t in _TARGET.findall(text))
    naive = bool(_CAR_NAIVE.search(text))
    prior = _PRIOR_CAR.search(text)
    if not (prior or naive):
        return None
    negated = bool(prior and _NEGATED.search(text[: prior.end()]))
    kind: CarTKind
    if _ALLOWED.search(text) and not _NOT_ALLOWED.search(text):
        kind = "allowed"
    elif statement.section == "exclusion" or naive or negated or _NOT_ALLOWED.search(text):
        kind = "excluded_recent" if _RECENT.search(text) else "excluded"
    else:
        kind = "required"
    return CarTRule(kind, targets, statement)


def read_text_rules(text: str, terms: TrialTerms) -> TextRules:
    """Every prior-lines and prior-CAR-T rule the eligibility text states."""
    found = [(s, normalise_text(s.text)) for s in statements(text)]
    whole = "\n".join(t for _, t in found)
    lines: list[LinesRule] = []
    if _LINE_WORD.search(whole):  # most statements say nothing about lines: skip them fast
        for statement, norm in found:
            if _LINE_WORD.search(norm) and (rule := _lines_rule(statement, norm)):
                lines.append(rule)
    car_t: list[CarTRule] = []
    products = any(not _CAR_ANY.search(w) for w in terms.car_t_words(whole))
    if products or _CAR_ANY.search(whole):
        for statement, norm in found:
            if car_rule := _car_t_rule(statement, norm, terms, products):
                car_t.append(car_rule)
    return TextRules(tuple(lines), tuple(car_t))


# -- structured criteria -----------------------------------------------------------------------
_PER_YEAR = {"years": 1, "months": 12, "weeks": 52, "days": 365, "hours": 8760, "minutes": 525600}


def _age_in(unit: str, age: Interval) -> tuple[int, int]:
    """Completed age in ``unit`` from completed years (an interval: the birthday may be near)."""
    per = _PER_YEAR[unit]
    return age.low * per, age.high * per + (per - 1)


def age_outcome(low: AgeLimit | None, high: AgeLimit | None, age: Interval | None) -> Outcome:
    """Minimum age is "at least", maximum age is "at most", both in the record's own unit."""
    if age is None:
        return "unknown"
    outcomes: list[Outcome] = []
    if low is not None:
        lo, hi = _age_in(low.unit, age)
        outcomes.append("match" if lo >= low.value else "fail" if hi < low.value else "unknown")
    if high is not None:
        lo, hi = _age_in(high.unit, age)
        outcomes.append("match" if hi <= high.value else "fail" if lo > high.value else "unknown")
    return combine(outcomes)


def combine(outcomes: list[Outcome]) -> Outcome:
    if "fail" in outcomes:
        return "fail"
    return "unknown" if "unknown" in outcomes else "match"


def lines_outcome(rule: LinesRule, prior: Interval | None) -> Outcome:
    if prior is None:
        return "unknown"
    outcomes: list[Outcome] = []
    if rule.low is not None:
        outcomes.append(
            "match" if prior.low >= rule.low else "fail" if prior.high < rule.low else "unknown"
        )
    if rule.high is not None:
        outcomes.append(
            "match" if prior.high <= rule.high else "fail" if prior.low > rule.high else "unknown"
        )
    return combine(outcomes)


def prior_targets(case: Case) -> frozenset[str] | None:
    """Targets of earlier cellular therapy; None when the record does not say."""
    if case.prior_cellular_therapy is None:
        return None
    return frozenset(t.target for t in case.prior_cellular_therapy)


def car_t_outcome(rule: CarTRule, targets: frozenset[str] | None) -> Outcome:
    if rule.kind == "allowed":
        return "match"
    if targets is None:
        return "unknown"
    had = bool(targets)
    if rule.targets and had:
        if "other" in targets and not targets & rule.targets:
            hit: bool | None = None  # an unnamed target may or may not be the one meant
        else:
            hit = bool(targets & rule.targets)
    else:
        hit = had
    if hit is None:
        return "unknown"
    if rule.kind == "required":
        return "match" if hit else "fail"
    if rule.kind == "excluded_recent" and hit:
        return "unknown"  # depends on when; the study's time window decides
    return "fail" if hit else "match"


def status_outcome(study: Study) -> Outcome:
    if study.overall_status == "RECRUITING":
        return "match"
    if study.overall_status in (None, "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"):
        return "unknown"
    return "fail"


def sex_outcome(study_sex: str, case_sex: str | None) -> Outcome:
    if case_sex not in ("female", "male"):
        return "unknown"
    return "match" if case_sex.upper() == study_sex else "fail"
