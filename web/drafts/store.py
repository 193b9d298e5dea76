"""Keeping, finding and dropping step drafts: the only code that writes ``StepDraft`` rows."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.sessions.backends.base import SessionBase
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from cases.models import CaseRecord
from drafts.models import StepDraft

# Names the step forms use ("patient.age_years", "lines.0.agents.dk"); anything else is not kept.
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_SKIPPED = frozenset({"csrfmiddlewaretoken", "next", "version"})
MAX_NAME = 200
MAX_VALUE = 20_000  # longer than any step field allows; the step form says what is too long


def form_pairs(data: QueryDict) -> list[list[str]]:
    """The step form's own fields from a POST, as typed (the version is kept on its own)."""
    pairs: list[list[str]] = []
    for name, values in data.lists():
        if name in _SKIPPED or len(name) > MAX_NAME or not _NAME.match(name):
            continue
        pairs += [[name, value[:MAX_VALUE]] for value in values if isinstance(value, str)]
    return pairs


def _version(data: QueryDict, case: CaseRecord) -> int:
    text = data.get("version", "")
    if isinstance(text, str) and text.isdigit() and len(text) < 10:
        return int(text)
    return case.version


def keep(user: User, case: CaseRecord, step: int, data: QueryDict) -> StepDraft:
    """Keep what was typed on ``step`` of ``case`` (replacing this person's earlier draft)."""
    draft, _created = StepDraft.objects.update_or_create(
        user=user,
        case=case,
        step=step,
        defaults={
            "fields": form_pairs(data),
            "version": _version(data, case),
            "updated_at": timezone.now(),
        },
    )
    return draft


def mark_cleared(session: SessionBase, case: CaseRecord, step: int) -> None:
    """Tell the next view of ``step`` that its browser copy is to be dropped (saved or thrown
    away). Kept per step: a Save with "continue" lands on the next step first, which must not
    use up the flag of the step just saved."""
    cleared = [k for k in session.get("draft_cleared", []) if isinstance(k, str)][-20:]
    session["draft_cleared"] = [*cleared, f"{case.pk}.{step}"]


def take_cleared(session: SessionBase, case: CaseRecord, step: int) -> bool:
    """True once after :func:`mark_cleared` for this step."""
    cleared = session.get("draft_cleared", [])
    key = f"{case.pk}.{step}"
    if not isinstance(cleared, list) or key not in cleared:
        return False
    session["draft_cleared"] = [k for k in cleared if k != key]
    return True


def _saved_key(case: CaseRecord, step: int) -> str:
    return f"draft_saved.{case.pk}.{step}"


def mark_saved(session: SessionBase, case: CaseRecord, step: int) -> None:
    """Remember in this session the case version its own Save of ``step`` made."""
    session[_saved_key(case, step)] = case.version


def outdated(session: SessionBase, case: CaseRecord, step: int, data: QueryDict) -> bool:
    """True when a draft comes from a form this same session has saved since.

    The script sends a draft a few seconds after typing; when Save is pressed in that time the
    draft can arrive after the save and would bring the saved typing back as "unsaved". A draft
    older than someone else's save is still kept (the step page then says who saved first).
    """
    saved = session.get(_saved_key(case, step))
    return isinstance(saved, int) and _version(data, case) < saved


def find(user: User, case: CaseRecord, step: int) -> StepDraft | None:
    return StepDraft.objects.filter(user=user, case=case, step=step).first()


def drop(user: User, case: CaseRecord, steps: Iterable[int]) -> int:
    """Delete this person's drafts of these steps (after a save, or when they discard one)."""
    mine = StepDraft.objects.filter(user=user, case=case, step__in=list(steps))
    deleted, _by_model = mine.delete()
    return deleted
