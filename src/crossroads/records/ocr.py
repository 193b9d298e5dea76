"""OCR of scanned pages and photos (English and Simplified Chinese), with a box per word.

Why Tesseract (Debian ``tesseract-ocr`` with ``eng`` + ``chi_sim``) through pytesseract: it is
packaged by Debian (security updates, no model download at run time, no network), reads both
languages in one pass and gives a box and a confidence per word, which the provenance of a value
needs, and it won the measured comparison below.

Tesseract against an ONNX OCR (measured 2026-12-07, ``scripts/compare_ocr.py``): RapidOCR
(``rapidocr-onnxruntime`` 1.4.4, the PP-OCRv4 Chinese and English models shipped in its wheel,
onnxruntime on the CPU) read the same page images of the 13 scans of
``tests/fixtures/records/scans`` (7 English, 6 Chinese), through the same extraction, scored
field by field as ``crossroads records evaluate`` does:

======================  =========  ======  =========  ======  ==================
engine                  en P       en R    zh P       zh R    CPU s a page (all)
======================  =========  ======  =========  ======  ==================
Tesseract eng+chi_sim   1.00       0.95    0.98       0.84    1.0
RapidOCR (ONNX)         0.88       0.48    1.00       0.94    3.0
======================  =========  ======  =========  ======  ==================

Over all 13: Tesseract precision 0.99, recall 0.90 (102 of 113 fields); RapidOCR 0.95 and 0.68
(77 of 113). RapidOCR reads Chinese better (it finds the regimens and dates of a Chinese
treatment table that Tesseract misses), but its model drops most spaces between English
words ("Stemcellcollectionon2023-07-28"), so the English rules find half the fields, and it
costs three times the CPU time: 3.0 s a page, the goal's whole budget on one core (on the
same loaded machine, in two runs, 9 to 10 s a page on the clock against 3 to 3.5). So Tesseract
stays and no package is added; RapidOCR for the pages Tesseract reads as Chinese is the option
to measure next if Chinese recall must rise (it would add onnxruntime, OpenCV and numpy, about
130 MB of wheels).

Speed (issue 15: at most 3 s a page on 2 cores; ``scripts/bench_records.py``). Measured where
the time of a page goes: Tesseract's reading is about 80 % of it (0.6 to 1.2 s of CPU a page),
rendering, deskew and the hand-off the rest. The bench's three scanned pages took 1.6 to 1.9 s
of CPU a page before the changes below and 1.3 s after; with two pages read at once, a page
takes about half that on the clock when the 2 cores are free. What changed, and what was
measured and not done:

- the pages of a document are read in parallel, one Tesseract per core, each on one thread
  (``OMP_THREAD_LIMIT=1``: two threads on 2 shared cores were many times slower);
- the page goes to Tesseract as an uncompressed greyscale file instead of a PNG (0.15 s of
  Python a 300 dpi page saved; Tesseract's word table is the same);
- deskew scores each angle with Pillow's ``ImageStat`` instead of a Python loop;
- orientation detection still runs only when a reading is poor: one OSD pass on every page
  would cost about 1 s a page, and on reduced copies it turned upright pages wrongly;
- the render DPI stays 300: at 250 and 200 dpi precision on the corpus fell to 0.94 and 0.95
  (recall the same), as small Chinese characters are misread;
- both languages on every page: reading with ``eng`` alone saves about a third of Tesseract's
  time on an English page, but no cheap check tells the script before reading. Tesseract's
  script detection (about 1 s a page) misjudged 3 of the 6 Chinese scans, and reading with
  ``eng`` first and again with both when the reading is poor (confidence 75 to 94 on English
  pages, 21 to 53 on Chinese) doubles the cost of every Chinese page.

Steps for each page without a text layer:

1. a page image: pypdfium2 renders a PDF page (its wheels carry PDFium, no system library), an
   image is opened with Pillow and turned upright by its EXIF orientation;
2. deskew: the small angle (up to ``MAX_SKEW`` degrees) at which the rows of ink are sharpest
   (projection profile, computed with Pillow alone), then the page is turned by it;
3. orientation, only when the reading is poor: Tesseract's orientation detection (``--psm 0``)
   on a smaller copy; a page it cannot judge (too little text) is taken as upright;
4. Tesseract reads words with their boxes; words of a line are joined with a space, except
   between two Chinese characters (Tesseract puts a space between every Chinese word), lines
   with a line break, blocks with a blank line, so :func:`~crossroads.records.text.flatten` and
   the extraction treat OCR text like a text layer.

Each page's text comes with the box of every word (fractions of the upright, deskewed page
image), so a proposal read from OCR text carries the box of its span.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from PIL import Image, ImageFilter, ImageOps, ImageStat

from crossroads.common.errors import CrossroadsError
from crossroads.records.text import Box, DocumentText, WordBox, _cjk

LANGS = "eng+chi_sim"
DPI = 300  # Tesseract reads best with capital letters about 20-30 pixels high
MAX_SKEW = 5.0  # degrees; a page turned further is a photo to take again
SKEW_STEP = 0.25
MIN_CONFIDENCE = 0  # Tesseract marks non-words with -1; every real word is kept
UPRIGHT_CONFIDENCE = 60.0  # mean word confidence above which a page is taken as upright
MAX_WORKERS = 4  # pages read at once, one Tesseract each; fewer on fewer cores


class OcrError(CrossroadsError):
    """OCR could not run (Tesseract missing or failing on a page)."""


@dataclass(frozen=True)
class OcrPage:
    """What OCR read on one page image."""

    text: str
    words: tuple[WordBox, ...]
    rotation: int  # degrees the page was turned (clockwise) to be upright: 0, 90, 180, 270
    skew: float  # degrees of deskew applied after that


@functools.cache
def available() -> bool:
    """Whether Tesseract and both languages are installed (``scripts/setup-system.sh``); asked
    once a process (it starts Tesseract)."""
    if shutil.which("tesseract") is None:
        return False
    import pytesseract

    try:
        langs = set(pytesseract.get_languages(config=""))
    except Exception:  # a broken install is the same as none here
        return False
    return {"eng", "chi_sim"} <= langs


def page_images(
    data: bytes, media_type: str, pages: set[int] | None = None
) -> Iterator[tuple[int, Image.Image]]:
    """Greyscale images of a document's pages (numbered from 1), only ``pages`` when given."""
    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            for index in range(len(pdf)):
                if pages is not None and index + 1 not in pages:
                    continue
                page = pdf[index]
                bitmap = page.render(scale=DPI / 72, grayscale=True)
                yield index + 1, bitmap.to_pil().convert("L")
        finally:
            pdf.close()
        return
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        yield 1, upright.convert("L")


