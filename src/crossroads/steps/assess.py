"""One call from a case file to its classification: load, check codes, derive facts, classify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from crossroads.engine.classify import Classification, classify
from crossroads.engine.codes import check_codes
from crossroads.kb import JURISDICTIONS, Jurisdiction, KnowledgeBase, load_kb
from crossroads.record.case import Case
from crossroads.record.load import load_case


def prepare_case(path: str | Path, kb: KnowledgeBase) -> Case:
    """Load a case file and check its codes against the knowledge base."""
    return check_codes(load_case(path), kb, str(path))


def assess_file(
    path: str | Path,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    kb: KnowledgeBase | None = None,
    today: dt.date | None = None,
) -> Classification:
    kb = kb or load_kb()
    return classify(prepare_case(path, kb), kb, jurisdictions, today)
