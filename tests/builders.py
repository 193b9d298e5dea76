"""Case records for tests: a known starting point plus the few fields a test is about.

Why one builder: tests that hand-build records each copied a base, patched it their own way and
ran the same two calls. Here the patch is always a deep merge (mappings merge key by key, any
other value replaces), so ``build_case(DLBCL_FIRST_RELAPSE, patient={"country": "CN"})`` changes
the country and keeps the age.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from crossroads.engine.codes import check_codes
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case
from crossroads.record.load import case_from_data

Data = dict[str, Any]

R_CHOP_AGENTS = ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"]


def r_chop(**fields: Any) -> Data:
    """A first-line R-CHOP line with a complete response, then progression (fields override)."""
    line: Data = {
        "regimen": "R-CHOP",
        "agents": list(R_CHOP_AGENTS),
        "start": "2025-11",
        "end": "2026-03",
        "best_response": "CR",
        "progression": "2026-09",
    }
    return {**line, **fields}


# A DLBCL relapse 6 months after first-line R-CHOP, assessed 2026-11-01: in the US, axi-cel and
# liso-cel are on label (second line, relapse within 12 months).
DLBCL_FIRST_RELAPSE: Mapping[str, Any] = {
    "patient": {"age_years": 57, "country": "US"},
    "diagnosis": {"disease": "lbcl", "subtype": "dlbcl_nos"},
    "lines": [r_chop()],
    "disease_status": {"state": "relapsed", "relapse_number": 1, "last_progression": "2026-09"},
    "transplants": [],
    "transplant_eligible": True,
    "prior_cellular_therapy": [],
    "assessment_date": "2026-11-01",
}


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> Data:
    """``base`` with ``changes`` merged in: mappings key by key, other values replaced (copied)."""
    out: Data = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def case_data(
    *layers: Mapping[str, Any], edit: Callable[[Data], None] | None = None, **fields: Any
) -> Data:
    """The plain data of a case: each layer merged over the one before, then ``fields``.

    ``edit`` may change the result in place last, for what a merge cannot say (remove a key).
    """
    data: Data = {}
    for layer in (*layers, fields):
        data = merged(data, layer)
    if edit is not None:
        edit(data)
    return data


def build_case(
    *layers: Mapping[str, Any],
    kb: KnowledgeBase | None = None,
    edit: Callable[[Data], None] | None = None,
    **fields: Any,
) -> Case:
    """A validated case record; with ``kb``, drug names are also turned into codes."""
    case = case_from_data(case_data(*layers, edit=edit, **fields))
    return check_codes(case, kb) if kb is not None else case


__all__ = ["DLBCL_FIRST_RELAPSE", "R_CHOP_AGENTS", "build_case", "case_data", "merged", "r_chop"]
