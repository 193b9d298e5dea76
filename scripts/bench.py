"""Speed figures for Crossroads, each next to a floor measured in the same run.

Run with ``make bench``. Figures are medians of several rounds; ratios against the floor are the
numbers to compare across machines.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from crossroads.engine.classify import classify  # noqa: E402
from crossroads.engine.codes import check_codes  # noqa: E402
from crossroads.kb import load_kb  # noqa: E402
from crossroads.record.load import case_from_data, parse_text  # noqa: E402

TODAY = dt.date(2026, 11, 30)


def rate(loop: Callable[[], int], seconds: float = 1.0, rounds: int = 5) -> float:
    """Median items per second of ``loop`` (which returns how many items it handled)."""
    results = []
    for _ in range(rounds):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / rounds:
            done += loop()
        results.append(done / (time.perf_counter() - start))
    return statistics.median(results)


def wall(command: list[str], runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_assess() -> None:
    kb = load_kb()
    files = sorted(p for p in (ROOT / "examples").glob("*.yaml") if p.name != "expected.yaml")
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in files]
    cases = [check_codes(case_from_data(parse_text(t, n)), kb) for n, t in texts]

    def load_only() -> int:
        for name, text in texts:
            check_codes(case_from_data(parse_text(text, name)), kb)
        return len(texts)

    def load_and_assess() -> int:
        for name, text in texts:
            classify(check_codes(case_from_data(parse_text(text, name)), kb), kb, today=TODAY)
        return len(texts)

    def assess_only() -> int:
        for case in cases:
            classify(case, kb, today=TODAY)
        return len(cases)

    floor = rate(load_only)
    full = rate(load_and_assess)
    core = rate(assess_only)
    print(f"assessments over {len(files)} example cases, all products, US+EU+CN, one process:")
    print(f"  floor: case loading only            {floor:9.0f} cases/s")
    ratio = f"({full / floor:.2f} x floor)"
    print(f"  load + assess                       {full:9.0f} assessments/s  {ratio}")
    print(f"  assess a loaded case                {core:9.0f} assessments/s  (goal >= 5000)")


def bench_cli() -> None:
    python = sys.executable
    crossroads = str(Path(python).parent / "crossroads")
    case = str(ROOT / "examples" / "us_axi_cel_second_line_early_relapse.yaml")
    subprocess.run(
        [crossroads, "assess", case], cwd=ROOT, capture_output=True, check=True
    )  # warm cache
    floor = wall([python, "-c", "pass"])
    libraries = wall([python, "-c", "import pydantic, typer, yaml"])
    model = wall([python, "-c", "import crossroads.record.case"])
    cold = wall([crossroads, "assess", case, "--format", "json"])
    print("command-line start-up (median of 9 runs):")
    print(f"  floor: python -c pass               {floor * 1000:7.0f} ms")
    print(
        f"  import pydantic, typer, yaml        {libraries * 1000:7.0f} ms  "
        f"({libraries / floor:.1f} x floor: the libraries the CLI is built on)"
    )
    shown = f"{model * 1000:7.0f} ms  ({model / floor:.1f} x floor)"
    print(f"  import the case model               {shown}")
    ratio = f"({cold / floor:.1f} x floor; goal <= 10 x)"
    print(f"  crossroads assess CASE --format json{cold * 1000:7.0f} ms  {ratio}")


if __name__ == "__main__":
    os.environ.setdefault("CROSSROADS_CACHE_DIR", str(ROOT / ".cache"))
    print(f"Crossroads benchmarks · Python {sys.version.split()[0]} · {os.cpu_count()} cores")
    bench_assess()
    bench_cli()
