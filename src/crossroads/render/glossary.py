"""The report's closing glossary: the knowledge base's plain meanings of the terms it uses.

Why only the terms used: a list of every term would be one more page to read; a reader who meets
"median" or "refractory" in the options grid finds it explained at the end, and nothing else.
The terms and meanings live in ``kb/data/glossary.yaml`` (the same list that explains the words
a specialist writes in a review answer).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from crossroads.render.sections import ReportInput
from crossroads.steps.review import explain_terms


def _strings(value: Any) -> Iterator[str]:
    """Every string in a section context (nested dicts and lists), keys left out."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def glossary_section(
    src: ReportInput, sections: Mapping[str, Any], extra: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """The glossary terms that the report's sections (and ``extra`` texts) use, or None."""
    texts = [*_strings(dict(sections)), *extra]
    terms = explain_terms(texts, src.kb, src.lang)
    if not terms:
        return None
    return {"entries": [{"id": t.id, "term": t.term, "plain": t.plain} for t in terms]}


__all__ = ["glossary_section"]
