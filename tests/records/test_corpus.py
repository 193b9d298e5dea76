"""The test corpus: 30 fictional documents (English and Chinese, seven kinds) and the goals for
text PDFs: field-level precision at least 0.95 and recall at least 0.85."""

from __future__ import annotations

from collections import Counter

import pytest

from crossroads.common.yamlio import load_yaml
from crossroads.kb import KnowledgeBase
from crossroads.records.evaluate import documents, evaluate
from crossroads.records.intake import read_document
from crossroads.records.text import read_text
from tests.records.conftest import CORPUS

pytestmark = pytest.mark.integration
PRECISION_GOAL = 0.95
RECALL_GOAL = 0.85


def test_corpus_shape() -> None:
    found = documents(CORPUS)
    assert len(found) >= 30
    kinds = Counter()
    for pdf, expectation in found:
        data = load_yaml(expectation.read_text(encoding="utf-8"))
        assert pdf.with_suffix(".html").is_file(), f"{pdf.name}: its source is missing"
        kinds[(data["kind"], data["lang"])] += 1
    assert {k for k, _ in kinds} == {
        "pathology",
        "discharge_summary",
        "treatment_summary",
        "imaging",
        "labs",
        "transplant",
        "medication_list",
    }
    assert all(kinds[(k, lang)] >= 1 for k, _ in kinds for lang in ("en", "zh-Hans"))


def test_the_text_layer_holds_the_source_text() -> None:
    """Each PDF was rendered from its source: a line of the source is in the text layer."""
    for pdf, _ in documents(CORPUS):
        text = read_text(read_document(pdf))
        assert text.pages[0].source == "text"
        title = pdf.with_suffix(".html").read_text(encoding="utf-8").split("</h1>")[0]
        title = title.split("<h1>")[1]
        assert title.replace(" ", "") in text.pages[0].text.replace(" ", ""), pdf.name


def test_goals_on_the_text_pdf_corpus(kb: KnowledgeBase) -> None:
    result = evaluate(kb, CORPUS)
    total = result.total
    assert total.precision >= PRECISION_GOAL, total
    assert total.recall >= RECALL_GOAL, total
    for (kind, lang), score in result.by_group().items():
        assert score.precision >= PRECISION_GOAL, (kind, lang, score)
    assert total.kinds_right == total.documents  # every document's kind is found
