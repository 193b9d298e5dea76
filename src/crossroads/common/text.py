"""Characters no text in a case record may hold: controls, and marks that reorder or hide text.

A right-to-left override (U+202E) makes "gpj.exe" read as "exe.jpg"; a zero-width space splits a
name so that a search, or the de-identification scrubber, no longer finds it; a control
character can break a terminal, a CSV file or a PDF. None has a use in a clinical record, so
every way in (the case model, the web forms, the API, FHIR import) refuses them through this one
check, naming the character so the person can find it.

Refused: C0 controls except tab and newline (a carriage return only as part of CR LF), DEL and
the C1 controls; the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069) and marks (U+200E, U+200F, U+061C); zero-width space (U+200B), word joiner
(U+2060) and byte-order mark (U+FEFF). Zero-width joiner and non-joiner (U+200C, U+200D) stay
allowed: some scripts and emoji need them to be written correctly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def forbidden_character(text: str) -> str | None:
    """The first refused character in ``text`` as ``U+XXXX``, or None if there is none."""
    found = _FORBIDDEN.search(text.replace("\r\n", "\n"))
    return f"U+{ord(found.group()):04X}" if found else None


def problem_in(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first refused character anywhere in a string, list or mapping (keys included).

    Returns ``(path, "U+XXXX")``, the path dotted from ``path`` (list items by index), or None.
    """
    if isinstance(value, str):
        code = forbidden_character(value)
        return (path, code) if code else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = problem_in(key, where) if isinstance(key, str) else None
            found = found or problem_in(item, where)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = problem_in(item, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def refusal(code: str) -> str:
    """The message for a refused character (used by the case model; the web words its own)."""
    return (
        f"contains the invisible character {code} (a control or direction mark); remove it "
        "and type the text again"
    )
