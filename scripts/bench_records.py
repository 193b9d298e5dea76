"""Speed of reading a 10-page text PDF into proposals, next to a floor in the same run.

The document is ten pages of the test corpus (English and Chinese discharge, treatment and
transplant summaries, tests/fixtures/records), joined into one PDF in memory. Timed: the intake
checks, the text layer of every page and the extraction (the knowledge base is loaded once
before, as in a running server). The floor is reading the file's bytes from disk. Peak memory
is Python's own allocations (tracemalloc) during one full read. Goal: at most 1 s.

Run: python scripts/bench_records.py (``make bench`` runs it).
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pypdf import PdfReader, PdfWriter  # noqa: E402

from crossroads.kb import load_kb  # noqa: E402
from crossroads.records.extract import extract  # noqa: E402
from crossroads.records.intake import read_document  # noqa: E402
from crossroads.records.text import read_text  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "records"
PAGES = ("en_dis_01", "zh_dis_01", "en_tx_01", "zh_tx_01", "en_dis_02", "zh_dis_02",
         "en_tpl_01", "zh_tpl_01", "en_tx_03", "zh_tx_02")  # fmt: skip
ROUNDS = 7
GOAL = 1.0


def ten_pages() -> bytes:
    writer = PdfWriter()
    for name in PAGES:
        writer.add_page(PdfReader(CORPUS / f"{name}.pdf").pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main() -> int:
    kb = load_kb()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ten_pages.pdf"
        path.write_bytes(ten_pages())
        extract(kb, read_text(read_document(path)))  # warm: vocabularies built once a process
        floor, full = [], []
        proposals = 0
        for _ in range(ROUNDS):
            start = time.perf_counter()
            path.read_bytes()
            floor.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = extract(kb, read_text(read_document(path)))
            full.append(time.perf_counter() - start)
            proposals = len(result.proposals)
        tracemalloc.start()
        extract(kb, read_text(read_document(path)))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        size = path.stat().st_size
    median = statistics.median(full)
    print(f"records: 10-page text PDF ({size // 1024} KB), {proposals} proposals")
    print(f"  floor (read the file)        {statistics.median(floor) * 1000:8.2f} ms")
    print(
        f"  check + text + extraction    {median * 1000:8.2f} ms   (goal <= {GOAL * 1000:.0f} ms)"
    )
    print(f"  peak Python memory           {peak / 1024 / 1024:8.1f} MB")
    if median > GOAL:
        print("  GOAL MISSED")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