def _handoff(image: Image.Image) -> Image.Image:
    """The image as pytesseract should pass it to Tesseract: as an uncompressed greyscale file.

    pytesseract writes the image to a temporary file in its ``format`` (PNG when it has none);
    compressing a 300 dpi page as PNG costs about 0.15 s of Python time and Tesseract then
    unpacks it again. A PGM (Pillow's ``PPM`` for a greyscale image) is written and read at the
    speed of the disk cache, and Tesseract reads the same pixels (its word table is identical).
    """
    page = image if image.mode == "L" else image.convert("L")
    page = page.copy() if page is image else page  # never change the caller's image
    page.format = "PPM"
    return page


def _orientation(image: Image.Image) -> int:
    """Degrees to turn the page clockwise to make it upright, by Tesseract's OSD."""
    import pytesseract

    small = image
    if image.width > 1800:
        small = image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR)
    try:
        osd = pytesseract.image_to_osd(
            _handoff(small), config="--psm 0", output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractError:
        return 0  # too few characters to judge: upright
    if float(osd.get("orientation_conf", 0)) < 1.0:
        return 0
    return int(osd.get("rotate", 0)) % 360


def _profile_score(ink: Image.Image, angle: float) -> float:
    turned = ink.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=0)
    column = turned.resize((1, turned.height), Image.Resampling.BOX)  # the mean ink of each row
    return float(ImageStat.Stat(column).var[0])


def skew_angle(image: Image.Image) -> float:
    """The small angle (degrees, counter-clockwise) that makes text rows horizontal.

    Text rows turned level give the sharpest alternation of ink and gap along the page height,
    so the variance of the row sums is highest there (projection profile). Measured on a copy
    600 pixels wide, first by whole degrees, then by ``SKEW_STEP`` around the best.
    """
    scale = min(1.0, 600 / max(image.width, 1))
    small = image.resize(
        (max(1, int(image.width * scale)), max(1, int(image.height * scale))),
        Image.Resampling.BILINEAR,
    )
    ink = ImageOps.invert(small.filter(ImageFilter.MedianFilter(3))).point(
        lambda v: 255 if v > 96 else 0
    )
    scores: dict[float, float] = {}

    def best_of(angles: list[float]) -> float:
        for angle in angles:
            if angle not in scores:
                scores[angle] = _profile_score(ink, angle)
        # the level page wins ties: a blank page or a page without rows is not turned
        return max(angles, key=lambda a: (round(scores[a], 6), -abs(a)))

    # coarse (1 degree) then fine (SKEW_STEP) around the best: 17 angles instead of 41
    coarse = best_of([float(a) for a in range(-int(MAX_SKEW), int(MAX_SKEW) + 1)])
    fine = int(1 / SKEW_STEP)
    best = best_of([coarse + i * SKEW_STEP for i in range(-fine + 1, fine)])
    return best


def deskew(image: Image.Image) -> tuple[Image.Image, float]:
    """The page turned by its skew angle, and the angle."""
    skew = skew_angle(image)
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return image, skew


def _join(left: str, right: str) -> str:
    if not left or not right:
        return ""
    return "" if _cjk(left[-1]) and _cjk(right[0]) else " "


