"""Out of scope: when CAR-T is not a path for the disease at all, and what to ask instead.

Why a gate: a person with AML or Hodgkin lymphoma who is shown a CAR-T timeline, a list of
lodgings near a CAR-T centre and "bridging therapy likely" is told, in effect, that CAR-T is being
planned. Steps 4 and the report therefore ask :func:`out_of_scope` first and, when it is true, show
:func:`ask_instead_data` in place of the timeline and the logistics.

The answer follows step 2, three-valued: out of scope only when the disease is *known* and the
knowledge base says CAR-T does not cover it (``in_scope: false`` in ``diseases.yaml``, or no
CAR-T indication for it in any jurisdiction). A disease not known yet ("cannot tell") is never
out of scope: its people still see the timeline, with its open questions.
"""

from __future__ import annotations

from typing import Any

from crossroads.engine.classify import Classification
from crossroads.kb import JURISDICTIONS, KnowledgeBase
from crossroads.kb.models import Disease
from crossroads.kb.scope import load_scope


def _disease(classification: Classification, kb: KnowledgeBase) -> Disease | None:
    code = classification.facts.values.get("disease")
    return kb.diseases.get(code) if isinstance(code, str) else None


def out_of_scope_disease(disease: Disease | None, kb: KnowledgeBase) -> bool:
    """True only for a known disease that no CAR-T covers; an unknown disease is not (None)."""
    if disease is None:
        return False
    if not disease.in_scope:
        return True
    return not any(kb.indications_for(j, disease.code) for j in JURISDICTIONS)


def out_of_scope(classification: Classification, kb: KnowledgeBase) -> bool:
    """Whether steps 4 and the report leave out the CAR-T timeline, logistics and bridging."""
    return out_of_scope_disease(_disease(classification, kb), kb)


def ask_instead_data(
    classification: Classification, kb: KnowledgeBase, lang: str
) -> dict[str, Any] | None:
    """The "what to ask instead" questions for an out-of-scope case, or None when in scope.

    Each question keeps its source, date and confidence, so the report lists them with the other
    sources and a reader can check them.
    """
    disease = _disease(classification, kb)
    if not out_of_scope_disease(disease, kb):
        return None
    assert disease is not None  # out_of_scope_disease is False for no disease
    data = load_scope()
    return {
        "disease": disease.code,
        "disease_name": disease.name.get(lang),
        "title": data.title.get(lang),
        "intro": data.intro.get(lang),
        "why": disease.hard_stop.get(lang) if disease.hard_stop else None,
        "items": [
            {
                "id": item.id,
                "text": item.text.get(lang),
                "source": item.source,
                "as_of": item.as_of.isoformat(),
                "confidence": item.confidence,
            }
            for item in data.items_for(disease.code)
        ],
    }


__all__ = ["ask_instead_data", "out_of_scope", "out_of_scope_disease"]
