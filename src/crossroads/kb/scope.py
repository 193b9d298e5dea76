"""What to ask instead when a disease is outside CAR-T (``kb/data/scope.yaml``).

Why data: a person with AML or Hodgkin lymphoma must not be shown a CAR-T timeline or "bridging
therapy likely"; what they see instead are questions for their team, and each question rests on a
cited source like every other fact. Which diseases are out of scope is decided in
:mod:`crossroads.steps.scope` from the classification; this module only holds the words.
``findings`` checks the file for ``crossroads kb check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb.base import DATA_DIR, KnowledgeBase, read_model
from crossroads.kb.check import Finding, cited_findings, duplicate_ids, release_findings
from crossroads.kb.loader import cached
from crossroads.kb.models import Cited, Data, Text

SCOPE_FILE = DATA_DIR / "scope.yaml"


class Header(Data):
    release: str
    as_of: dt.date


class AskItem(Cited):
    """One question to take to the treating team, with the source it rests on."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: Text


class ScopeFile(Data):
    header: Header
    title: Text
    intro: Text
    general: list[AskItem] = Field(min_length=1)
    by_disease: dict[str, list[AskItem]] = Field(default_factory=dict)

    def items_for(self, disease: str | None) -> list[AskItem]:
        """The general questions, then those of the disease (none for an unnamed disease)."""
        return [*self.general, *(self.by_disease.get(disease, []) if disease else [])]


def load_scope(path: Path | None = None) -> ScopeFile:
    """Load (once per process and file state) the what-to-ask-instead questions."""
    file = path or SCOPE_FILE
    return cached("scope", [file], lambda: read_model(file, ScopeFile))


def _cited(data: ScopeFile) -> Iterator[tuple[str, AskItem]]:
    for item in data.general:
        yield f"scope: general.{item.id}", item
    for disease, items in data.by_disease.items():
        for item in items:
            yield f"scope: by_disease.{disease}.{item.id}", item


def findings(
    kb: KnowledgeBase, today: dt.date | None = None, path: Path | None = None
) -> list[Finding]:
    """Every finding about the what-to-ask-instead file, errors first (``kb check``).

    A disease key that is not a disease code would never be shown, so it is an error; so is a
    disease listed here that CAR-T does cover (its people see the timeline, not these questions).
    """
    today = today or dt.date.today()
    try:
        data = load_scope(path)
    except KnowledgeBaseError as exc:
        return [Finding("error", "scope", str(exc))]
    found = release_findings(kb, "scope: header", data.header.release)
    for disease in data.by_disease:
        known = kb.diseases.get(disease)
        if known is None:
            found.append(Finding("error", "scope: by_disease", f"unknown disease {disease!r}"))
        elif known.in_scope:
            found.append(
                Finding("error", f"scope: by_disease.{disease}", "this disease is in scope")
            )
    found += duplicate_ids(_cited(data))
    for where, item in _cited(data):
        found += cited_findings(where, item, today, kb.release.date)
    return sorted(found, key=lambda f: f.level != "error")


__all__ = ["AskItem", "ScopeFile", "findings", "load_scope"]
