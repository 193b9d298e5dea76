"""The packet data (``crossroads.packet/v1``): an allow-list of fields, free text scrubbed.

Built from an allow-list of fields, never by deleting from the record (security.md §4): the packet
never carries the name, birth date, contact details, record numbers or city. Codes are carried
only when the knowledge base knows them (a subtype that is not a known code could be anything a
person typed, so it is left out and the packet says so). Every piece of free text goes through
:class:`~crossroads.steps.deid.scrub.Scrubber`; a case with more free text than
:data:`MAX_FREE_TEXT` is refused with a message naming the largest field, so one packet build
stays fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from crossroads.common.errors import FreeTextTooLongError, Problem
from crossroads.engine.classify import Classification, classify
from crossroads.engine.explain import ask_for, reasons
from crossroads.kb import JURISDICTIONS, Jurisdiction, KnowledgeBase
from crossroads.kb.review_data import PacketFile, load_review_data
from crossroads.record.case import Case
from crossroads.steps.deid.clock import Clock, age_shown, anchor, shift_months
from crossroads.steps.deid.identifiers import free_text_fields
from crossroads.steps.deid.scrub import Scrubber, redaction_marks
from crossroads.steps.review import open_facts, specific_question, triage

PACKET_SCHEMA_ID = "crossroads.packet/v1"
MAX_FREE_TEXT = 100_000  # characters of free text in one case (notes alone may hold 20,000)
_STATUS_ORDER = {"on_label": 0, "needs_information": 1, "not_on_label": 2}


def check_free_text(case: Case, limit: int = MAX_FREE_TEXT) -> None:
    """Refuse a case whose free text, all fields together, is longer than ``limit`` characters."""
    sizes: dict[str, int] = {}
    for where, text in free_text_fields(case):
        field = re.sub(r"\[\d+\]", "", where)
        sizes[field] = sizes.get(field, 0) + len(text)
    total = sum(sizes.values())
    if total <= limit:
        return
    field, size = max(sizes.items(), key=lambda item: item[1])
    raise FreeTextTooLongError(
        "",
        [
            Problem(
                field,
                f"The case holds {total:,} characters of free text; a specialist packet takes at "
                f"most {limit:,}.",
                f"Shorten {field} ({size:,} characters, the longest) and build the packet again.",
            )
        ],
    )


def _classification_data(
    kb: KnowledgeBase, classification: Classification, lang: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for result in classification.jurisdictions:
        out[result.jurisdiction] = {
            "category": result.category,
            "category_label": kb.phrase(f"category.{result.category}", lang),
            "products": [
                {
                    "product": ind.product_code,
                    "indication": ind.indication_id,
                    "status": ind.status,
                    "reasons": reasons(kb, ind, lang),
                    "source": ind.compiled.indication.source,
                }
                for ind in sorted(
                    result.indications,
                    key=lambda i: (_STATUS_ORDER[i.status], i.product_code, i.indication_id),
                )
            ],
        }
    return out


def _lines(case: Case, clock: Clock, scrub: Scrubber) -> list[dict[str, Any]]:
    return [
        {
            "number": i,
            "regimen": scrub(line.regimen) if line.regimen else None,
            "agents": list(line.agents) if line.agents is not None else None,
            "kind": line.kind,
            "start": clock.offset(line.start),
            "end": clock.offset(line.end),
            "best_response": line.best_response,
            "progression": clock.offset(line.progression),
            "refractory": line.refractory,
        }
        for i, line in enumerate(case.lines or [], start=1)
    ]


def _notice(labels: PacketFile, anchor_kind: str | None, lang: str) -> str:
    key = {"diagnosis": "notice", "first_recorded_date": "notice_first_date"}.get(
        anchor_kind or "", "notice_no_dates"
    )
    return labels.label(key, lang)


def known_codes(case: Case, kb: KnowledgeBase) -> tuple[str | None, str | None, list[str]]:
    """The disease and subtype codes the knowledge base knows, and the fields left out.

    Fails closed: a subtype is kept only if it is a subtype of the case's disease, or, with no
    disease, of some disease; anything else may be text a person typed and never reaches a
    reviewer.
    """
    disease, subtype = case.diagnosis.disease, case.diagnosis.subtype
    left_out: list[str] = []
    if disease is not None and disease not in kb.diseases:
        disease = None
        left_out.append("disease")
    if subtype is not None:
        if disease is not None:
            known = subtype in kb.diseases[disease].subtypes
        else:
            known = any(subtype in d.subtypes for d in kb.diseases.values())
        if not known:
            subtype = None
            left_out.append("subtype")
    return disease, subtype, left_out


def with_known_codes(case: Case, kb: KnowledgeBase) -> tuple[Case, list[str]]:
    """The case with unknown disease or subtype codes removed, and the fields removed."""
    disease, subtype, left_out = known_codes(case, kb)
    if not left_out:
        return case, []
    diagnosis = case.diagnosis.model_copy(update={"disease": disease, "subtype": subtype})
    return case.model_copy(update={"diagnosis": diagnosis}), left_out


def _diagnosis(
    case: Case,
    left_out: list[str],
    kb: KnowledgeBase,
    labels: PacketFile,
    lang: str,
    clock: Clock,
    scrub: Scrubber,
) -> dict[str, Any]:
    diagnosis = case.diagnosis
    disease, subtype = diagnosis.disease, diagnosis.subtype
    antigens = diagnosis.target_antigens
    return {
        "disease": disease,
        "disease_name": kb.code_name(disease, lang) if disease else None,
        "subtype": subtype,
        "subtype_name": kb.code_name(subtype, lang) if subtype else None,
        "left_out": [
            {"field": field, "text": labels.label(f"left_out_{field}", lang)} for field in left_out
        ],
        "stage": scrub(diagnosis.stage) if diagnosis.stage else None,
        "diagnosed": clock.offset(diagnosis.diagnosed),
        "cns_involvement": diagnosis.cns_involvement,
        "target_antigens": antigens.model_dump(exclude_none=True) if antigens else None,
    }


def deidentify(
    case: Case,
    kb: KnowledgeBase,
    classification: Classification | None = None,
    *,
    shift_seed: int | str | None = None,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    today: dt.date | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """The packet data for reviewers (``crossroads.packet/v1``), with no direct identifiers.

    ``classification`` is computed when not given. ``shift_seed`` adds shifted dates next to the
    month counts; keep the seed secret, like any re-identification key. A disease or subtype the
    knowledge base does not know is left out, and then the classification is made again without
    it (the one given would quote it). Raises
    :class:`~crossroads.common.errors.FreeTextTooLongError` for a case with more free text than
    :data:`MAX_FREE_TEXT`.
    """
    check_free_text(case)
    case, left_out = with_known_codes(case, kb)
    if left_out or classification is None:
        # A classification made with an unknown code would quote it in its reasons.
        classification = classify(case, kb, jurisdictions, today)
    data = load_review_data(kb)
    labels = data.packet
    scrub = Scrubber(case, redaction_marks(labels, lang))
    anchor_date, anchor_kind = anchor(case)
    shift = None if shift_seed is None else shift_months(shift_seed)
    clock = Clock(anchor_date, labels, lang, shift)
    status, fitness = case.disease_status, case.fitness
    question = specific_question(case, kb, classification, lang)
    missing = [
        {"fact": key, "ask": ask_for(kb, key, lang)}
        for key in open_facts(kb, classification)
        if key in kb.facts or key.startswith("kb:")
    ]
    packet: dict[str, Any] = {
        "schema": PACKET_SCHEMA_ID,
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "lang": lang,
        "notice": _notice(labels, anchor_kind, lang),
        "check_before_sending": labels.label("check_before_sending", lang),
        "time_anchor": anchor_kind,
        "dates_shifted": shift_seed is not None,
        "person": {
            "age_years": age_shown(case, classification),
            "sex": case.patient.sex,
            "country": case.patient.country,
            "language": case.patient.language,
        },
        "diagnosis": _diagnosis(case, left_out, kb, labels, lang, clock, scrub),
        "lines": _lines(case, clock, scrub) if case.lines is not None else None,
        "disease_status": {
            "state": status.state,
            "relapse_number": status.relapse_number,
            "last_progression": clock.offset(status.last_progression),
            "rapid_progression": status.rapid_progression,
        },
        "transplants": None
        if case.transplants is None
        else [{"type": t.type, "date": clock.offset(t.date)} for t in case.transplants],
        "transplant_eligible": case.transplant_eligible,
        "transplant_ineligible_reasons": case.transplant_ineligible_reasons,
        "prior_cellular_therapy": None
        if case.prior_cellular_therapy is None
        else [
            {
                "target": c.target,
                "product": scrub(c.product) if c.product else None,
                "date": clock.offset(c.date),
            }
            for c in case.prior_cellular_therapy
        ],
        "fitness": {
            "ecog": fitness.ecog,
            "active_infection": fitness.active_infection,
            # the organs only: a detail is free text a person typed (it may name a hospital)
            "organ_dysfunction": None
            if fitness.organ_dysfunction is None
            else list(dict.fromkeys(o.organ for o in fitness.organ_dysfunction)),
        },
        "assessed": clock.offset(classification.facts.assessment_date),
        "preferences": {
            "main_goal": case.preferences.main_goal,
            "importance": case.preferences.importance,
            "fears": scrub.scrub_value(case.preferences.fears),
        },
        "logistics": case.logistics.model_dump(exclude_none=True),
        "records": case.records.model_dump(exclude_none=True),
        "supportive_care": None
        if case.supportive_care is None
        else [
            {
                "name": scrub(s.name),
                "kind": s.kind,
                "purpose": scrub(s.purpose) if s.purpose else None,
                "told_treating_team": s.told_treating_team,
            }
            for s in case.supportive_care
        ],
        "classification": _classification_data(kb, classification, lang),
        "team_questions": [
            {"id": r.question.id, "text": r.question.text.get(lang)}
            for r in classification.questions
        ],
        "triage": [
            {"id": r.rule.id, "text": r.rule.text.get(lang), "source": r.rule.source}
            for r in triage(case, kb, classification)
            if r.fired
        ],
        "specific_question": {"text": scrub(question.text), "by": question.by},
        "missing_facts": missing,
        "notes": scrub(case.notes) if case.notes else None,
        "decision": {
            "sentences": scrub.scrub_value(case.decision.sentences.model_dump(exclude_none=True)),
            "sure": case.decision.sure.model_dump(),
            "edited": clock.offset(case.decision.edited),
        },
        "extensions": scrub.scrub_value(case.extensions) if case.extensions else None,
        "not_replace": kb.phrase("not_replace", lang),
        "urgent": kb.phrase("urgent", lang),
    }
    return packet


__all__ = [
    "MAX_FREE_TEXT",
    "PACKET_SCHEMA_ID",
    "check_free_text",
    "deidentify",
    "known_codes",
    "with_known_codes",
]
