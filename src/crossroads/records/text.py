"""The text of a checked document, page by page, and where each character came from.

Why pypdf (measured against the alternatives): the extraction needs each page's text and offsets
into it, not character boxes: a text PDF's provenance is the page and the exact span of the page
text, which a reviewer finds by searching the page. pypdf reads a 10-page WeasyPrint PDF in about
30 ms with correct Chinese (ToUnicode maps), is pure Python and was already used by the tests, so
it moves to the base requirements and no new package is added. pdfplumber/pdfminer.six give
character boxes at several times the cost; the box on a page image matters for OCR (a later
step), whose engine gives boxes itself, so :class:`Provenance` has room for one.

A PDF's text layer breaks lines where the layout wrapped them, which can split a Chinese word
("疗效\\n评估") or a date ("15 March\\n2023"). :func:`flatten` joins such breaks into a text to
match rules on, keeping for each of its characters the offset in the page text, so every span is
reported in the page text exactly as the reader gave it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Literal

from crossroads.records.intake import CheckedDocument

PageSource = Literal["text", "ocr", "none"]
MIN_TEXT_CHARS = 20  # fewer characters than this on a page: a scan, needing OCR


@dataclass(frozen=True)
class Box:
    """A rectangle on the page image, as fractions of its width and height (0 to 1), for text
    read by OCR; a text-layer span has none."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Provenance:
    """Where a proposed value was read: document, page (from 1), and the exact span of the page
    text (``text == page_text[start:end]``), with a box for OCR text."""

    document: str  # the document id (first 16 hex digits of its SHA-256)
    name: str  # the file name as given
    page: int
    start: int
    end: int
    text: str
    box: Box | None = None


@dataclass(frozen=True)
class WordBox:
    """A word of OCR text: its span in the page text and its box on the page image."""

    start: int
    end: int
    box: Box


@dataclass(frozen=True)
class PageText:
    number: int  # from 1
    text: str
    source: PageSource
    words: tuple[WordBox, ...] = ()  # OCR pages only: a box per word, in text order

    def box_of(self, start: int, end: int) -> Box | None:
        """The box around the OCR words of the span ``[start, end)``; None for a text layer."""
        hit = [w.box for w in self.words if w.start < end and w.end > start]
        if not hit:
            return None
        return Box(
            min(b.left for b in hit),
            min(b.top for b in hit),
            max(b.right for b in hit),
            max(b.bottom for b in hit),
        )


@dataclass(frozen=True)
class DocumentText:
    """A document's text by page; ``needs_ocr`` when a page has no usable text layer."""

    document: CheckedDocument
    pages: tuple[PageText, ...]

    @property
    def needs_ocr(self) -> bool:
        return any(p.source == "none" for p in self.pages)

    @property
    def chars(self) -> int:
        return sum(len(p.text) for p in self.pages)


def read_text(document: CheckedDocument, *, ocr: bool = True) -> DocumentText:
    """The text of a document page by page: the text layer of a PDF, and OCR (when Tesseract is
    installed and ``ocr`` is true) for an image or a page without one. The web app asks for the
    text layer alone and runs OCR as a step of its own, to show progress between the two."""
    text = _text_layer(document)
    if ocr and text.needs_ocr:
        from crossroads.records.ocr import ocr_pages

        text = ocr_pages(text)
    return text


def _text_layer(document: CheckedDocument) -> DocumentText:
    if document.media_type != "application/pdf":
        return DocumentText(document, (PageText(1, "", "none"),))
    from pypdf import PdfReader

    pages: list[PageText] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(document.data), strict=False)
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            usable = len(text.strip()) >= MIN_TEXT_CHARS
            pages.append(PageText(number, text, "text" if usable else "none"))
    return DocumentText(document, tuple(pages))


def _cjk(char: str) -> bool:
    return (
        "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"
    )


@dataclass(frozen=True)
class Flat:
    """A page's text with layout breaks joined, and the page offset of each of its characters."""

    text: str
    origin: tuple[int, ...]  # len(origin) == len(text) + 1 (the last is the end of the page text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The page-text span of the flat span ``[start, end)``."""
        return self.origin[start], self.origin[end - 1] + 1 if end > start else self.origin[start]


def flatten(text: str) -> Flat:
    """Whitespace runs become one space, a line break between two Chinese characters goes (one
    next to a single Chinese character becomes a space), and any other line break stays a line
    break, which the reader may take as the end of a table row."""
    out: list[str] = []
    origin: list[int] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if not char.isspace():
            out.append(char)
            origin.append(i)
            i += 1
            continue
        j = i
        while j < n and text[j].isspace():
            j += 1
        newline = "\n" in text[i:j]
        before = out[-1] if out else ""
        after = text[j] if j < n else ""
        if not out or j >= n:
            pass
        elif newline and _cjk(before) and _cjk(after):
            pass  # a Chinese word or sentence wrapped by the layout
        else:
            # Chinese wraps anywhere, also next to a Latin word ("行\nCD19"): a space there
            hard = newline and not (_cjk(before) or _cjk(after))
            out.append("\n" if hard else " ")
            origin.append(i)
        i = j
    origin.append(n)
    return Flat("".join(out), tuple(origin))


__all__ = [
    "Box",
    "DocumentText",
    "Flat",
    "PageText",
    "Provenance",
    "WordBox",
    "flatten",
    "read_text",
]
