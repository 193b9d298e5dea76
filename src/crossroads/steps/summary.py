"""Step 6: the four plain sentences and the decision-readiness check.

A decision is ready when the person can say, plainly: where the disease stands and what has been
tried; which options are realistic now; why CAR-T is or is not right at this point; and what
happens next (decision-guide.txt). :func:`draft_sentences` drafts each part from the record and the
classification, in the first person, with templates from ``kb/data/sentences.yaml``; the person
edits them and they are stored in the case's ``decision`` section.

:func:`decision_readiness` says whether the decision can be made now, or exactly what is still
open: a sentence not written yet, a SURE answer that is "no" or missing (Légaré et al. 2010: 4 of
4 means no decisional conflict), or a critical fact (``critical: true`` in ``facts.yaml``) that is
unknown and decides an open answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from crossroads.common.dates import Interval
from crossroads.engine.classify import Classification
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.kb.models import Text
from crossroads.kb.review_data import ReviewData, load_review_data
from crossroads.record.case import Case, Sentences, Sure
from crossroads.steps.review import (
    CATEGORY_ORDER,
    fact_ask,
    fact_label,
    open_facts,
    overall_category,
    triage,
)

Part = Literal["status", "options", "car_t", "next_step"]
PARTS: tuple[Part, ...] = ("status", "options", "car_t", "next_step")
SureItem = Literal[
    "sure_of_choice", "understand_information", "risks_and_benefits_clear", "enough_support"
]
SURE_ITEMS: tuple[SureItem, ...] = (
    "sure_of_choice",
    "understand_information",
    "risks_and_benefits_clear",
    "enough_support",
)


def _spaced(parts: list[str], lang: str) -> str:
    """Sentences joined the way each language writes them (a space in English, none in Chinese)."""
    return ("" if lang.startswith("zh") else " ").join(p for p in parts if p)


# -- drafting -----------------------------------------------------------------------------------
def _status(case: Case, kb: KnowledgeBase, data: ReviewData, cl: Classification, lang: str) -> str:
    t = data.sentences
    disease = cl.facts.values.get("disease")
    if not isinstance(disease, str):
        first = t.status.unknown_disease.get(lang)
    else:
        state = case.disease_status.state or "unknown_state"
        first = getattr(t.status, state).get(lang).format(disease=kb.code_name(disease, lang))
    lines = cl.facts.values.get("prior_lines")
    if not isinstance(lines, Interval):
        history = t.history.unknown.get(lang)
    elif lines.high == 0:
        history = t.history.none.get(lang)
    elif lines.high == 1:
        history = t.history.one.get(lang)
    else:
        history = t.history.many.get(lang).format(n=lines.high)
    parts = [first, history]
    if case.transplants:
        parts.append(t.history.transplant.get(lang))
    if case.prior_cellular_therapy:
        parts.append(t.history.prior_car_t.get(lang))
    if case.disease_status.rapid_progression:
        parts.append(t.history.rapid.get(lang))
    return _spaced(parts, lang)


def _places_by_category(cl: Classification) -> dict[str, list[Jurisdiction]]:
    grouped: dict[str, list[Jurisdiction]] = {}
    for result in cl.jurisdictions:
        grouped.setdefault(result.category, []).append(result.jurisdiction)
    return grouped


def _options(case: Case, data: ReviewData, cl: Classification, lang: str) -> str:
    t = data.sentences.options
    grouped = _places_by_category(cl)
    parts = [
        getattr(t, category).get(lang).format(places=data.join_places(grouped[category], lang))
        for category in CATEGORY_ORDER
        if category in grouped
    ]
    if case.transplant_eligible:
        parts.append(t.transplant_possible.get(lang))
    parts.append(t.others.get(lang))
    return _spaced(parts, lang)


def _points(data: ReviewData, cl: Classification, lang: str) -> str:
    names: list[str] = []
    for raised in cl.questions:
        point = data.sentences.points.get(raised.question.id) or data.sentences.points["other"]
        if point.get(lang) not in names:
            names.append(point.get(lang))
    if len(names) <= 1:
        return "".join(names)
    comma = data.sentences.join.comma.get(lang)
    return data.sentences.join.pair.get(lang).format(a=comma.join(names[:-1]), b=names[-1])


def _car_t(case: Case, data: ReviewData, cl: Classification, lang: str) -> str:
    t = data.sentences.car_t
    category, places = overall_category(cl)
    if category != "established":
        text: Text = getattr(t, category)
        return text.get(lang)
    parts = [t.established.get(lang).format(places=data.join_places(places, lang))]
    goal = case.preferences.main_goal
    if goal is not None:
        parts.append(t.goal.get(lang).format(goal=data.sentences.goals[goal].get(lang)))
    points = _points(data, cl, lang)
    if points:
        parts.append(t.weigh.get(lang).format(points=points))
    return _spaced(parts, lang)


def _next_step(
    case: Case, kb: KnowledgeBase, data: ReviewData, cl: Classification, lang: str
) -> str:
    t = data.sentences.next_step
    action = next((a for a in case.actions or [] if not a.done), None)
    if action is not None:
        return t.action.get(lang).format(title=action.title.strip().rstrip("。.").strip())
    parts = []
    unknown = critical_unknowns(kb, cl)
    if unknown:
        parts.append(t.gather.get(lang).format(ask=fact_ask(kb, data, unknown[0], lang)))
    if any(result.fired for result in triage(case, kb, cl)):
        parts.append((t.review_then if parts else t.review_first).get(lang))
    if not parts:
        category, _ = overall_category(cl)
        parts.append((t.established if category == "established" else t.other).get(lang))
    return _spaced(parts, lang)


def draft_sentences(
    case: Case, kb: KnowledgeBase, classification: Classification, lang: str = "en"
) -> Sentences:
    """Drafts of the four sentences from the record, for the person to edit."""
    data = load_review_data(kb)
    return Sentences(
        status=_status(case, kb, data, classification, lang),
        options=_options(case, data, classification, lang),
        car_t=_car_t(case, data, classification, lang),
        next_step=_next_step(case, kb, data, classification, lang),
    )


def merge_sentences(
    stored: Sentences, drafts: Sentences, force: bool = False
) -> tuple[Sentences, list[Part], list[Part]]:
    """Drafts fill the empty parts; parts the person already wrote stay unless ``force``.

    Returns the merged sentences, the parts written from drafts, and the parts kept as they were.
    """
    merged: dict[str, str | None] = {}
    written: list[Part] = []
    kept: list[Part] = []
    for part in PARTS:
        own = getattr(stored, part)
        draft = getattr(drafts, part)
        if own and own.strip() and not force:
            merged[part] = own
            kept.append(part)
        else:
            merged[part] = draft
            if draft != own:
                written.append(part)
    return Sentences.model_validate(merged), written, kept


# -- readiness ----------------------------------------------------------------------------------
def critical_unknowns(kb: KnowledgeBase, classification: Classification) -> list[str]:
    """Critical facts (``facts.yaml``) that are unknown and decide an open answer."""
    return [
        key for key in open_facts(kb, classification) if key in kb.facts and kb.facts[key].critical
    ]


OpenKind = Literal["sentence", "sure_no", "sure_unanswered", "critical_unknown"]


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One thing that keeps the decision from being ready: its kind and what it refers to."""

    kind: OpenKind
    key: str


