"""Small helpers for FHIR JSON as plain dicts: codings, extensions, references and dates.

Why plain dicts: exports are built and imports are read as JSON data, so that a foreign bundle
with a structural flaw can still be read field by field; ``fhir.resources`` checks the structure
separately (:mod:`crossroads.interop.fhir.validate`).
"""

from __future__ import annotations

import re
from typing import Any

Json = dict[str, Any]

_DATE = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?")
VALUE_KEYS = (
    "valueBoolean",
    "valueInteger",
    "valueString",
    "valueCode",
    "valueDate",
    "valueDateTime",
    "valueCoding",
    "valueCodeableConcept",
    "valueDecimal",
    "valueUri",
)


def coding(system: str, code: str, display: str | None = None) -> Json:
    out: Json = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def ext(url: str, **value: Any) -> Json:
    """One extension: ``ext(URL, valueBoolean=True)`` or ``ext(URL, extension=[...])``."""
    return {"url": url, **value}


def extension_value(extension: Json) -> Any:
    """The value of a simple extension, whatever its type (None if it has none)."""
    for key in VALUE_KEYS:
        if key in extension:
            return extension[key]
    return None


def extensions(element: Json, url: str) -> list[Json]:
    return [e for e in element.get("extension", []) if isinstance(e, dict) and e.get("url") == url]


def first_value(element: Json, url: str) -> Any:
    found = extensions(element, url)
    return extension_value(found[0]) if found else None


def sub_value(extension: Json, url: str) -> Any:
    """The value of a sub-extension of a complex extension."""
    return first_value(extension, url)


def codings(concept: Any) -> list[Json]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding", []) if isinstance(c, dict) and c.get("code")]


def describe(item: Json) -> str:
    """``system#code (display)`` for a report line."""
    text = f"{item.get('system', '?')}#{item.get('code', '?')}"
    return f"{text} ({item['display']})" if item.get("display") else text


def reference(full_url: str) -> Json:
    return {"reference": full_url}


def date_part(value: Any) -> str | None:
    """The date of a FHIR date or dateTime (``2017-07-21T23:41:09-04:00`` -> ``2017-07-21``).

    The local date as written is kept: converting through the time zone could move the day.
    """
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    return "".join(g for g in match.groups() if g) if match else None
