"""Report sections from what a caller noted outside the case file (:mod:`crossroads.render.notes`):
a specialist's answer, and the decision as the patient's side recorded it.

The words shown are the reviewers' and the person's own; only the headings are made here. With
no notes (the CLI) both sections are left out.
"""

from __future__ import annotations

from typing import Any

from crossroads.render.sections import ReportInput, format_day


def specialist_section(src: ReportInput) -> dict[str, Any] | None:
    """The specialists' answer: their shared view in plain words first, then their own words."""
    answer = src.notes.answer
    if answer is None:
        return None
    _ = src.gettext
    if answer.agrees is True:
        view = _("They agree with how CAR-T was sorted for this case.")
    elif answer.agrees is False:
        view = _("They do not agree with how CAR-T was sorted for this case.")
    else:
        view = ""
    return {
        "plain": answer.plain,
        "view": view,
        "on": format_day(answer.answered_on, src.lang),
        "reviewers": list(answer.reviewers),
        "quotes": [{"who": who, "text": text} for who, text in answer.quotes],
        "terms": [{"term": term, "plain": plain} for term, plain in answer.terms],
    }


def decision_section(src: ReportInput) -> dict[str, Any] | None:
    """The decision as noted: what was chosen, by whom and when, with the sentences then."""
    noted = src.notes.decision
    if noted is None:
        return None
    return {
        "choice": noted.choice,
        "by": noted.by,
        "on": format_day(noted.on, src.lang),
        "sentences": list(noted.sentences),
        "ready": noted.ready,
    }


__all__ = ["decision_section", "specialist_section"]
