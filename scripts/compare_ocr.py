"""Tesseract against an ONNX OCR (RapidOCR) on the scan corpus: field precision, recall, time.

Why this script: issue 15 asks to choose the OCR engine by measured accuracy on the project's
own test set. Both engines read the same page images (``crossroads.records.ocr.page_images``:
PDF pages rendered at the product's DPI, photos turned upright by their EXIF tag), their text
goes through the same extraction, and the proposals are scored against the expected YAML of
each scan (``tests/fixtures/records/scans``) exactly as ``crossroads records evaluate`` does.
Printed per language (en, zh) and over all: documents, field precision and recall, seconds a
page on the clock and in CPU time (the clock depends on what else the machine is doing).

- Tesseract: the product's path (``ocr.read_pages``: deskew, orientation when the reading is
  poor, eng+chi_sim, pages in parallel).
- RapidOCR (``rapidocr-onnxruntime``: PP-OCRv4 detection and recognition models for Chinese and
  English, shipped inside the wheel, run by onnxruntime on the CPU; its own direction
  classifier turns upside-down lines). Its text boxes (one per line fragment) are put in
  reading order: boxes whose vertical middles lie within half a line of each other form a row,
  left to right; rows are joined by a line break, a gap taller than a line starts a block.

RapidOCR is not a requirement of the project (Tesseract was kept, see the docstring of
``crossroads.records.ocr``); to repeat the comparison, install it beside the project first::

    uv pip install --python .venv/bin/python rapidocr-onnxruntime==1.4.4

Without it the script says so and measures Tesseract alone. Run from the repository root:

    PYTHONPATH=$PWD/src .venv/bin/python scripts/compare_ocr.py [--engine tesseract|rapidocr]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from PIL import Image  # noqa: E402

from crossroads.common.yamlio import load_yaml  # noqa: E402
from crossroads.kb import KnowledgeBase, load_kb  # noqa: E402
from crossroads.records import ocr  # noqa: E402
from crossroads.records.evaluate import Score, documents, score  # noqa: E402
from crossroads.records.extract import extract  # noqa: E402
from crossroads.records.intake import IntakeLimits, read_document  # noqa: E402
from crossroads.records.text import Box, DocumentText, WordBox, _cjk, read_text  # noqa: E402

SCANS = ROOT / "tests" / "fixtures" / "records" / "scans"
RAPIDOCR = "rapidocr_onnxruntime"
INSTALL = "uv pip install --python .venv/bin/python rapidocr-onnxruntime==1.4.4"

# an engine: numbered page images in, (text, word boxes) per page number out
Engine = Callable[[list[tuple[int, Image.Image]]], dict[int, tuple[str, tuple[WordBox, ...]]]]


@dataclass
class Tally:
    """Figures of one engine for one group of documents."""

    score: Score = field(default_factory=Score)
    pages: int = 0
    clock: float = 0.0
    cpu: float = 0.0
    notes: list[str] = field(default_factory=list)


def cpu_seconds() -> float:
    """CPU time of this process (onnxruntime's threads) and its finished children (Tesseract)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def tesseract(images: list[tuple[int, Image.Image]]) -> dict[int, tuple[str, tuple[WordBox, ...]]]:
    """The product's OCR path."""
    return {n: (p.text, p.words) for n, p in ocr.read_pages(images).items()}


def rows_to_text(
    boxes: Sequence[tuple[Sequence[Sequence[float]], str]], width: int, height: int
) -> tuple[str, tuple[WordBox, ...]]:
    """RapidOCR's text boxes (four corner points and the text) as page text in reading order,
    with a box per fragment (fractions of the page image)."""
    items = []
    for points, text in boxes:
        text = str(text).strip()
        if not text:
            continue
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        items.append((min(xs), min(ys), max(xs), max(ys), text))
    items.sort(key=lambda b: ((b[1] + b[3]) / 2, b[0]))
    rows: list[list[tuple[float, float, float, float, str]]] = []
    for item in items:
        middle, tall = (item[1] + item[3]) / 2, item[3] - item[1]
        if rows:
            last = rows[-1]
            row_middle = sum((b[1] + b[3]) / 2 for b in last) / len(last)
            if abs(middle - row_middle) <= tall / 2:
                last.append(item)
                continue
        rows.append([item])
    text = ""
    words: list[WordBox] = []
    previous_bottom: float | None = None
    for row in rows:
        row.sort(key=lambda b: b[0])
        top = min(b[1] for b in row)
        line_height = max(b[3] - b[1] for b in row)
        if text:
            gap = top - (previous_bottom or top)
            text += "\n\n" if gap > line_height else "\n"
        for i, (left, upper, right, lower, fragment) in enumerate(row):
            if i:
                text += "" if _cjk(text[-1]) and _cjk(fragment[0]) else " "
            start = len(text)
            text += fragment
            box = Box(
                round(left / width, 4),
                round(upper / height, 4),
                round(right / width, 4),
                round(lower / height, 4),
            )
            words.append(WordBox(start, len(text), box))
        previous_bottom = max(b[3] for b in row)
    return text, tuple(words)


def rapidocr_engine() -> Engine:
    """RapidOCR with the models of its wheel, on every core onnxruntime is given."""
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped,unused-ignore]

    reader = RapidOCR()

    def read(images: list[tuple[int, Image.Image]]) -> dict[int, tuple[str, tuple[WordBox, ...]]]:
        out = {}
        for number, image in images:
            result, _ = reader(np.asarray(image.convert("RGB")))
            boxes = [(points, text) for points, text, _score in result or []]
            out[number] = rows_to_text(boxes, image.width, image.height)
        return out

    return read


