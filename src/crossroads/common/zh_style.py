"""House style of Chinese text: full-width punctuation, 您, no command or file names.

Chinese readers expect full-width punctuation (，：；（）？！) wherever a mark sits next to Chinese
writing, the polite 您 for "you" (a report that mixes 你 and 您 reads as careless), and no
command names or internal file names, which mean nothing to a patient. Half-width marks stay
right inside English names, numbers, units and web addresses ("DLBCL, HGBCL", "10:30",
"https://..."), so a mark is only wrong when the nearest character beside it, spaces skipped,
is Chinese. The checks here are pure functions on one string, so the knowledge base, both
translation catalogues and every rendered page can be held to the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HALF_WIDTH = ",:;()?!"
FULL_WIDTH = dict(zip(HALF_WIDTH, "，：；（）？！", strict=True))
# Han ideographs, CJK punctuation, full-width forms and the curly quotes Chinese text uses.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]")
# Parts that are not prose: web addresses, placeholders ({name}, %(name)s, %s), HTML tags.
_NOT_PROSE = re.compile(
    r"https?://\S+|www\.\S+|\{[A-Za-z_][\w.]*(?:![rsa])?(?::[^{}]*)?\}|%\([a-z_]+\)[sd]|%[sd]"
    r"|<[^>]+>"
)
COMMAND = re.compile(
    r"\bcrossroads (?:assess|values|readiness|classify|compare|timeline|actions|review|summary|"
    r"sentences|report|kb|case|check|tour|fhir|trials|packet|lines|output-schema)\b"
    r"|`[^`]+`"
    r"|(?<![\w-])--[a-z][a-z-]+"
)
FILE_NAME = re.compile(r"\b[\w-]+\.(?:md|txt|ya?ml|json|py|po|mo|csv)\b", re.IGNORECASE)


@dataclass(frozen=True)
class StyleHit:
    """One place where a Chinese string breaks the house style, and what to write instead."""

    rule: str
    at: int
    excerpt: str
    fix: str

    def __str__(self) -> str:
        return f"{self.rule} at {self.at}: …{self.excerpt}… ({self.fix})"


def _blank(text: str) -> str:
    """The text with non-prose parts replaced by spaces of the same length (positions kept)."""
    return _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)


def _neighbour(text: str, at: int, step: int) -> str:
    """The nearest character from ``at`` going ``step`` (+1 or -1), spaces skipped; '' at an end."""
    i = at + step
    while 0 <= i < len(text) and text[i] in " \u00a0\t\n":
        i += step
    return text[i] if 0 <= i < len(text) else ""


def _excerpt(text: str, at: int, width: int = 12) -> str:
    return text[max(0, at - width) : at + width + 1].replace("\n", " ")


def half_width_hits(text: str) -> list[StyleHit]:
    """Half-width , : ; ( ) ? ! whose nearest character on either side is Chinese.

    A colon or comma inside a number ("10:30", "1,000") has digits on both sides and is kept;
    a mark between two English words is kept; web addresses and placeholders are skipped.
    """
    prose = _blank(text)
    wrong = set()
    for at, char in enumerate(prose):
        if char not in HALF_WIDTH:
            continue
        before, after = _neighbour(prose, at, -1), _neighbour(prose, at, 1)
        if _CJK.match(before) or _CJK.match(after):
            wrong.add(at)
    # a bracket pair is one mark: if either half is wrong, both are written full-width
    for left, right in _pairs(prose):
        if left in wrong or right in wrong:
            wrong |= {left, right}
    return [
        StyleHit("half-width", at, _excerpt(text, at), f"write {FULL_WIDTH[prose[at]]}")
        for at in sorted(wrong)
    ]


def _pairs(text: str) -> list[tuple[int, int]]:
    """Positions of matching half-width brackets (unmatched ones are left alone)."""
    open_at: list[int] = []
    pairs = []
    for at, char in enumerate(text):
        if char == "(":
            open_at.append(at)
        elif char == ")" and open_at:
            pairs.append((open_at.pop(), at))
    return pairs


def style_hits(text: str) -> list[StyleHit]:
    """Every house-style problem in one Chinese string, in order of position."""
    prose = _blank(text)
    hits = half_width_hits(text)
    hits += [
        StyleHit("你", m.start(), _excerpt(text, m.start()), "write 您")
        for m in re.finditer("你", text)
    ]
    hits += [
        StyleHit("command", m.start(), _excerpt(text, m.start()), "say what to do in words")
        for m in COMMAND.finditer(prose)
    ]
    hits += [
        StyleHit("file name", m.start(), _excerpt(text, m.start()), "name the public source")
        for m in FILE_NAME.finditer(prose)
    ]
    return sorted(hits, key=lambda h: h.at)


def to_full_width(text: str) -> str:
    """The text with each half-width mark that sits next to Chinese made full-width.

    Spaces beside a full-width mark are dropped (full-width marks carry their own space).
    Meaning never changes, so a clean-up of many strings can use it safely.
    """
    hits = {h.at for h in half_width_hits(text)}
    if not hits:
        return text
    out: list[str] = []
    for at, char in enumerate(text):
        if at in hits:
            while out and out[-1] == " ":
                out.pop()
            out.append(FULL_WIDTH[char])
        elif char == " " and out and out[-1] in FULL_WIDTH.values():
            continue
        else:
            out.append(char)
    # a mark made full-width is Chinese to the mark beside it ("::仑"): go again until none is left
    return to_full_width("".join(out))


__all__ = ["FULL_WIDTH", "StyleHit", "half_width_hits", "style_hits", "to_full_width"]
