"""Sources and flags in plain words: the knowledge base's own bookkeeping left out.

Why: every fact in the knowledge base names its source, and while the facts were gathered the
sources were also tagged with where the research notes keep them (``cart-products.md Y3``,
``alternatives.md §3, ref 81``) and with the second check that corrected them (``correction
E4``, ``(E7)``). Those tags are provenance for maintainers and reviewers; a patient reading a
page or a report would only stumble over file names and codes (issue 13). The data keeps them;
everything shown to a person goes through :func:`plain_source` (a source line) or
:func:`plain_text` (any other sentence), and :func:`plain_tree` applies both to a whole result.

The rules are narrow on purpose, so that a regimen called "R2" or a year in brackets survives:
a bracket is dropped only when it names a notes file, a correction, or holds nothing but note
codes (``Y14``, ``B7, B7b``, ``§0.3``, ``ref 78a``, ``76b``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from crossroads.common.i18n import product_lang, translator

_FILE = r"\b[\w-]+\.(?:md|txt|ya?ml)\b"
_FILE_RE = re.compile(_FILE)
# one note code: Y14, B7b, E1b, R64, §0.3, §1-§8, 76b, 79f2 (a bare year such as 2021 is not one)
_CODE = r"(?:§[\d.]+[a-z]?(?:-§?[\d.]+[a-z]?)?|[A-Z]\d+[a-z]?\d*|\d+[a-z]\d*)"
_CODE_LIST = re.compile(
    rf"^(?:(?:refs?\.?|§)\s*)?{_CODE}(?:\s*(?:,|;|and|&)\s*(?:(?:refs?\.?)\s*)?{_CODE})*$"
)
_BRACKET = re.compile(r"\s*[(（]([^()（）]*)[)）]")
_E = r"E\d+[a-z]?(?:\s*(?:,|and|、|和)\s*E\d+[a-z]?)*"
_CORRECTION = re.compile(rf"(?:corrections?|更正)\s*{_E}", re.IGNORECASE)
_CORRECTION_TAIL = re.compile(rf"\s*[,，]\s*corrections?\s*{_E}", re.IGNORECASE)
_CORRECTION_ONLY = re.compile(rf"^(?:per\s+)?(?:corrections?|更正)\s*{_E}$", re.IGNORECASE)
_SECTION = re.compile(r"§")
_CHECK_CODE = re.compile(r"^E\d+[a-z]?$")


def _notes(lang: str) -> str:
    """What stands in for a source that was only a pointer into the research notes."""
    _ = translator(product_lang(lang))
    return _("Crossroads' summary of the published sources")


def _second_check(lang: str) -> str:
    _ = translator(product_lang(lang))
    return _("a second check")


def _internal_bracket(content: str) -> bool:
    inner = content.strip()
    return bool(
        _FILE_RE.search(inner)
        or _CORRECTION_ONLY.match(inner)
        or _CHECK_CODE.match(inner)
        or _CODE_LIST.match(inner)
    )


def _drop_brackets(text: str) -> str:
    def keep(match: re.Match[str]) -> str:
        return "" if _internal_bracket(match.group(1)) else match.group(0)

    previous = None
    while previous != text:  # a bracket inside a dropped one leaves its own behind
        previous, text = text, _BRACKET.sub(keep, text)
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\s+([,;:.，；：。])", r"\1", text)
    text = re.sub(r"([,;，；])\s*(?=[,;，；]|$)", "", text)
    return text.strip(" ,;，；")


def _top_level_parts(text: str) -> list[str]:
    """``text`` split at semicolons outside brackets (a bracket may hold its own list)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and (char == "；" or (char == ";" and text[i + 1 : i + 2] in (" ", ""))):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def plain_text(text: str, lang: str = "en") -> str:
    """A sentence without notes-file names or correction codes (a flag, a note, a cell)."""
    if not text or not any(mark in text for mark in ("E", ".", "§")):
        return text
    out = _drop_brackets(text)
    out = _CORRECTION_TAIL.sub("", out)
    out = _CORRECTION.sub(_second_check(lang), out)
    if _FILE_RE.search(out):  # a pointer into the notes outside brackets: a source line
        return plain_source(out, lang)
    return _tidy(out) if out != text else text


def plain_source(text: str, lang: str = "en") -> str:
    """A source line as a person can read it: the public source named, the note codes left out.

    A part that is only a pointer into the research notes (``clinical-tools.md §5.1 ...``)
    becomes "Crossroads' summary of the published sources", so the line never ends up empty.
    """
    if not text:
        return text
    out = _drop_brackets(text)
    out = _CORRECTION_TAIL.sub("", out)
    out = _CORRECTION.sub(_second_check(lang), out)
    if out == text and not _FILE_RE.search(text) and not _SECTION.search(text):
        return text
    parts: list[str] = []
    for part in _top_level_parts(out):
        part = _tidy(part)
        if not part:
            continue
        if _FILE_RE.search(part) or _SECTION.search(part):
            part = _notes(lang)
        if part not in parts:
            parts.append(part)
    joined = ("；" if product_lang(lang) == "zh-Hans" and not text.isascii() else "; ").join(parts)
    return joined or _notes(lang)


SOURCE_KEYS = frozenset({"source", "sources_text"})


def plain_tree(value: Any, lang: str = "en", key: str = "") -> Any:
    """A copy of a result (dicts, lists, strings) with every source and sentence made plain.

    Values under a ``source`` key are source lines (:func:`plain_source`); every other string is
    a sentence (:func:`plain_text`). Keys are kept as they are.
    """
    if isinstance(value, str):
        return plain_source(value, lang) if key in SOURCE_KEYS else plain_text(value, lang)
    if isinstance(value, Mapping):
        return {k: plain_tree(v, lang, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_tree(v, lang, key) for v in value]
    if isinstance(value, tuple):
        return tuple(plain_tree(v, lang, key) for v in value)
    return value


__all__ = ["plain_source", "plain_text", "plain_tree"]
