"""Unicode normalisation before matching: one view of a text in which look-alikes are equal.

Why: an identifier written with full-width letters, a Cyrillic "о", an en dash, a non-breaking
hyphen, a zero-width space or a soft hyphen looks the same to a reader but not to a pattern. The
scrubber therefore matches on a *view* of the text: NFKC-normalised (Unicode Standard Annex #15),
with invisible characters removed, dash variants folded to "-" and common confusables folded to
the Latin letter they imitate (the single-letter Cyrillic, Greek and Armenian prototypes of
Unicode Technical Standard #39, ``confusables.txt``). Each stretch of the view remembers which
original characters produced it, so a match removes exactly the original span, and text that is
kept keeps its own spelling (Chinese full-width punctuation stays full-width).

The view is built in one pass; plain runs (ASCII, Latin-1 letters, CJK ideographs and common CJK
punctuation, which NFKC leaves as they are) are copied as whole slices, so the cost is linear.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass

# Characters NFKC leaves alone and no fold changes: copied as whole runs.
_PLAIN_RUN = re.compile(
    r"[\t\n\r\x20-\x7e\u00c0-\u00ff\u3001-\u3003\u3008-\u3011\u3400-\u4dbf\u4e00-\u9fff]+"
)
# Invisible characters that are not format characters (category Cf covers the rest: zero-width
# space, joiners, soft hyphen, bidirectional controls, word joiner, byte-order mark).
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u3164\uffa0\u180b\u180c\u180d\u180e") | frozenset(
    chr(c) for c in range(0xFE00, 0xFE10)
)
# Single-letter confusables (UTS #39 confusables.txt prototypes): Cyrillic, Greek, Armenian,
# and Latin letters that only look like ASCII ones.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "і": "i", "ј": "j", "ӏ": "l",
    "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "ԝ": "w", "х": "x", "у": "y", "ү": "y", "ь": "b",
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W",
    "Ӏ": "l", "Ь": "b",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "α": "a", "ι": "i", "ν": "v", "ο": "o",
    "ρ": "p", "υ": "u", "γ": "y", "κ": "k",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "զ": "q", "ց": "g",
    # Latin look-alikes
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʏ": "y",
}  # fmt: skip


def _is_invisible(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cf" or char in _INVISIBLE_EXTRA:
        return True
    return category == "Cc" and char not in "\t\n\r\x0b\x0c"


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M") and char not in _INVISIBLE_EXTRA


@functools.lru_cache(maxsize=8192)
def fold(cluster: str) -> str:
    """One character (with its combining marks) as the view shows it."""
    visible = "".join(c for c in cluster if not _is_invisible(c))
    out = []
    for char in unicodedata.normalize("NFKC", visible):
        if _is_invisible(char):
            continue
        if unicodedata.category(char) == "Pd" or char == "\u2212":
            out.append("-")
        else:
            out.append(_CONFUSABLES.get(char, char))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class View:
    """A normalised text and, per stretch, where it came from in the original."""

    text: str
    original: str
    starts: tuple[int, ...]  # view offset where each stretch begins
    origins: tuple[tuple[int, int, bool], ...]  # (original start, original end, same length)

    def _locate(self, index: int) -> tuple[int, int, int, bool]:
        i = bisect.bisect_right(self.starts, index) - 1
        return (self.starts[i], *self.origins[i])

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters behind view characters ``start`` to ``end`` (exclusive)."""
        v0, o0, o1, plain = self._locate(start)
        first = o0 + (start - v0) if plain else o0
        v0, o0, o1, plain = self._locate(end - 1)
        last = o0 + (end - v0) if plain else o1
        return first, last


def normalise(text: str) -> View:
    """The matching view of ``text`` (see the module docstring)."""
    parts: list[str] = []
    starts: list[int] = []
    origins: list[tuple[int, int, bool]] = []
    size, pos, length = 0, 0, len(text)
    while pos < length:
        run = _PLAIN_RUN.match(text, pos)
        if run is not None:
            end = run.end()
            if end < length and _is_mark(text[end]):
                end -= 1  # the last plain character belongs to the marks that follow it
            if end > pos:
                parts.append(text[pos:end])
                starts.append(size)
                origins.append((pos, end, True))
                size += end - pos
                pos = end
                continue
        start = pos
        pos += 1
        while pos < length and _is_mark(text[pos]):
            pos += 1
        shown = fold(text[start:pos])
        if shown:
            parts.append(shown)
            starts.append(size)
            origins.append((start, pos, len(shown) == pos - start == 1))
            size += len(shown)
    return View("".join(parts), text, tuple(starts), tuple(origins))


def strip_invisible(text: str) -> str:
    """``text`` without invisible characters (zero-width, soft hyphen, bidirectional controls)."""
    if _PLAIN_RUN.fullmatch(text) or not text:
        return text
    return "".join(c for c in text if not _is_invisible(c))


def normal_form(text: str) -> str:
    """The view text alone, for literals taken from the record."""
    return normalise(text).text


__all__ = ["View", "fold", "normal_form", "normalise", "strip_invisible"]
