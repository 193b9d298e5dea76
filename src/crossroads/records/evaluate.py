"""Field-level precision and recall of the extraction against hand-written expectations.

Why field level: a person reviews values one by one, so what matters is how many proposed values
are right (precision: wrong ones cost attention and trust) and how many of the record's values
were found (recall: missing ones must be typed). Each document ``NAME.pdf`` (or .jpg/.png) in a
folder has ``NAME.yaml`` beside it::

    kind: discharge_summary
    lang: zh-Hans
    fields:
      diagnosis.disease: lbcl
      lines[R-CHOP].start: 2022-11

A proposal counts as right when its path and value equal an expected field (numbers as numbers,
dates as written back). Figures are summed per document kind and language, and over all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossroads.common.errors import CaseFileError, Problem
from crossroads.common.yamlio import load_yaml
from crossroads.kb import KnowledgeBase
from crossroads.records.extract import Extraction, Proposal, extract
from crossroads.records.intake import IntakeLimits, read_document
from crossroads.records.text import read_text

SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg")


@dataclass
class Score:
    """Counts for a group of documents."""

    documents: int = 0
    proposed: int = 0
    expected: int = 0
    right: int = 0
    kinds_right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    def add(self, other: Score) -> None:
        self.documents += other.documents
        self.proposed += other.proposed
        self.expected += other.expected
        self.right += other.right
        self.kinds_right += other.kinds_right


@dataclass
class DocumentResult:
    name: str
    kind: str
    lang: str
    score: Score
    wrong: list[str] = field(default_factory=list)  # proposed, not expected
    missed: list[str] = field(default_factory=list)  # expected, not proposed


@dataclass
class Evaluation:
    documents: list[DocumentResult]

    def by_group(self) -> dict[tuple[str, str], Score]:
        groups: dict[tuple[str, str], Score] = {}
        for doc in self.documents:
            groups.setdefault((doc.kind, doc.lang), Score()).add(doc.score)
        return dict(sorted(groups.items()))

    @property
    def total(self) -> Score:
        total = Score()
        for doc in self.documents:
            total.add(doc.score)
        return total


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"{float(value):g}"
    return str(value).strip()


def score(
    extraction: Extraction, expected: dict[str, Any], kind: str
) -> tuple[Score, list[str], list[str]]:
    """How the proposals of one document compare with its expected fields."""
    proposed = {(p.path, _norm(p.value)) for p in extraction.proposals}
    wanted = {(path, _norm(value)) for path, value in expected.items()}
    right = proposed & wanted
    result = Score(1, len(proposed), len(wanted), len(right), int(extraction.kind == kind))
    wrong = sorted(f"{p} = {v}" for p, v in proposed - wanted)
    missed = sorted(f"{p} = {v}" for p, v in wanted - proposed)
    return result, wrong, missed


def _expected(path: Path) -> dict[str, Any]:
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise CaseFileError(
            str(path), [Problem("fields", "is missing", "Give the expected fields as a mapping.")]
        )
    return data


def documents(folder: Path) -> list[tuple[Path, Path]]:
    """Each document in ``folder`` that has an expectation file beside it, by name."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in SUFFIXES and path.with_suffix(".yaml").is_file():
            found.append((path, path.with_suffix(".yaml")))
    return found


def evaluate(
    kb: KnowledgeBase, folder: Path, paths: Iterable[tuple[Path, Path]] | None = None
) -> Evaluation:
    """Extract every document of ``folder`` and score it against its expectation."""
    results: list[DocumentResult] = []
    limits = IntakeLimits()
    for document, expectation in paths if paths is not None else documents(folder):
        data = _expected(expectation)
        extraction = extract(kb, read_text(read_document(document, limits)))
        result, wrong, missed = score(extraction, data["fields"], str(data.get("kind")))
        results.append(
            DocumentResult(
                document.name, str(data.get("kind")), str(data.get("lang")), result, wrong, missed
            )
        )
    return Evaluation(results)


def proposals_data(proposals: Iterable[Proposal]) -> list[dict[str, Any]]:
    """Proposals as plain data (the ``--json`` output)."""
    out = []
    for p in proposals:
        source = p.provenance
        item: dict[str, Any] = {
            "path": p.path,
            "field": p.field,
            "entry": p.entry,
            "value": p.value,
            "confidence": p.confidence,
            "source": {
                "document": source.name,
                "document_id": source.document,
                "page": source.page,
                "start": source.start,
                "end": source.end,
                "text": source.text,
            },
        }
        if source.box is not None:
            item["source"]["box"] = [
                source.box.left,
                source.box.top,
                source.box.right,
                source.box.bottom,
            ]
        out.append(item)
    return out


__all__ = [
    "DocumentResult",
    "Evaluation",
    "Score",
    "documents",
    "evaluate",
    "proposals_data",
    "score",
]