def words_to_text(
    data: dict[str, list[Any]], width: int, height: int
) -> tuple[str, tuple[WordBox, ...]]:
    """Tesseract's word table (``image_to_data``) as page text and a box per word."""
    text = ""
    words: list[WordBox] = []
    last_line: tuple[int, int, int] | None = None
    last_block: int | None = None
    for i, word in enumerate(data["text"]):
        word = str(word).strip()
        if not word or float(data["conf"][i]) < MIN_CONFIDENCE:
            continue
        block = int(data["block_num"][i])
        line = (block, int(data["par_num"][i]), int(data["line_num"][i]))
        if not text:
            sep = ""
        elif block != last_block:
            sep = "\n\n"
        elif line != last_line:
            sep = "\n"
        else:
            sep = _join(text, word)
        text += sep
        start = len(text)
        text += word
        left, top = int(data["left"][i]), int(data["top"][i])
        right, bottom = left + int(data["width"][i]), top + int(data["height"][i])
        words.append(
            WordBox(
                start,
                len(text),
                Box(
                    round(left / width, 4),
                    round(top / height, 4),
                    round(right / width, 4),
                    round(bottom / height, 4),
                ),
            )
        )
        last_line, last_block = line, block
    return text, tuple(words)


def _read(page: Image.Image, langs: str) -> tuple[str, tuple[WordBox, ...], float]:
    import pytesseract

    # Tesseract's own threads: on 2 shared cores, 2 threads were 15 to 25 times slower than one
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            _handoff(page), lang=langs, config="--psm 3", output_type=pytesseract.Output.DICT
        )
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError) as exc:
        raise OcrError(f"OCR failed on a page: {exc}") from exc
    text, words = words_to_text(data, page.width, page.height)
    pairs = zip(data["conf"], data["text"], strict=True)
    confidences = [float(c) for c, w in pairs if str(w).strip()]
    return text, words, sum(confidences) / len(confidences) if confidences else 0.0


def read_image(image: Image.Image, langs: str = LANGS) -> OcrPage:
    """OCR of one page image: deskewed, turned upright when needed, read with a box per word.

    Orientation detection is a second Tesseract run (about a second a page), so it runs only
    when the first reading is poor (mean word confidence below ``UPRIGHT_CONFIDENCE``, as a page
    on its side or upside down reads as nonsense); a page it turns is read again.
    """
    page, skew = deskew(image)
    text, words, confidence = _read(page, langs)
    rotation = 0
    if confidence < UPRIGHT_CONFIDENCE:
        rotation = _orientation(page)
        if rotation:
            page, skew = deskew(image.rotate(-rotation, expand=True, fillcolor=255))
            text, words, _ = _read(page, langs)
    return OcrPage(text, words, rotation, skew)


def workers() -> int:
    """How many pages are read at once: one per core (``os.sched_getaffinity`` where the OS
    has it, so a container's share counts), at most ``MAX_WORKERS``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def read_pages(
    images: Iterable[tuple[int, Image.Image]], max_workers: int | None = None
) -> dict[int, OcrPage]:
    """Each numbered page image read by :func:`read_image`, pages in parallel.

    Why threads: the work is in the Tesseract child process, which a thread waits for without
    holding Python's lock, so ``max_workers`` pages (default :func:`workers`) are read at once,
    one Tesseract per core (each told to use one thread, see :func:`_read`). The images are
    made in the calling thread (PDFium is not safe to call from two threads) and at most two
    per worker wait in memory, so a long document does not hold every page image at once. The
    result does not depend on the number of workers: each page is read on its own.
    """
    count = max_workers if max_workers is not None else workers()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before any thread starts (see _read)
    read: dict[int, OcrPage] = {}
    if count == 1:
        for number, image in images:
            read[number] = read_image(image)
        return read
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="ocr") as pool:
        waiting: dict[Future[OcrPage], int] = {}
        for number, image in images:
            if len(waiting) >= 2 * count:
                done, _ = wait(waiting, return_when=FIRST_COMPLETED)
                for future in done:
                    read[waiting.pop(future)] = future.result()
            waiting[pool.submit(read_image, image)] = number
        for future, number in waiting.items():
            read[number] = future.result()
    return read


def ocr_pages(text: DocumentText) -> DocumentText:
    """The document with every page that has no text layer read by OCR (source ``ocr``).

    Without Tesseract the document comes back as it was (its pages still ``none``), so the
    person is told that the document needs OCR rather than shown an error. This is the callable
    the web app's ``CROSSROADS_OCR`` setting names.
    """
    missing = {p.number for p in text.pages if p.source == "none"}
    if not missing or not available():
        return text
    document = text.document
    read = read_pages(page_images(document.data, document.media_type, missing))
    pages = tuple(
        replace(p, text=read[p.number].text, source="ocr", words=read[p.number].words)
        if p.number in read
        else p
        for p in text.pages
    )
    return DocumentText(document, pages)


__all__ = [
    "DPI",
    "LANGS",
    "OcrError",
    "OcrPage",
    "available",
    "deskew",
    "ocr_pages",
    "page_images",
    "read_image",
    "read_pages",
    "skew_angle",
    "words_to_text",
    "workers",
]
