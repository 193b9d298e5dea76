"""One call from a case file to its classification: load, check codes, derive facts, classify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from crossroads.common.errors import Problem, UnknownCodeError
from crossroads.engine.classify import Classification, classify
from crossroads.engine.codes import check_case, check_codes, unknown_regimens
from crossroads.kb import JURISDICTIONS, Jurisdiction, KnowledgeBase, load_kb
from crossroads.record.case import Case
from crossroads.record.load import load_case


def prepare_case(path: str | Path, kb: KnowledgeBase, *, strict: bool = True) -> Case:
    """Load a case file and check its codes against the knowledge base.

    ``strict=False`` keeps a medicine the knowledge base does not know (its classes stay
    unknown); :func:`read_case` also returns the warnings to show for it.
    """
    return check_codes(load_case(path), kb, str(path), strict=strict)


def read_case(path: str | Path, kb: KnowledgeBase, *, strict: bool) -> tuple[Case, list[Problem]]:
    """The checked case and what to tell the reader: when read leniently, a warning per part
    not understood (a medicine, a regimen name, disease words, an organ, a country); notes in
    both modes.

    A regimen name Crossroads does not know, on a line that lists no medicines, leaves them
    unknown: a warning when read leniently, refused when strict (``crossroads --strict``), since
    a pipeline cannot ask what the name meant.
    """
    case, problems = check_case(load_case(path), kb, str(path), strict=strict)
    regimens = unknown_regimens(case, kb)
    if strict and regimens:
        raise UnknownCodeError(str(path), regimens)
    return case, problems


def assess_file(
    path: str | Path,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    kb: KnowledgeBase | None = None,
    today: dt.date | None = None,
    *,
    strict: bool = True,
) -> Classification:
    kb = kb or load_kb()
    return classify(prepare_case(path, kb, strict=strict), kb, jurisdictions, today)
