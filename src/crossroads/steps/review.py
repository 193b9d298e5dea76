"""Step 5: prepare a specialist review (MDT or second opinion).

Two jobs. :func:`triage` says when a review is worth asking for and why, from the cited rules in
``kb/data/triage.yaml``; each result keeps its rule trace, so an output can name the fact that
fired it, or the fact that would settle a rule that cannot be decided yet.
:func:`proposed_questions` helps phrase the one specific question a review should answer,
from the case's category, its gaps and the rules that fired; the person edits it, and their own
question (``review.specific_question``) always wins.

:func:`explain_terms` explains, in plain words, the specialist words a reviewer's answer uses
(``kb/data/glossary.yaml``), so the answer reads clearly to the person who asked.

Some triage rules test case-level facts that are not derived facts of the label criteria (advice
that conflicts, plans abroad, a CAR-T answer that is still open). :func:`extra_facts` computes them
here; ``triage.yaml`` documents each one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from crossroads.common.values import FactValue, Tri, tri_or
from crossroads.engine.classify import Category, Classification
from crossroads.engine.explain import ask_for, format_value
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.kb.review_data import ReviewData, TriageRule, load_review_data
from crossroads.logic.facts import cross_border
from crossroads.logic.rules import Leaf, Trace
from crossroads.record.case import Case

CATEGORY_ORDER: tuple[Category, ...] = ("established", "cannot_tell", "trial", "not_realistic_now")
EXTRA_FACTS = (
    "conflicting_advice",
    "second_opinion_requested",
    "cross_border",
    "car_t_cannot_tell",
    "car_t_differs_by_place",
    "sure_has_no",
)
MAX_ASKS_IN_QUESTION = 2


# -- case-level facts ---------------------------------------------------------------------------
def _sure_has_no(case: Case) -> Tri:
    answers = case.decision.sure.model_dump().values()
    return tri_or(None if a is None else a is False for a in answers)


def extra_facts(case: Case, classification: Classification) -> dict[str, FactValue]:
    """The case-level facts that triage rules test besides the derived facts."""
    categories = [r.category for r in classification.jurisdictions]
    return {
        "conflicting_advice": case.review.conflicting_advice,
        "second_opinion_requested": case.review.second_opinion_requested,
        "cross_border": cross_border(case),
        "car_t_cannot_tell": "cannot_tell" in categories,
        "car_t_differs_by_place": len(set(categories)) > 1,
        "sure_has_no": _sure_has_no(case),
    }


# -- triage -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TriageResult:
    """One triage rule weighed for this case, with the trace that decided it."""

    rule: TriageRule
    trace: Trace

    @property
    def result(self) -> Tri:
        return self.trace.result

    @property
    def fired(self) -> bool:
        return self.trace.result is True

    def deciding_facts(self) -> list[str]:
        """The facts behind the result: those that held, failed, or are still unknown."""
        out: list[str] = []
        for trace, _negated in self.trace.decisive():
            if isinstance(trace.node, Leaf) and trace.node.fact not in out:
                out.append(trace.node.fact)
        return out

    def missing(self) -> list[str]:
        """For a rule that cannot be decided yet: the unknown facts that would settle it."""
        if self.result is not None:
            return []
        return self.deciding_facts()


def _facts_for_rules(case: Case, classification: Classification) -> dict[str, FactValue]:
    values = dict(classification.facts.values)
    values.update(extra_facts(case, classification))
    return values


def triage(case: Case, kb: KnowledgeBase, classification: Classification) -> list[TriageResult]:
    """Every triage rule weighed for the case, in the knowledge base's order."""
    data = load_review_data(kb)
    values = _facts_for_rules(case, classification)
    return [TriageResult(rule, node.evaluate(values)) for rule, node in data.rules]


def fact_label(kb: KnowledgeBase, data: ReviewData, code: str, lang: str) -> str:
    """Plain name of a derived or case-level fact."""
    if code in kb.facts:
        return kb.fact_name(code, lang)
    extra = data.extra_fact(code)
    return extra.name.get(lang) if extra else code.replace("_", " ")


def fact_ask(kb: KnowledgeBase, data: ReviewData, code: str, lang: str) -> str:
    """What to request so that a derived or case-level fact becomes known."""
    if code in kb.facts or code.startswith("kb:"):
        return ask_for(kb, code, lang)
    extra = data.extra_fact(code)
    return extra.ask.get(lang) if extra else code.replace("_", " ")


def because(
    result: TriageResult, kb: KnowledgeBase, values: Mapping[str, FactValue], lang: str = "en"
) -> list[str]:
    """Which facts decided a rule, with this case's values (``fact: value``)."""
    data = load_review_data(kb)
    sep = "：" if lang.startswith("zh") else ": "
    out = []
    for code in result.deciding_facts():
        value = values.get(code)
        shown = (
            format_value(kb, code, value, lang)
            if code in kb.facts or value is None or isinstance(value, bool)
            else str(value)
        )
        out.append(f"{fact_label(kb, data, code, lang)}{sep}{shown}")
    return out


# -- the specific question ----------------------------------------------------------------------
def overall_category(classification: Classification) -> tuple[Category, list[Jurisdiction]]:
    """The most settled category across the chosen places, and the places that have it."""
    for category in CATEGORY_ORDER:
        places = [r.jurisdiction for r in classification.jurisdictions if r.category == category]
        if places:
            return category, places
    return "cannot_tell", []


