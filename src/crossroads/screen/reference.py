"""The Python engine's answer in the screening shape: the reference the SQL must match.

Why here: the differential tests and the benchmark compare the compiled query with
:func:`crossroads.engine.classify.classify_facts` row by row, so both must be read the same way:
per patient and jurisdiction the category, the on-label products (sorted, no repeats) and the
missing deciding facts (sorted, no repeats, as :meth:`IndicationResult.missing` names them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crossroads.common.dates import PartialDate
from crossroads.common.values import FactValue
from crossroads.engine.classify import Classification, classify_facts
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.logic.facts import CaseFacts
from crossroads.record.case import Case


@dataclass(frozen=True, slots=True)
class ScreenRow:
    """One patient in one jurisdiction: the row the results table holds."""

    patient_id: str
    jurisdiction: str
    disease: str | None
    category: str
    on_label: tuple[str, ...]
    missing: tuple[str, ...]


def rows_of(patient: str, result: Classification) -> list[ScreenRow]:
    """A classification as screening rows, one per jurisdiction."""
    disease = result.facts.values.get("disease")
    out = []
    for place in result.jurisdictions:
        on_label = sorted({i.product_code for i in place.indications if i.status == "on_label"})
        missing = sorted({key for i in place.indications for key in i.missing()})
        out.append(
            ScreenRow(
                patient,
                place.jurisdiction,
                disease if isinstance(disease, str) else None,
                place.category,
                tuple(on_label),
                tuple(missing),
            )
        )
    return out


_EMPTY_CASE: Case | None = None


def screen_facts(
    patient: str,
    facts: Mapping[str, FactValue],
    kb: KnowledgeBase,
    jurisdictions: Sequence[Jurisdiction],
    on: dt.date,
) -> list[ScreenRow]:
    """The Python engine on one patient's derived facts (the record itself is not needed)."""
    global _EMPTY_CASE
    if _EMPTY_CASE is None:
        _EMPTY_CASE = Case()
    case_facts = CaseFacts(dict(facts), PartialDate.parse(on))
    return rows_of(patient, classify_facts(_EMPTY_CASE, case_facts, kb, jurisdictions))
