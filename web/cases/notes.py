"""This app's own notes inside a case record (``extensions.crossroads_web``), checked on every read.

The pages write three notes: the "I don't know" marks (field paths), the places whose approvals
to check, and the decision note. They used to be trusted as written; but a record can reach the
database by other ways (an old import, a restored backup, a hand-edited file), and one note of
the wrong shape then made every page of the case fail. Now each note is checked when it is read:
a note of the wrong shape is left out, with a warning in the log, never an error page. The next
save writes only the notes that passed.

Records that come from outside (FHIR import, the API) never bring notes of their own:
:func:`without_notes` drops them (:mod:`crossroads.record.app_notes`).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from crossroads.kb import Jurisdiction
from crossroads.record.app_notes import without_internal_notes

log = logging.getLogger(__name__)
WEB = "crossroads_web"
MAX_MARKS = 2000  # far more "I don't know" marks than the journey has fields


class Decided(BaseModel):
    """The person said they have decided: on which day, whether the check was met, by whom."""

    model_config = ConfigDict(extra="forbid", strict=True)

    on: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    ready: bool
    by: Annotated[str, StringConstraints(max_length=20)]


_Mark = Annotated[str, StringConstraints(min_length=1, max_length=200)]
_STRICT = ConfigDict(strict=True)
CHECKS: dict[str, TypeAdapter[Any]] = {
    "dont_know": TypeAdapter(Annotated[list[_Mark], Field(max_length=MAX_MARKS)], config=_STRICT),
    "jurisdictions": TypeAdapter(
        Annotated[list[Jurisdiction], Field(max_length=3)], config=_STRICT
    ),
    "decided": TypeAdapter(Decided),
}


def read_notes(data: Mapping[str, Any], where: object = "a case") -> dict[str, Any]:
    """The notes in ``data`` that have the right shape, as plain JSON values.

    ``where`` names the record in the log line (for example ``case 12``); a note that fails its
    check is logged by name, without its value (it may hold health data).
    """
    extensions = data.get("extensions")
    notes = extensions.get(WEB) if isinstance(extensions, Mapping) else None
    if notes is None:
        return {}
    if not isinstance(notes, Mapping):
        log.warning("%s: extensions.%s is not a mapping; ignored", where, WEB)
        return {}
    good: dict[str, Any] = {}
    for key, value in notes.items():
        check = CHECKS.get(key)
        if check is None:
            log.warning("%s: unknown note extensions.%s.%s; ignored", where, WEB, str(key)[:40])
            continue
        try:
            good[key] = check.dump_python(check.validate_python(value), mode="json")
        except ValidationError:
            log.warning("%s: note extensions.%s.%s has the wrong shape; ignored", where, WEB, key)
    return good


def with_notes(data: Mapping[str, Any], notes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the record holding exactly ``notes`` as this app's notes (none if empty)."""
    new = without_internal_notes(data)
    if notes:
        extensions = new.get("extensions")
        others = dict(extensions) if isinstance(extensions, Mapping) else {}
        new["extensions"] = {**others, WEB: copy.deepcopy(dict(notes))}
    return new


def with_checked_notes(data: Mapping[str, Any], where: object = "a case") -> dict[str, Any]:
    """A copy of the record whose notes are only those that pass their check (for the forms)."""
    return with_notes(data, read_notes(data, where))


def without_notes(data: Mapping[str, Any]) -> dict[str, Any]:
    """A record from outside (FHIR import, the API) without any notes it brought."""
    return without_internal_notes(data)
