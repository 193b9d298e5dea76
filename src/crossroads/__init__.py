"""Crossroads: organise a relapsed blood-cancer case and explain where CAR-T stands.

The public API is small on purpose (a test checks it): load a case, load the knowledge base,
classify, and turn the result into data. Names are imported on first use, so that
``import crossroads.cli.app`` stays fast for a command that needs only part of the package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from crossroads.common.errors import CrossroadsError, UserError
    from crossroads.engine.classify import Classification, classify
    from crossroads.engine.codes import check_codes
    from crossroads.kb import KnowledgeBase, load_kb
    from crossroads.kb.places import parse_jurisdictions
    from crossroads.record.case import Case
    from crossroads.record.load import case_from_data, load_case
    from crossroads.render.data import assessment_data
    from crossroads.steps.assess import assess_file, prepare_case

_WHERE = {
    "Case": "crossroads.record.case",
    "Classification": "crossroads.engine.classify",
    "CrossroadsError": "crossroads.common.errors",
    "KnowledgeBase": "crossroads.kb",
    "UserError": "crossroads.common.errors",
    "assess_file": "crossroads.steps.assess",
    "assessment_data": "crossroads.render.data",
    "case_from_data": "crossroads.record.load",
    "check_codes": "crossroads.engine.codes",
    "classify": "crossroads.engine.classify",
    "load_case": "crossroads.record.load",
    "load_kb": "crossroads.kb",
    "parse_jurisdictions": "crossroads.kb.places",
    "prepare_case": "crossroads.steps.assess",
}

__all__ = [
    "Case",
    "Classification",
    "CrossroadsError",
    "KnowledgeBase",
    "UserError",
    "assess_file",
    "assessment_data",
    "case_from_data",
    "check_codes",
    "classify",
    "load_case",
    "load_kb",
    "parse_jurisdictions",
    "prepare_case",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'crossroads' has no attribute {name!r}")
