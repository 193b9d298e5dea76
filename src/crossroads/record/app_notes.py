"""Notes an application keeps inside a record's ``extensions``, which no import may write.

A case record's ``extensions`` is free space for other tools. Some of it belongs to an
application built on Crossroads and is written only by that application: the web app keeps its
"I don't know" marks, the places chosen and the decision note under ``extensions.crossroads_web``
and trusts them when it reads the record back. A record that arrives from outside (a FHIR
Bundle's case-data extension, a record sent to the API) must not be able to set them: it could
forge a decision or write a value the application cannot read. Importers drop them, and say so.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

INTERNAL_EXTENSIONS: frozenset[str] = frozenset({"crossroads_web"})


def internal_notes_in(data: Mapping[str, Any]) -> list[str]:
    """The application-internal extension keys present in ``data``, sorted."""
    extensions = data.get("extensions")
    if not isinstance(extensions, Mapping):
        return []
    return sorted(key for key in extensions if key in INTERNAL_EXTENSIONS)


def without_internal_notes(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the record without application-internal notes (an empty ``extensions`` goes)."""
    new = copy.deepcopy(dict(data))
    extensions = new.get("extensions")
    if not isinstance(extensions, Mapping):
        return new
    kept = {key: value for key, value in extensions.items() if key not in INTERNAL_EXTENSIONS}
    if kept:
        new["extensions"] = kept
    else:
        new.pop("extensions", None)
    return new