def open_facts(kb: KnowledgeBase, classification: Classification) -> list[str]:
    """Unknown facts that decide an open answer, critical ones first, knowledge-base order."""
    order = {code: i for i, code in enumerate(kb.facts)}
    keys = list(classification.missing_facts())
    if classification.facts.values.get("disease") is None and "disease" not in keys:
        keys.insert(0, "disease")

    def rank(key: str) -> tuple[int, int, str]:
        fact = kb.facts.get(key)
        return (0 if fact and fact.critical else 1, order.get(key, len(order)), key)

    return sorted(keys, key=rank)


def _disease_name(kb: KnowledgeBase, classification: Classification, lang: str) -> str:
    code = classification.facts.values.get("disease")
    if isinstance(code, str):
        return kb.code_name(code, lang)
    return kb.phrase("reason.unknown_value", lang)


def question_proposals(
    case: Case, kb: KnowledgeBase, classification: Classification, lang: str = "en"
) -> list[str]:
    """Questions Crossroads proposes: the category's question, then one per fired rule."""
    data = load_review_data(kb)
    category, places = overall_category(classification)
    sep = "；" if lang.startswith("zh") else "; "
    missing = sep.join(
        fact_ask(kb, data, key, lang)
        for key in open_facts(kb, classification)[:MAX_ASKS_IN_QUESTION]
    )
    first = (
        getattr(data.triage.category_questions, category)
        .get(lang)
        .format(
            disease=_disease_name(kb, classification, lang),
            places=data.join_places(places, lang),
            missing=missing or kb.phrase("reason.unknown_value", lang),
        )
    )
    out = [first]
    for result in triage(case, kb, classification):
        text = result.rule.question.get(lang)
        if result.fired and text not in out:
            out.append(text)
    return out


def proposed_questions(
    case: Case, kb: KnowledgeBase, classification: Classification, lang: str = "en"
) -> list[str]:
    """The question(s) to bring to a review: the person's own question wins over proposals."""
    own = (case.review.specific_question or "").strip()
    if own:
        return [own]
    return question_proposals(case, kb, classification, lang)


@dataclass(frozen=True, slots=True)
class SpecificQuestion:
    text: str
    by: Literal["person", "proposed"]


def specific_question(
    case: Case, kb: KnowledgeBase, classification: Classification, lang: str = "en"
) -> SpecificQuestion:
    """The one question for the packet: the person's, or Crossroads' first proposal (marked so)."""
    own = (case.review.specific_question or "").strip()
    if own:
        return SpecificQuestion(own, "person")
    return SpecificQuestion(question_proposals(case, kb, classification, lang)[0], "proposed")


# -- plain data for the CLI and the web app ------------------------------------------------------
def review_data(
    case: Case, kb: KnowledgeBase, classification: Classification, lang: str = "en"
) -> dict[str, Any]:
    """Triage and question proposals as JSON-ready data (``crossroads review --format json``)."""
    data = load_review_data(kb)
    values = _facts_for_rules(case, classification)
    results = triage(case, kb, classification)

    def item(result: TriageResult) -> dict[str, Any]:
        return {
            "id": result.rule.id,
            "text": result.rule.text.get(lang),
            "because": because(result, kb, values, lang),
            "missing": [
                {"fact": code, "ask": fact_ask(kb, data, code, lang)} for code in result.missing()
            ],
            "focus": result.rule.focus,
            "source": result.rule.source,
            "as_of": result.rule.as_of.isoformat(),
            "confidence": result.rule.confidence,
            "flag": result.rule.flag_text(lang),
        }

    own = (case.review.specific_question or "").strip() or None
    category, places = overall_category(classification)
    return {
        "schema": "crossroads.review/v1",
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "lang": lang,
        "review_advised": any(r.fired for r in results),
        "category": category,
        "category_places": places,
        "triage": [item(r) for r in results if r.fired],
        "may_apply": [item(r) for r in results if r.result is None],
        "specific_question": own,
        "proposed_questions": question_proposals(case, kb, classification, lang),
        "notice": kb.phrase("not_replace", lang),
    }


@dataclass(frozen=True, slots=True)
class Explained:
    """A word found in an answer, with its plain meaning in the reader's language."""

    id: str
    term: str
    plain: str


def word_regex(word: str) -> str:
    """The pattern for a glossary word: whole in Latin letters (``CR`` must not match inside
    ``CRS``), any place in CJK. Compile with ``re.IGNORECASE``; every reader of the glossary
    (the review answers, the report, the web pages' links) matches words this one way."""
    if word.isascii():
        return rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])"
    return re.escape(word)


def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(word_regex(word), re.IGNORECASE)


def explain_terms(texts: Iterable[str], kb: KnowledgeBase, lang: str = "en") -> list[Explained]:
    """The glossary terms the texts use, each once, in the glossary's order.

    Why the glossary's order and not the text's: the list then reads the same for every answer,
    markers before tests before side effects. Unknown words are left as written: a term is only
    explained when the knowledge base has it.
    """
    joined = "\n".join(texts)
    found: list[Explained] = []
    for term in load_review_data(kb).glossary.terms:
        if any(_word_pattern(w).search(joined) for w in term.words):
            found.append(Explained(term.id, term.term.get(lang), term.plain.get(lang)))
    return found


__all__ = [
    "EXTRA_FACTS",
    "Explained",
    "SpecificQuestion",
    "TriageResult",
    "because",
    "cross_border",
    "explain_terms",
    "extra_facts",
    "fact_ask",
    "fact_label",
    "open_facts",
    "overall_category",
    "proposed_questions",
    "question_proposals",
    "review_data",
    "specific_question",
    "triage",
    "word_regex",
]
