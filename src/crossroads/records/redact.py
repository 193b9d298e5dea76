"""A redacted copy of a record document for the specialist packet: page images with black boxes.

Why images and not an edited PDF: a text PDF holds its words in content streams, fonts, tagged
structure, annotations, bookmarks, metadata and XMP, and a box drawn over a word hides it from
the eye but not from a text extractor. So every page is rendered to an image (pypdfium2), the
identifiers are blacked out on the image (Pillow), and a new PDF is written from the images
alone: nothing of the original file (text layer, title, author, attachments, XMP, JavaScript)
can survive, because nothing of it is copied. The copy has no text layer; the specialist reads
the images, as with any scan.

Where the boxes come from:

- a page with a text layer: PDFium's text with a box per character (:func:`page_chars`), so a
  box covers exactly the characters of an identifier, also one split over two lines;
- a scan or photo: OCR (:func:`crossroads.records.ocr.read_image`) with a box per word; the
  page is turned upright and deskewed the way OCR turned it, so the boxes fit the image. A word
  that holds part of an identifier is blacked out whole.

What counts as an identifier is not decided here: the caller passes a :data:`Finder` (the
de-identification scrubber of the specialist packet, ``crossroads.steps.deid``, which sits in a
higher layer and so cannot be imported here). This module only decides what to do with dates:

- an **exact date** (with a day: "2025-03-02", "12 January 2024", "2025年3月2日") is blacked
  out whole. Turning it into month and year would mean writing new text onto a scanned image,
  in a font that is not the document's, which a reader would take for the original; blacking out
  only the day would leave a birth month and year readable.
- a **month and year** ("March 2023", "2023-03", "2022年10月") is kept: it is how documents write
  the course of an illness (diagnosis, lines, relapses), which the specialist needs, and it is
  not an exact date. The packet itself counts months from diagnosis; this copy shows the months
  as the document wrote them.

Each box is padded by ``PAD`` of the line height, so the edges of glyphs (and OCR boxes that are
a pixel short) cannot leave readable strokes.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from crossroads.common.errors import CrossroadsError
from crossroads.records.intake import CheckedDocument
from crossroads.records.text import MIN_TEXT_CHARS, Box, _cjk

# Identifiers in a text: start, end (offsets into the text) and kind ("name", "id", "date", ...).
Span = tuple[int, int, str]
Finder = Callable[[str], Sequence[Span]]

DPI = 200  # output resolution of text-layer pages: small print stays readable, files stay small
PAD = 0.25  # padding around each box, as a fraction of its height
JPEG_QUALITY = 80
_MONTH_NAMES = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.IGNORECASE)


class RedactionError(CrossroadsError):
    """A document could not be redacted (a page could not be read, or OCR is missing)."""


@dataclass(frozen=True)
class Redacted:
    """The redacted copy: a PDF of page images, and what was blacked out (kinds and counts),
    for the coordinator who approves it and for the audit log. Never the text removed."""

    pdf: bytes
    pages: int
    boxes: int
    kinds: dict[str, int]


def is_exact_date(text: str) -> bool:
    """Whether a date as written has a day: three numbers ("2025-03-02", "03/07/61"), a month
    name and a number that is not a year ("12 January 2024", "March 12"), or 日/号."""
    if re.search(r"\d\s*[日号]", text):
        return True
    numbers = re.findall(r"\d+", text)
    short = [n for n in numbers if len(n) <= 2]
    if _MONTH_NAMES.search(text):
        return bool(short)
    if len(numbers) >= 3:
        return True
    return len(short) >= 2


def to_black(spans: Sequence[Span], text: str) -> list[Span]:
    """The spans to black out: all but dates without a day (see the module docstring)."""
    return [
        (start, end, kind)
        for start, end, kind in spans
        if kind != "date" or is_exact_date(text[start:end])
    ]


@dataclass(frozen=True)
class _Page:
    image: Image.Image
    text: str
    boxes: tuple[Box | None, ...]  # per character of ``text`` (text layer) ...
    words: tuple[tuple[int, int, Box], ...]  # ... or per OCR word: start, end, box


def page_chars(page: object, width: float, height: float) -> tuple[str, tuple[Box | None, ...]]:
    """A PDFium page's text and a box per character (fractions of the page, top-left origin);
    characters PDFium generated (line breaks) have none."""
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        if len(text) != count:  # characters outside the BMP: no one-to-one map, use OCR
            return "", ()
        boxes: list[Box | None] = []
        for index, char in enumerate(text):
            if char.isspace():
                boxes.append(None)
                continue
            left, bottom, right, top = textpage.get_charbox(index)
            if right <= left or top <= bottom:
                boxes.append(None)
                continue
            boxes.append(Box(left / width, 1 - top / height, right / width, 1 - bottom / height))
        return text, tuple(boxes)
    finally:
        textpage.close()


def _ocr_page(image: Image.Image) -> _Page:
    from crossroads.records.ocr import available, read_image

    if not available():
        raise RedactionError(
            "This document is a scan or photo and OCR (Tesseract with English and Chinese) is "
            "not installed, so it cannot be redacted. Install it with scripts/setup-system.sh."
        )
    read = read_image(image)
    # the page as OCR saw it: turned upright, then deskewed (OcrPage.rotation and .skew)
    upright = image
    if read.rotation:
        upright = upright.rotate(-read.rotation, expand=True, fillcolor=255)
    if read.skew:
        upright = upright.rotate(
            read.skew, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255
        )
    words = tuple((w.start, w.end, w.box) for w in read.words)
    return _Page(upright, read.text, (), words)


def _pages(document: CheckedDocument) -> Iterator[_Page]:
    from crossroads.records.ocr import DPI as OCR_DPI
    from crossroads.records.ocr import page_images

    if document.media_type != "application/pdf":
        for _, image in page_images(document.data, document.media_type):
            yield _ocr_page(image)
        return
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(document.data)
    except pdfium.PdfiumError as exc:
        raise RedactionError(f"{document.name}: the PDF could not be opened ({exc}).") from exc
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            text, boxes = page_chars(page, width, height)
            if len(text.strip()) >= MIN_TEXT_CHARS:
                bitmap = page.render(scale=DPI / 72, grayscale=True)
                yield _Page(bitmap.to_pil().convert("L"), text, boxes, ())
            else:
                bitmap = page.render(scale=OCR_DPI / 72, grayscale=True)
                read = _ocr_page(bitmap.to_pil().convert("L"))
                # boxes are fractions of the image, so the image can shrink to the output's DPI
                w, h = read.image.size
                size = (round(w * DPI / OCR_DPI), round(h * DPI / OCR_DPI))
                image = read.image.resize(size, Image.Resampling.LANCZOS)
                yield _Page(image, read.text, read.boxes, read.words)
    finally:
        pdf.close()


def _line_boxes(boxes: Sequence[Box | None]) -> list[Box]:
    """Character boxes joined into one box per run on a line (a new run where the next
    character's box does not overlap the run vertically by half)."""
    runs: list[Box] = []
    for box in boxes:
        if box is None:
            continue
        if runs:
            last = runs[-1]
            overlap = min(last.bottom, box.bottom) - max(last.top, box.top)
            if overlap > 0.5 * min(last.bottom - last.top, box.bottom - box.top):
                runs[-1] = Box(
                    min(last.left, box.left),
                    min(last.top, box.top),
                    max(last.right, box.right),
                    max(last.bottom, box.bottom),
                )
                continue
        runs.append(box)
    return runs


def _page_boxes(page: _Page, find: Finder) -> tuple[list[Box], Counter[str]]:
    kinds: Counter[str] = Counter()
    spans: list[tuple[int, int]] = []
    for start, end, kind in to_black(find(page.text), page.text):
        spans.append((start, end))
        kinds[kind] += 1
    boxes: list[Box] = []
    for start, end in spans:
        if page.boxes:
            boxes += _line_boxes(page.boxes[start:end])
        else:
            boxes += [
                word_part(page.text, s, e, box, start, end)
                for s, e, box in page.words
                if s < end and e > start
            ]
    return boxes, kinds


def _width(text: str) -> int:
    """Rough advance of a text in half-width units: a Chinese character is two."""
    return sum(2 if _cjk(c) else 1 for c in text)


def word_part(text: str, start: int, end: int, box: Box, cut_start: int, cut_end: int) -> Box:
    """The part of an OCR word's box that holds ``[cut_start, cut_end)`` of the page text.

    OCR may read "BEAM。2024年4月16日行" as one word; blacking out all of it would hide the
    regimen. The part is estimated from character widths (a Chinese character is twice a Latin
    one) and widened by one character on each side, so a proportional font cannot leave an
    end of the identifier showing; a word the identifier covers whole is blacked out whole.
    """
    if cut_start <= start and cut_end >= end:
        return box
    word = text[start:end]
    total = _width(word) or 1
    left = _width(word[: max(cut_start, start) - start]) - 2
    right = _width(word[: min(cut_end, end) - start]) + 2
    span = box.right - box.left
    return Box(
        box.left + span * max(0, left) / total,
        box.top,
        box.left + span * min(total, right) / total,
        box.bottom,
    )


def _draw(image: Image.Image, boxes: Sequence[Box]) -> Image.Image:
    out = image.convert("L")
    draw = ImageDraw.Draw(out)
    w, h = out.size
    for box in boxes:
        pad = PAD * (box.bottom - box.top) * h
        draw.rectangle(
            (box.left * w - pad, box.top * h - pad, box.right * w + pad, box.bottom * h + pad),
            fill=0,
        )
    return out


def redact(document: CheckedDocument, find: Finder) -> Redacted:
    """The redacted copy of a checked document: each page an image with every identifier that
    ``find`` reports (exact dates, not months, see the module docstring) blacked out."""
    images: list[Image.Image] = []
    kinds: Counter[str] = Counter()
    count = 0
    for page in _pages(document):
        boxes, found = _page_boxes(page, find)
        kinds += found
        count += len(boxes)
        images.append(_draw(page.image, boxes))
    if not images:
        raise RedactionError(f"{document.name}: the document has no pages to redact.")
    buffer = io.BytesIO()
    # a new file from the images alone; Pillow writes no title or author unless given one
    images[0].save(
        buffer,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=float(DPI),
        quality=JPEG_QUALITY,
    )
    return Redacted(buffer.getvalue(), len(images), count, dict(sorted(kinds.items())))


__all__ = [
    "DPI",
    "PAD",
    "Finder",
    "Redacted",
    "RedactionError",
    "Span",
    "is_exact_date",
    "page_chars",
    "redact",
    "to_black",
    "word_part",
]
