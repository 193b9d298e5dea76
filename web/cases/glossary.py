"""Glossary words on the web step pages: each linked to its plain meaning on /glossary/.

Why: PEMAT-P item 4 asks that medical terms be defined where a reader meets them. The report
closes with a glossary of the terms it uses; on the web a step page is read on its own, so each
glossary word on it links to its entry on the public page /glossary/, with the short meaning as
the link's title. The words and meanings are the knowledge base's (``kb/data/glossary.yaml``),
matched the way the review step matches them (a Latin word whole, a Chinese word anywhere).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from cases import results
from crossroads.kb.review_data import load_review_data
from crossroads.steps.review import word_regex


@dataclass(frozen=True)
class Entry:
    """One glossary term in one language, with the anchor of its entry on /glossary/."""

    id: str
    term: str
    plain: str

    @property
    def anchor(self) -> str:
        return f"term-{self.id}"


def entries(lang: str) -> list[Entry]:
    """Every glossary term in the page language, in the glossary's order."""
    terms = load_review_data(results.kb()).glossary.terms
    return [Entry(t.id, t.term.get(lang), t.plain.get(lang)) for t in terms]


@functools.cache
def _matcher(lang: str) -> tuple[re.Pattern[str], dict[str, Entry]]:
    """One pattern for every glossary word (longest first), and the entry each word belongs to."""
    by_word: dict[str, Entry] = {}
    shown = {e.id: e for e in entries(lang)}
    for term in load_review_data(results.kb()).glossary.terms:
        for word in term.words:
            by_word.setdefault(word.casefold(), shown[term.id])
    parts = [word_regex(word) for word in sorted(by_word, key=len, reverse=True)]
    return re.compile("|".join(parts), re.IGNORECASE), by_word


def gloss(text: str, lang: str) -> SafeString:
    """The text, escaped, with each glossary word linked to its entry and its meaning as title."""
    if not text:
        return mark_safe("")  # nothing to escape
    pattern, by_word = _matcher(lang)
    url = reverse("glossary")
    out: list[str] = []
    at = 0
    for match in pattern.finditer(text):
        entry = by_word[match.group(0).casefold()]
        out.append(escape(text[at : match.start()]))
        out.append(
            format_html(
                '<a class="term" href="{}#{}" title="{}">{}</a>',
                url,
                entry.anchor,
                entry.plain,
                match.group(0),
            )
        )
        at = match.end()
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # every piece is escaped above


__all__ = ["Entry", "entries", "gloss"]
