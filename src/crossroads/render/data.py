"""The classification as plain data in one language: the source of the JSON, text and Markdown."""

from __future__ import annotations

from typing import Any

from crossroads.engine.classify import Classification
from crossroads.engine.explain import ask_for, expansion_notes, reasons
from crossroads.kb import KnowledgeBase

ASSESSMENT_SCHEMA_ID = "crossroads.assessment/v1"


def assessment_data(result: Classification, kb: KnowledgeBase, lang: str = "en") -> dict[str, Any]:
    """Everything ``crossroads assess`` shows, as JSON-ready data (``crossroads.assessment/v1``)."""
    jurisdictions: dict[str, Any] = {}
    for jr in result.jurisdictions:
        products = []
        order = {"on_label": 0, "needs_information": 1, "not_on_label": 2}
        for ind in sorted(
            jr.indications, key=lambda i: (order[i.status], i.product_code, i.indication_id)
        ):
            product, indication = ind.compiled.product, ind.compiled.indication
            products.append(
                {
                    "product": product.code,
                    "short": product.short,
                    "brand": product.brand.get(jr.jurisdiction),
                    "indication": indication.id,
                    "indication_text": indication.summary.get(lang),
                    "status": ind.status,
                    "reasons": reasons(kb, ind, lang),
                    "missing": [{"fact": k, "ask": ask_for(kb, k, lang)} for k in ind.missing()],
                    "source": indication.source,
                    "as_of": indication.as_of.isoformat(),
                    "confidence": indication.confidence,
                    "flag": indication.flag_text(lang),
                    "approved": indication.approved,
                    "approval": indication.approval,
                }
            )
        disease = jr.disease
        hard_stop = disease.hard_stop.get(lang) if disease and disease.hard_stop else None
        jurisdictions[jr.jurisdiction] = {
            "category": jr.category,
            "category_label": kb.phrase(f"category.{jr.category}", lang),
            "category_text": hard_stop or kb.phrase(f"category_why.{jr.category}", lang),
            "hard_stop": hard_stop,
            "products": products,
        }
    chosen = {jr.jurisdiction for jr in result.jurisdictions}
    questions = [
        {
            "id": raised.question.id,
            "text": raised.question.text.get(lang),
            "source": raised.question.source,
            "jurisdictions": [j for j in raised.question.jurisdictions if j in chosen],
        }
        for raised in result.questions
    ]
    fact_order = {code: i for i, code in enumerate(kb.facts)}
    missing = sorted(
        result.missing_facts().items(),
        key=lambda kv: (fact_order.get(kv[0], len(fact_order)), kv[0]),
    )
    disease_code = result.facts.values["disease"]
    return {
        "schema": ASSESSMENT_SCHEMA_ID,
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "assessment_date": str(result.facts.assessment_date),
        "lang": lang,
        "disease": disease_code if isinstance(disease_code, str) else None,
        "jurisdictions": jurisdictions,
        "questions": questions,
        "missing_facts": [
            {"fact": key, "ask": ask_for(kb, key, lang), "needed_for": needed}
            for key, needed in missing
        ],
        "expanded_regimens": expansion_notes(result.case, kb, lang),
        "notice": kb.phrase("not_replace", lang),
    }
