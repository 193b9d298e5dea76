"""Speed of the PDF patient report, next to a floor measured in the same run.

The floor is WeasyPrint printing a one-line page: the cost no PDF can avoid on this machine.
The figure is the median time of a whole report (classification, sections, HTML, PDF) per case,
over a few example cases in both languages. Goal: 1.5 s or less per report.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pypdf import PdfReader  # noqa: E402

from crossroads.kb import load_kb  # noqa: E402
from crossroads.render.pdf import html_to_pdf  # noqa: E402
from crossroads.render.report import report_html, report_pdf  # noqa: E402
from crossroads.steps.assess import prepare_case  # noqa: E402

TODAY = dt.date(2026, 11, 30)
GOAL_SECONDS = 1.5
CASES = [
    ("us_axi_cel_second_line_early_relapse", "en"),
    ("lbcl_dlbcl_third_line_cn_patient_cross_border", "zh-Hans"),
    ("mm_two_lines_lenalidomide_refractory_unknown", "en"),
    ("ball_child_8_second_relapse_cn", "zh-Hans"),
]
ONE_LINE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head>'
    "<body style=\"font-family: 'Noto Sans CJK SC', sans-serif\">Crossroads</body></html>"
)


def median_seconds(
    work: Callable[[], object], rounds: int = 5, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Median time of ``work`` over a few rounds, after one warm-up round.

    Wall time by default; ``time.process_time`` gives this process's CPU time, which a busy
    machine (other jobs on the same cores) does not inflate as much.
    """
    work()
    times = []
    for _ in range(rounds):
        start = clock()
        work()
        times.append(clock() - start)
    return statistics.median(times)


def main() -> None:
    kb = load_kb()
    cases = [
        (name, lang, prepare_case(ROOT / "examples" / f"{name}.yaml", kb)) for name, lang in CASES
    ]
    floor = median_seconds(lambda: html_to_pdf(ONE_LINE))
    print("report PDF per case (median of 3 runs after a warm-up; whole report, one process):")
    print(f"  floor: WeasyPrint, one-line page        {floor:7.3f} s")
    figures = []
    for name, lang, case in cases:
        html_only = median_seconds(partial(report_html, case, kb, lang, today=TODAY))
        full = median_seconds(partial(report_pdf, case, kb, lang, today=TODAY), 3)
        cpu = median_seconds(partial(report_pdf, case, kb, lang, today=TODAY), 3, time.process_time)
        pages = len(PdfReader(io.BytesIO(report_pdf(case, kb, lang, today=TODAY))).pages)
        figures.append(full)
        label = f"{name[:34]} ({lang})"
        print(
            f"  {label:<44}{full:7.3f} s  ({full / floor:5.1f} x floor; "
            f"CPU {cpu:.2f} s; HTML alone {html_only * 1000:3.0f} ms; {pages} pages)"
        )
    worst = max(figures)
    verdict = "meets" if worst <= GOAL_SECONDS else "MISSES"
    print(
        f"  median {statistics.median(figures):.3f} s, slowest {worst:.3f} s per report: "
        f"{verdict} the goal of <= {GOAL_SECONDS} s"
    )


if __name__ == "__main__":
    os.environ.setdefault("CROSSROADS_CACHE_DIR", str(ROOT / ".cache"))
    main()