@dataclass(frozen=True, slots=True)
class ReadinessCheck:
    """The decision-readiness check: ready only when nothing is open."""

    sentences_present: dict[Part, bool]
    sure_answers: dict[SureItem, bool | None]
    critical_unknowns: tuple[str, ...]
    open_items: tuple[OpenItem, ...]

    @property
    def ready(self) -> bool:
        return not self.open_items

    @property
    def sure_score(self) -> int:
        """SURE total, 0-4: one point per "yes"."""
        return sum(1 for answer in self.sure_answers.values() if answer is True)


def decision_readiness(
    case: Case, kb: KnowledgeBase, classification: Classification
) -> ReadinessCheck:
    """Four sentences present, SURE 4 of 4, no critical unknown left; or what is still open."""
    stored = case.decision.sentences
    present: dict[Part, bool] = {p: bool((getattr(stored, p) or "").strip()) for p in PARTS}
    sure: Sure = case.decision.sure
    answers: dict[SureItem, bool | None] = {item: getattr(sure, item) for item in SURE_ITEMS}
    unknown = tuple(critical_unknowns(kb, classification))
    items = [OpenItem("sentence", p) for p in PARTS if not present[p]]
    items += [OpenItem("sure_no", i) for i in SURE_ITEMS if answers[i] is False]
    items += [OpenItem("sure_unanswered", i) for i in SURE_ITEMS if answers[i] is None]
    items += [OpenItem("critical_unknown", key) for key in unknown]
    return ReadinessCheck(present, answers, unknown, tuple(items))


