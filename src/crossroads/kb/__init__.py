"""The knowledge base: versioned, cited clinical facts as data (see ``kb/data``)."""

from crossroads.kb.base import CompiledIndication, KnowledgeBase, load_kb, normalise_name
from crossroads.kb.models import JURISDICTIONS, Jurisdiction

__all__ = [
    "JURISDICTIONS",
    "CompiledIndication",
    "Jurisdiction",
    "KnowledgeBase",
    "load_kb",
    "normalise_name",
]
