"""What a caller may add to a report beyond the case file: a specialist's answer, and the
decision as the patient's side noted it.

Why a module of its own: the core stores no review request and no decision note; the web app
keeps them (with who and when) and passes them in. The report's input holds them
(:class:`crossroads.render.sections.ReportInput`), the sections in
:mod:`crossroads.render.sections_noted` show them; left empty (the CLI), those sections are left
out and every report made from a case file alone is unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SpecialistAnswer:
    """The latest answer to a specialist review request.

    ``plain`` is the reviewers' shared view written for the patient ("" while none is written);
    ``agrees`` says whether they agree with how CAR-T was sorted for the case (None: not said);
    ``quotes`` are the reviewers' own words, each with its author; ``terms`` the words they used,
    each with its plain meaning (from the knowledge base's glossary, in the report's language).
    """

    answered_on: dt.date
    plain: str = ""
    agrees: bool | None = None
    reviewers: tuple[str, ...] = ()
    quotes: tuple[tuple[str, str], ...] = ()
    terms: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DecisionNoted:
    """What the patient's side said they decided, by whom, when, with the four sentences."""

    choice: str
    by: str
    on: dt.date
    sentences: tuple[str, ...] = ()
    ready: bool = True


@dataclass(frozen=True, slots=True)
class StepCount:
    """How many of a step's questions are answered, as the web pages count them."""

    step: int
    answered: int
    total: int


@dataclass(frozen=True, slots=True)
class ReportNotes:
    """Everything a caller may add to a report beyond the case file; empty by default."""

    answer: SpecialistAnswer | None = None
    decision: DecisionNoted | None = None
    # the web pages' count per step, so a report downloaded there shows the same figures; empty
    # (the CLI), the report counts the facts each step needs (crossroads.steps.readiness)
    progress: tuple[StepCount, ...] = ()


NO_NOTES = ReportNotes()

__all__ = ["NO_NOTES", "DecisionNoted", "ReportNotes", "SpecialistAnswer", "StepCount"]