def open_item_text(item: OpenItem, kb: KnowledgeBase, lang: str = "en") -> str:
    """One open item in plain words, saying what to do about it."""
    data = load_review_data(kb)
    t = data.sentences.readiness
    if item.kind == "sentence":
        part = getattr(t.parts, item.key).get(lang)
        return t.missing_sentence.get(lang).format(part=part)
    if item.kind in ("sure_no", "sure_unanswered"):
        question = getattr(data.sentences.sure, item.key).get(lang)
        template = t.sure_no if item.kind == "sure_no" else t.sure_unanswered
        return template.get(lang).format(item=question)
    return t.critical_unknown.get(lang).format(
        fact=fact_label(kb, data, item.key, lang), ask=fact_ask(kb, data, item.key, lang)
    )


def readiness_text(check: ReadinessCheck, kb: KnowledgeBase, lang: str = "en") -> list[str]:
    """The check as lines: the verdict first, then each open item."""
    t = load_review_data(kb).sentences.readiness
    if check.ready:
        return [t.ready.get(lang)]
    return [t.not_ready.get(lang)] + [open_item_text(i, kb, lang) for i in check.open_items]


def summary_data(
    case: Case, kb: KnowledgeBase, classification: Classification, lang: str = "en"
) -> dict[str, Any]:
    """Drafts, what they were drafted from, stored sentences and the readiness check."""
    check = decision_readiness(case, kb, classification)
    drafts = draft_sentences(case, kb, classification, lang)
    stored = case.decision.sentences
    return {
        "schema": "crossroads.summary/v1",
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "lang": lang,
        "drafts": {p: getattr(drafts, p) for p in PARTS},
        "basis": {
            "categories": {r.jurisdiction: r.category for r in classification.jurisdictions},
            "team_questions": [r.question.id for r in classification.questions],
            "triage": [r.rule.id for r in triage(case, kb, classification) if r.fired],
            "critical_unknowns": list(check.critical_unknowns),
        },
        "stored": {p: getattr(stored, p) for p in PARTS},
        "readiness": {
            "ready": check.ready,
            "sentences_present": dict(check.sentences_present),
            "sure_score": check.sure_score,
            "sure_answers": dict(check.sure_answers),
            "critical_unknowns": list(check.critical_unknowns),
            "open": [
                {"kind": i.kind, "key": i.key, "text": open_item_text(i, kb, lang)}
                for i in check.open_items
            ],
            "text": readiness_text(check, kb, lang),
        },
        "notice": kb.phrase("not_replace", lang),
        "urgent": kb.phrase("urgent", lang),
    }


__all__ = [
    "PARTS",
    "SURE_ITEMS",
    "OpenItem",
    "ReadinessCheck",
    "critical_unknowns",
    "decision_readiness",
    "draft_sentences",
    "merge_sentences",
    "open_item_text",
    "readiness_text",
    "summary_data",
]
