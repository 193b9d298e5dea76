"""Words that trial search reads in study records (``kb/data/trial_terms.yaml``).

Which condition name covers which Crossroads disease, and which intervention words mean CAR-T,
are knowledge-base data with sources, so trial search code holds no medical vocabulary. The
CAR-T words are joined with the product names, brands and aliases of every knowledge-base drug
of class ``car_t``, so a new product in the knowledge base is found in trials without a code edit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb.base import DATA_DIR, KnowledgeBase, entry, read_model
from crossroads.kb.check import Finding, cited_findings, release_findings
from crossroads.kb.loader import cached
from crossroads.kb.models import Cited, Data, Text

TERMS_FILE = DATA_DIR / "trial_terms.yaml"
CAR_T_CLASS = "car_t"

REQUIRED_PHRASES = (
    "trials.title",
    "trials.sorted",
    "trials.synthetic",
    "trials.counts",
    "trials.outcome.match",
    "trials.outcome.fail",
    "trials.outcome.unknown",
    "trials.criterion.status",
    "trials.criterion.condition",
    "trials.criterion.age",
    "trials.criterion.sex",
    "trials.criterion.prior_lines",
    "trials.criterion.prior_car_t",
    "trials.status.RECRUITING",
    "trials.status.NOT_YET_RECRUITING",
    "trials.status.ENROLLING_BY_INVITATION",
    "trials.status.other",
    "trials.car_t",
    "trials.not_car_t",
    "trials.sites",
    "trials.no_sites",
    "trials.case",
    "trials.unknown_value",
    "trials.study_says",
    "trials.condition.covers",
    "trials.condition.other",
    "trials.condition.unread",
    "trials.condition.case_unknown",
    "trials.age.range",
    "trials.age.min",
    "trials.age.max",
    "trials.sex.FEMALE",
    "trials.sex.MALE",
    "trials.lines.counted",
    "trials.car_t.case",
    "trials.hidden",
    "trials.none",
    "trials.ask_team",
    "trials.records",
)


class Header(Data):
    release: str
    as_of: dt.date


class ConditionTerms(Cited):
    terms: list[str] = Field(min_length=1)
    diseases: list[str] = Field(min_length=1)


class CarTTerms(Cited):
    terms: list[str] = Field(min_length=1)


class TermsFile(Data):
    header: Header
    conditions: list[ConditionTerms]
    car_t: CarTTerms
    phrases: dict[str, Text] = Field(default_factory=dict)


def normalise_text(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: how terms and records are compared."""
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2010", "-").split())


def _pattern(terms: list[str]) -> re.Pattern[str]:
    """One regex for whole-word matches, longest term first (so the longer name wins)."""
    ordered = sorted({normalise_text(t) for t in terms if t.strip()}, key=lambda t: (-len(t), t))
    if not ordered:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, ordered)) + r")(?![a-z0-9])")


@dataclass
class TrialTerms:
    """The loaded terms, compiled: condition words -> diseases, and the CAR-T words."""

    data: TermsFile
    car_t_terms: tuple[str, ...] = ()
    _diseases: dict[str, frozenset[str]] = field(default_factory=dict)
    _conditions: re.Pattern[str] = field(default_factory=lambda: re.compile(r"(?!x)x"))
    _car_t: re.Pattern[str] = field(default_factory=lambda: re.compile(r"(?!x)x"))

    def __post_init__(self) -> None:
        for group in self.data.conditions:
            for term in group.terms:
                key = normalise_text(term)
                self._diseases[key] = self._diseases.get(key, frozenset()) | frozenset(
                    group.diseases
                )
        self._conditions = _pattern(list(self._diseases))
        self._car_t = _pattern([*self.data.car_t.terms, *self.car_t_terms])

    def diseases_in(self, text: str) -> dict[str, frozenset[str]]:
        """Condition words found in ``text`` and the diseases each covers."""
        return {
            m.group(0): self._diseases[m.group(0)]
            for m in self._conditions.finditer(normalise_text(text))
        }

    def car_t_words(self, text: str) -> list[str]:
        """CAR-T words (or product names) found in ``text``."""
        return list(dict.fromkeys(m.group(0) for m in self._car_t.finditer(normalise_text(text))))

    def phrase(self, key: str, lang: str = "en", **values: object) -> str:
        text = entry(self.data.phrases, key, TERMS_FILE.name, "phrase").get(lang)
        return text.format(**values) if values else text


def _product_names(kb: KnowledgeBase) -> tuple[str, ...]:
    names: list[str] = []
    for drug in kb.drugs.values():
        if CAR_T_CLASS in drug.classes:
            names += [drug.code, drug.name.en, drug.name.zh, *drug.brands, *drug.aliases]
    for product in kb.products.values():
        names += [product.code, product.short, *product.brand.values()]
    return tuple(n for n in names if n)


def load_trial_terms(kb: KnowledgeBase, path: Path | None = None) -> TrialTerms:
    """Load (once per process, file state and knowledge base) the compiled trial terms."""
    file = path or TERMS_FILE

    def build() -> TrialTerms:
        return TrialTerms(read_model(file, TermsFile), _product_names(kb))

    return cached("trial_terms", [file], build, kb.cache_key)


def findings(
    kb: KnowledgeBase, today: dt.date | None = None, path: Path | None = None
) -> list[Finding]:
    """Every finding about the trial terms, errors first (for ``crossroads kb check``)."""
    today = today or dt.date.today()
    try:
        data = read_model(path or TERMS_FILE, TermsFile)
    except KnowledgeBaseError as exc:
        return [Finding("error", "trial_terms", str(exc))]
    found: list[Finding] = []
    found += release_findings(kb, "trial_terms: header", data.header.release)
    cited: list[tuple[str, Cited]] = [("trial_terms: car_t", data.car_t)]
    for group in data.conditions:
        where = f"trial_terms: conditions[{group.terms[0]}]"
        cited.append((where, group))
        for disease in group.diseases:
            if disease not in kb.diseases:
                found.append(Finding("error", where, f"unknown disease code {disease!r}"))
    for key in REQUIRED_PHRASES:
        if key not in data.phrases:
            found.append(Finding("error", "trial_terms: phrases", f"no phrase {key!r}"))
    for where, fact in cited:
        found += cited_findings(where, fact, today, kb.release.date)
    return sorted(found, key=lambda f: f.level != "error")
