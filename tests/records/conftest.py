"""Shared helpers for the record-document tests: PDFs and images made in memory."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from crossroads.kb import KnowledgeBase, load_kb
from crossroads.records.extract import Extraction, extract
from crossroads.records.intake import check_document
from crossroads.records.text import DocumentText, PageText

CORPUS = Path(__file__).parents[1] / "fixtures" / "records"


def blank_pdf(pages: int = 1) -> bytes:
    """A valid PDF of ``pages`` empty pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="session")
def read(kb: KnowledgeBase) -> Callable[[str], Extraction]:
    """The extraction of a text given as one page (no PDF needed for a rule test)."""

    def run(text: str) -> Extraction:
        document = check_document(blank_pdf(), "test.pdf")
        return extract(kb, DocumentText(document, (PageText(1, text, "text"),)))

    return run
