"""Knowledge-base data for steps 5 and 6 and supportive care: triage rules, sentence templates,
supportive-care cautions, packet labels and the glossary of words reviewers write.

Why a loader of its own: these files were added after the core release loader
(:mod:`crossroads.kb.base`) and carry their own shapes; keeping them here leaves the label data
untouched. The triage criteria use the same rules language as the labels, over the derived facts
plus a few case-level facts that :mod:`crossroads.steps.review` computes (declared in
``triage.yaml``). Loaded data is cached per process, keyed by the files' sizes and modification
times and by the release it was compiled against. :func:`findings` lists what ``crossroads kb
check`` should report.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb.base import (
    DATA_DIR,
    KnowledgeBase,
    compile_data_criterion,
    entry,
    read_model,
)
from crossroads.kb.check import Finding, cited_findings, duplicate_ids, satisfiable
from crossroads.kb.loader import cached
from crossroads.kb.models import JURISDICTIONS, Cited, Data, Jurisdiction, Text
from crossroads.logic.rules import Node, leaves

FILES = ("triage.yaml", "sentences.yaml", "supportive.yaml", "packet.yaml", "glossary.yaml")
FactKind = Literal["bool", "number", "code", "set"]


# -- triage.yaml --------------------------------------------------------------------------------
class ExtraFact(Data):
    """A case-level fact that triage rules may test besides the derived facts."""

    code: str
    kind: FactKind
    name: Text
    ask: Text


class TriageRule(Cited):
    """When a specialist review or second opinion is worth asking for, and why."""

    id: str
    text: Text
    question: Text = Field(description="What a fired rule adds to the specific-question builder")
    focus: Literal["eligibility", "timing", "comparison", "logistics", "support"]
    when: dict[str, Any]


class CategoryQuestions(Data):
    established: Text
    cannot_tell: Text
    trial: Text
    not_realistic_now: Text


class TriageFile(Data):
    header: dict[str, Any] = Field(default_factory=dict)
    extra_facts: list[ExtraFact]
    rules: list[TriageRule]
    category_questions: CategoryQuestions


# -- sentences.yaml -----------------------------------------------------------------------------
class Join(Data):
    pair: Text
    comma: Text


class StatusTemplates(Data):
    relapsed: Text
    refractory: Text
    progressing: Text
    remission: Text
    unknown_state: Text
    unknown_disease: Text


class HistoryTemplates(Data):
    none: Text
    one: Text
    many: Text
    unknown: Text
    transplant: Text
    prior_car_t: Text
    rapid: Text


class OptionTemplates(Data):
    established: Text
    cannot_tell: Text
    trial: Text
    not_realistic_now: Text
    transplant_possible: Text
    others: Text


class CarTTemplates(Data):
    established: Text
    goal: Text
    weigh: Text
    cannot_tell: Text
    trial: Text
    not_realistic_now: Text


class NextStepTemplates(Data):
    action: Text
    gather: Text
    review_first: Text
    review_then: Text
    established: Text
    other: Text


class ReadinessParts(Data):
    status: Text
    options: Text
    car_t: Text
    next_step: Text


class ReadinessTemplates(Data):
    parts: ReadinessParts
    missing_sentence: Text
    sure_no: Text
    sure_unanswered: Text
    critical_unknown: Text
    ready: Text
    not_ready: Text


class SureItems(Data):
    sure_of_choice: Text
    understand_information: Text
    risks_and_benefits_clear: Text
    enough_support: Text


Goal = Literal["cure", "longer_control", "comfort", "time_at_home", "bridge_to_transplant"]


class SentenceTemplates(Data):
    header: dict[str, Any] = Field(default_factory=dict)
    places: dict[Jurisdiction, Text]
    join: Join
    goals: dict[Goal, Text]
    status: StatusTemplates
    history: HistoryTemplates
    options: OptionTemplates
    car_t: CarTTemplates
    points: dict[str, Text]
    next_step: NextStepTemplates
    readiness: ReadinessTemplates
    sure: SureItems


# -- supportive.yaml ----------------------------------------------------------------------------
class SupportiveFact(Cited):
    text: Text


class AlwaysShown(Data):
    complementary_only: SupportiveFact
    tell_team: SupportiveFact
    no_car_t_source: SupportiveFact


class SupportivePhrases(Data):
    not_told: Text
    told_unknown: Text
    told: Text
    none_recorded: Text


class Caution(SupportiveFact):
    """An interaction or safety note with its source; matched by name, kind or drug."""

    id: str
    names: list[str] = Field(default_factory=list)
    kinds: list[Literal["tcm", "supplement", "other"]] = Field(default_factory=list)
    drugs: list[str] = Field(default_factory=list)


class SupportiveFile(Data):
    header: dict[str, Any] = Field(default_factory=dict)
    always: AlwaysShown
    phrases: SupportivePhrases
    cautions: list[Caution]


# -- packet.yaml --------------------------------------------------------------------------------
class Redacted(Data):
    name: Text
    phone: Text
    email: Text
    address: Text
    facility: Text
    id: Text
    date: Text
    link: Text


class PacketFile(Data):
    header: dict[str, Any] = Field(default_factory=dict)
    labels: dict[str, Text]
    redacted: Redacted

    def label(self, key: str, lang: str, **values: object) -> str:
        text = entry(self.labels, key, "packet.yaml", "label").get(lang)
        return text.format(**values) if values else text


# -- glossary.yaml ------------------------------------------------------------------------------
class GlossaryTerm(Cited):
    """A word specialists write (``words``), explained in plain words for the patient."""

    id: str
    words: list[str] = Field(min_length=1)
    term: Text
    plain: Text


class GlossaryFile(Data):
    header: dict[str, Any] = Field(default_factory=dict)
    terms: list[GlossaryTerm]


# -- loading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewData:
    """The five files, validated, with the triage criteria compiled."""

    triage: TriageFile
    sentences: SentenceTemplates
    supportive: SupportiveFile
    packet: PacketFile
    glossary: GlossaryFile
    rules: tuple[tuple[TriageRule, Node], ...]
    kinds: Mapping[str, str]

    def extra_fact(self, code: str) -> ExtraFact | None:
        return next((f for f in self.triage.extra_facts if f.code == code), None)

    def place(self, jurisdiction: Jurisdiction, lang: str) -> str:
        return entry(self.sentences.places, jurisdiction, "sentences.yaml", "place").get(lang)

    def join_places(self, places: list[Jurisdiction], lang: str) -> str:
        """``the US``, ``the US and China``, ``the US, the EU and China`` (``美国、欧盟和中国``)."""
        names = [self.place(p, lang) for p in places]
        if len(names) <= 1:
            return "".join(names)
        head = self.sentences.join.comma.get(lang).join(names[:-1])
        return self.sentences.join.pair.get(lang).format(a=head, b=names[-1])


def _build(kb: KnowledgeBase, data_dir: Path) -> ReviewData:
    triage = read_model(data_dir / "triage.yaml", TriageFile)
    kinds: dict[str, str] = {code: fact.kind for code, fact in kb.facts.items()}
    for extra in triage.extra_facts:
        if extra.code in kinds:
            raise KnowledgeBaseError(
                f"triage.yaml: extra fact {extra.code!r} has the name of a derived fact"
            )
        kinds[extra.code] = extra.kind
    compiled = []
    for rule in triage.rules:
        compiled.append((rule, compile_data_criterion(rule.when, kinds, f"triage/{rule.id}.when")))
    return ReviewData(
        triage=triage,
        sentences=read_model(data_dir / "sentences.yaml", SentenceTemplates),
        supportive=read_model(data_dir / "supportive.yaml", SupportiveFile),
        packet=read_model(data_dir / "packet.yaml", PacketFile),
        glossary=read_model(data_dir / "glossary.yaml", GlossaryFile),
        rules=tuple(compiled),
        kinds=kinds,
    )


def load_review_data(kb: KnowledgeBase, data_dir: Path | None = None) -> ReviewData:
    """Load (once per process and file version) the step-5/6 data compiled against ``kb``."""
    folder = data_dir or DATA_DIR
    files = [folder / name for name in FILES]
    return cached("review", files, lambda: _build(kb, folder), kb.cache_key)


# -- checks -------------------------------------------------------------------------------------
_SLOTS: dict[str, set[str]] = {
    "category_questions": {"disease", "places", "missing"},
    "status": {"disease"},
    "history": {"n"},
    "options": {"places"},
    "car_t": {"places", "goal", "points"},
    "next_step": {"title", "ask"},
    "readiness": {"part", "item", "fact", "ask"},
    "join": {"a", "b"},
    "labels": {"n", "low", "high"},
}


def _cited(data: ReviewData) -> Iterator[tuple[str, Cited]]:
    for rule in data.triage.rules:
        yield f"triage: {rule.id}", rule
    always = data.supportive.always
    for name in ("complementary_only", "tell_team", "no_car_t_source"):
        yield f"supportive: always.{name}", getattr(always, name)
    for caution in data.supportive.cautions:
        yield f"supportive: {caution.id}", caution
    for term in data.glossary.terms:
        yield f"glossary: {term.id}", term


def _texts(where: str, value: Any) -> Iterator[tuple[str, Text]]:
    if isinstance(value, Text):
        yield where, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(f"{where}.{name}", getattr(value, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(f"{where}.{key}", item)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_templates(data: ReviewData) -> list[Finding]:
    found = []
    groups: list[tuple[str, Any]] = [
        ("category_questions", data.triage.category_questions),
        ("join", data.sentences.join),
        ("labels", data.packet.labels),
    ]
    groups += [
        (name, getattr(data.sentences, name))
        for name in ("status", "history", "options", "car_t", "next_step", "readiness")
    ]
    for group, value in groups:
        for where, text in _texts(group, value):
            for lang in ("en", "zh"):
                try:
                    names = _placeholders(text.get(lang))
                except ValueError as exc:
                    found.append(Finding("error", f"templates: {where}.{lang}", str(exc)))
                    continue
                unknown = names - _SLOTS[group]
                if unknown:
                    found.append(
                        Finding(
                            "error",
                            f"templates: {where}.{lang}",
                            f"unknown placeholder(s) {sorted(unknown)}",
                        )
                    )
    return found


_CODE_FACTS = {"disease", "subtype", "exposed_classes"}


def findings(
    kb: KnowledgeBase, data: ReviewData | None = None, today: dt.date | None = None
) -> list[Finding]:
    """What ``crossroads kb check`` should say about these files, errors first.

    Errors: duplicate ids, a triage rule no case could ever meet, unknown codes or drugs, broken
    template placeholders, a jurisdiction without a place name. Warnings: stale or flagged facts,
    and team questions that have no short topic for the ``car_t`` sentence.
    """
    data = data or load_review_data(kb)
    today = today or dt.date.today()
    cited = list(_cited(data))
    found = duplicate_ids(cited)
    for where, fact in cited:
        found += cited_findings(where, fact, today)
    subtypes = {s for d in kb.diseases.values() for s in d.subtypes}
    pools = {
        "disease": set(kb.diseases),
        "subtype": subtypes,
        "exposed_classes": set(kb.drug_classes),
    }
    for rule, node in data.rules:
        where = f"triage: {rule.id}"
        for leaf in leaves(node):
            if leaf.fact in _CODE_FACTS:
                values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
                for value in values:
                    if value not in pools[leaf.fact]:
                        found.append(Finding("error", where, f"unknown {leaf.fact} code {value!r}"))
        if not satisfiable(node, data.kinds, {}):
            found.append(Finding("error", where, "this rule can never fire"))
    for caution in data.supportive.cautions:
        for drug in caution.drugs:
            if drug not in kb.drugs:
                found.append(
                    Finding("error", f"supportive: {caution.id}", f"unknown drug code {drug!r}")
                )
        if not (caution.names or caution.kinds or caution.drugs):
            found.append(
                Finding("error", f"supportive: {caution.id}", "matches nothing (names/kinds/drugs)")
            )
    for jurisdiction in JURISDICTIONS:
        if jurisdiction not in data.sentences.places:
            found.append(Finding("error", "sentences: places", f"no name for {jurisdiction}"))
    for question, _ in kb.questions:
        if question.id not in data.sentences.points:
            found.append(
                Finding(
                    "warning",
                    f"sentences: points.{question.id}",
                    "no short topic for this team question; the generic one is used",
                )
            )
    found += _check_glossary(data)
    found += _check_templates(data)
    found.sort(key=lambda f: (f.level != "error", f.where))
    return found


def _check_glossary(data: ReviewData) -> list[Finding]:
    """A word may explain one term only: two terms for one word would be a guess between them."""
    found: list[Finding] = []
    owner: dict[str, str] = {}
    for term in data.glossary.terms:
        for word in term.words:
            key = word.casefold()
            if key in owner and owner[key] != term.id:
                found.append(
                    Finding(
                        "error",
                        f"glossary: {term.id}",
                        f"the word {word!r} is also a word of {owner[key]}",
                    )
                )
            owner.setdefault(key, term.id)
    return found


_ALIAS_STRIP = re.compile(r"[\s'’.\-_()（）·]+")


def normalise_alias(text: str) -> str:
    """Names of herbs and supplements as people write them: case, spaces and marks ignored."""
    return _ALIAS_STRIP.sub("", text.lower())


__all__ = [
    "Caution",
    "ExtraFact",
    "GlossaryFile",
    "GlossaryTerm",
    "PacketFile",
    "ReviewData",
    "SentenceTemplates",
    "SupportiveFile",
    "TriageFile",
    "TriageRule",
    "findings",
    "load_review_data",
    "normalise_alias",
]
