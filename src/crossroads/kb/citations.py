"""Sources and flags in plain words: the knowledge base's own bookkeeping left out.

Why: every fact in the knowledge base names its source, and while the facts were gathered the
sources were also tagged with where the research notes keep them (``cart-products.md Y3``,
``alternatives.md §3, ref 81``) and with the second check that corrected them (``correction
E4``, ``(E7)``). Those tags are provenance for maintainers and reviewers; a patient reading a
page or a report would only stumble over file names and codes (issue 13). The data keeps them;
everything shown to a person goes through :func:`plain_source` (a source line) or
:func:`plain_text` (any other sentence), and :func:`plain_tree` applies both to a whole result.

Since issue 14 a source line is shown as its public references: :mod:`crossroads.kb.bibliography`
resolves the dossier pointers (or a fact's explicit ``refs``) to the works themselves, and
:func:`plain_source` writes each as authors or issuer, title, year and DOI or address, in the
reader's language. A flag (the dossier's ⚠, or confidence U) is shown as :func:`plain_flag`:
"This may have changed; last checked 2026-11", never as the check note itself.

The rules are narrow on purpose, so that a regimen called "R2" or a year in brackets survives:
a bracket is dropped only when it names a notes file, a correction, or holds nothing but note
codes (``Y14``, ``B7, B7b``, ``§0.3``, ``ref 78a``, ``76b``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from crossroads.common.i18n import product_lang, translator
from crossroads.kb.bibliography import Reference, load_bibliography

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


def _zh(lang: str) -> bool:
    return product_lang(lang) == "zh-Hans"


def cite(reference: Reference, lang: str = "en") -> str:
    """One public reference as a reader cites it: who, title, journal and year, DOI or address.

    The journal and year are left out when the title already carries them (many titles are
    the dossier's own short description, such as "PILOT final, Blood Adv 2025;9(15):3694").
    """
    zh = _zh(lang)
    stop, comma = ("。", "，") if zh else (". ", ", ")
    title = reference.title_in(lang).rstrip(".。")
    parts = [p for p in (reference.who(), title) if p]
    where = reference.citation or reference.journal
    tail = []
    if where and where not in title:
        tail.append(where)
    if (
        reference.year
        and str(reference.year) not in title
        and str(reference.year) not in (where or "")
    ):
        tail.append(f"{reference.year} 年" if zh else str(reference.year))
    if tail:
        parts.append(comma.join(tail))
    text = stop.join(parts)
    link = reference.link
    if link:
        text += f"{stop}{link}" if zh else f". {link}"
    return text.strip()


def public_references(text: str, refs: Sequence[str] = ()) -> tuple[tuple[Reference, ...], bool]:
    """The public works behind a source line, and whether the line itself named them.

    Explicit ``refs`` win; the flag is False when only they name the works (the line points at
    a notes section alone), so the caller can say the fact is Crossroads' own summary of them.
    """
    bibliography = load_bibliography()
    found = bibliography.resolve(text)
    if refs:
        return bibliography.resolve(text, tuple(refs)).references, bool(found.references)
    return found.references, True


def _inline_public(part: str) -> bool:
    """Whether a part of a source line is itself a public citation (an address or a DOI)."""
    return bool(re.search(r"https?://|\bdoi[:.]\s*10\.|\bPMID\b", part, re.IGNORECASE))


def plain_source(text: str, lang: str = "en", refs: Sequence[str] = ()) -> str:
    """A source line as a person can read it: the public works cited, the note codes left out.

    Pointers into the research notes become the public references they name (see
    :mod:`crossroads.kb.bibliography`); a part that is already a public citation (with an
    address) is kept as it is. A line that only points at a notes section, with the fact's
    ``refs`` naming the works, reads "Crossroads' summary of the published sources: ..."; with
    no reference at all it reads "Crossroads' summary of the published sources", so it is
    never empty. ``kb check`` makes sure the last case does not reach a patient.
    """
    if not text and not refs:
        return text
    references, named = public_references(text, refs)
    sep = "；" if _zh(lang) else "; "
    if references:
        cited = sep.join(cite(r, lang) for r in references)
        if refs and not named:
            return f"{_notes(lang)}{'：' if _zh(lang) else ': '}{cited}"
        kept = [
            _tidy(_drop_brackets(part))
            for part in _top_level_parts(text)
            if _inline_public(part) and not _FILE_RE.search(part)
        ]
        return sep.join([cited, *kept]) if kept else cited
    return _plain_pointer_line(text, lang)


def _plain_pointer_line(text: str, lang: str) -> str:
    """The line without note codes, for a source that names no listed public reference."""
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
    joined = ("；" if _zh(lang) and not text.isascii() else "; ").join(parts)
    return joined or _notes(lang)


def plain_flag(as_of: dt.date | str | None, lang: str = "en") -> str:
    """What a patient reads for a fact that may have moved: a plain warning and its date."""
    _ = translator(product_lang(lang))
    if as_of is None:
        return _("This may have changed.")
    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of)[:10])
    month = f"{day.year} 年 {day.month} 月" if _zh(lang) else f"{day.year}-{day.month:02d}"
    return _("This may have changed; last checked %(month)s") % {"month": month}


SOURCE_KEYS = frozenset({"source", "sources_text"})


REFS_KEY = "references"
FLAG_KEYS = frozenset({"flag"})


def plain_tree(value: Any, lang: str = "en", key: str = "") -> Any:
    """A copy of a result (dicts, lists, strings) with every source and sentence made plain.

    Values under a ``source`` key are source lines (:func:`plain_source`, with the explicit
    reference ids a producer put beside it under ``references``); a ``flag`` beside an
    ``as_of`` becomes :func:`plain_flag`; every other string is a sentence
    (:func:`plain_text`). Keys are kept as they are.
    """
    if isinstance(value, str):
        return plain_source(value, lang) if key in SOURCE_KEYS else plain_text(value, lang)
    if isinstance(value, Mapping):
        refs = value.get(REFS_KEY)
        explicit = [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []
        out: dict[Any, Any] = {}
        for k, v in value.items():
            name = str(k)
            if name in SOURCE_KEYS and isinstance(v, str):
                out[k] = plain_source(v, lang, explicit)
            elif name in FLAG_KEYS and isinstance(v, str) and v and "as_of" in value:
                out[k] = plain_flag(value.get("as_of"), lang)
            else:
                out[k] = plain_tree(v, lang, name)
        return out
    if isinstance(value, list):
        return [plain_tree(v, lang, key) for v in value]
    if isinstance(value, tuple):
        return tuple(plain_tree(v, lang, key) for v in value)
    return value


__all__ = ["cite", "plain_flag", "plain_source", "plain_text", "plain_tree", "public_references"]