def measure(kb: KnowledgeBase, engine: Engine, paths: list[tuple[Path, Path]]) -> dict[str, Tally]:
    """Each scan read by ``engine``, extracted and scored; figures by language and ``all``."""
    tallies: dict[str, Tally] = {"en": Tally(), "zh": Tally(), "all": Tally()}
    limits = IntakeLimits()
    for document, expectation in paths:
        expected: dict[str, Any] = load_yaml(expectation.read_text(encoding="utf-8"))
        lang = "zh" if str(expected.get("lang", "")).startswith("zh") else "en"
        checked = read_document(document, limits)
        empty = read_text(checked, ocr=False)
        missing = {p.number for p in empty.pages if p.source == "none"}
        images = list(ocr.page_images(checked.data, checked.media_type, missing))
        clock, cpu = time.perf_counter(), cpu_seconds()
        read = engine(images)
        clock, cpu = time.perf_counter() - clock, cpu_seconds() - cpu
        pages = tuple(
            replace(p, text=read[p.number][0], source="ocr", words=read[p.number][1])
            if p.number in read
            else p
            for p in empty.pages
        )
        extraction = extract(kb, DocumentText(checked, pages))
        result, wrong, missed = score(extraction, expected["fields"], str(expected.get("kind")))
        for key in (lang, "all"):
            tally = tallies[key]
            tally.score.add(result)
            tally.pages += len(images)
            tally.clock += clock
            tally.cpu += cpu
        tallies[lang].notes += [f"{document.name}: wrong {w}" for w in wrong]
        tallies[lang].notes += [f"{document.name}: missed {m}" for m in missed]
    return tallies


def report(name: str, tallies: dict[str, Tally], details: bool) -> None:
    print(f"{name}")
    print("  lang  docs  precision  recall  right/expected  s a page (clock)  s a page (CPU)")
    for key, tally in tallies.items():
        s, pages = tally.score, max(tally.pages, 1)
        print(
            f"  {key:4}  {s.documents:4}  {s.precision:9.2f}  {s.recall:6.2f}  "
            f"{s.right:5}/{s.expected:<8}  {tally.clock / pages:16.2f}  {tally.cpu / pages:14.2f}"
        )
    if details:
        for key in ("en", "zh"):
            for note in tallies[key].notes:
                print(f"    {note}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("tesseract", "rapidocr", "both"), default="both")
    parser.add_argument("--folder", type=Path, default=SCANS, help="scans with NAME.yaml beside")
    parser.add_argument("--details", action="store_true", help="list wrong and missed values")
    args = parser.parse_args(argv)
    engines: list[tuple[str, Callable[[], Engine]]] = []
    if args.engine in ("tesseract", "both"):
        if ocr.available():
            engines.append((f"Tesseract {ocr.LANGS} ({ocr.DPI} dpi)", lambda: tesseract))
        else:
            print("Tesseract with eng and chi_sim is not installed (scripts/setup-system.sh).")
    if args.engine in ("rapidocr", "both"):
        if importlib.util.find_spec(RAPIDOCR) is not None:
            engines.append((f"RapidOCR ONNX ({ocr.DPI} dpi)", rapidocr_engine))
        else:
            alone = "Tesseract is measured alone." if engines else ""
            print(
                "RapidOCR is not installed: it is not a requirement of the project; to compare, "
                f"install it beside the project first:\n    {INSTALL}\n{alone}".rstrip()
            )
    if not engines:
        return 0
    paths = documents(args.folder)
    kb = load_kb()
    load = os.getloadavg()[0]
    print(
        f"{len(paths)} scans in {args.folder.name}/, load average {load:.1f} on "
        f"{os.cpu_count()} cores (the clock time grows with it, the CPU time does not)"
    )
    for name, make in engines:
        report(name, measure(kb, make(), paths), args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
