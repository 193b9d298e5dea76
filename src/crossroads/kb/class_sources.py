"""Which parts of a case record can add which drug classes, from the drug data.

A medicine named in a line adds its classes (``drugs.yaml: drugs``); an earlier cellular therapy
adds the classes whose ``cellular_targets`` name its target. The engine uses this to know a class
is absent as soon as every part that could add it is known.
"""

from __future__ import annotations

from crossroads.kb.base import KnowledgeBase
from crossroads.logic.facts import ClassSources

_MADE: dict[int, tuple[KnowledgeBase, ClassSources]] = {}


def class_sources(kb: KnowledgeBase) -> ClassSources:
    """The class sources of this knowledge base, made once per loaded knowledge base (every
    classification asks for them, thousands a second in population runs)."""
    made = _MADE.get(id(kb))
    if made is not None and made[0] is kb:
        return made[1]
    sources = _make(kb)
    _MADE[id(kb)] = (kb, sources)
    return sources


def _make(kb: KnowledgeBase) -> ClassSources:
    by_target: dict[str, set[str]] = {}
    for cls in kb.drug_classes.values():
        for target in cls.cellular_targets:
            by_target.setdefault(target, set()).add(cls.code)
    targets = {t: frozenset(c) for t, c in by_target.items()}
    return ClassSources(kb.classes_of, targets, known=kb.drugs.__contains__)
