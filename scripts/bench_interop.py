"""Speed figures for the interop area (trial search and FHIR), each next to its floor.

Trial search: 1,000 generated study records (clearly synthetic, written to a temporary folder by
``tests/interop/trials/make_studies.py``) are loaded, then searched for one example case. The floor
is the time to load the records from disk. Reading each study's eligibility text does not depend on
the case, so it happens once per record set (on the first search) and is shown on its own line,
as is a first search on freshly loaded records, which pays for both. Goal: a search for one case
under 200 ms.

FHIR: export + validate + import of every example case, next to loading the case alone.

Run: python scripts/bench_interop.py (the lead wires it into ``make bench``).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "interop" / "trials"))

from make_studies import write_studies  # noqa: E402

from crossroads.interop.fhir import export_case, import_bundle, validate_bundle  # noqa: E402
from crossroads.interop.trials import SearchOptions, load_studies, search  # noqa: E402
from crossroads.kb import load_kb  # noqa: E402
from crossroads.kb.trial_terms import load_trial_terms  # noqa: E402
from crossroads.steps.assess import prepare_case  # noqa: E402

TODAY = dt.date(2026, 11, 30)
CASE = ROOT / "examples" / "lbcl_dlbcl_third_line_cn_patient_cross_border.yaml"
STUDIES = 1000


def median_ms(action: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_trials() -> None:
    kb = load_kb()
    terms = load_trial_terms(kb)
    case = prepare_case(CASE, kb)
    options = SearchOptions(today=TODAY)
    with tempfile.TemporaryDirectory() as folder:
        write_studies(Path(folder), STUDIES)
        paths = [Path(folder)]
        load = median_ms(lambda: load_studies(paths), 5)
        reads, firsts = [], []
        for _ in range(5):
            studies = load_studies(paths)
            start = time.perf_counter()
            studies.profiles(terms)
            reads.append((time.perf_counter() - start) * 1000)
            fresh = load_studies(paths)
            start = time.perf_counter()
            search(case, fresh, kb, options)
            firsts.append((time.perf_counter() - start) * 1000)
        repeated = median_ms(lambda: search(case, studies, kb, options), 21)
        shown = len(search(case, studies, kb, options).shown)
    read, first = statistics.median(reads), statistics.median(firsts)
    print(f"trial search, {STUDIES} study records, one case ({shown} shown):")
    print(f"  floor: load the records              {load:8.1f} ms")
    print(f"  read every eligibility text (once)    {read:8.1f} ms   {read / load:5.2f}x floor")
    ratio = repeated / load
    print(f"  search for one case                   {repeated:8.1f} ms   {ratio:5.2f}x floor")
    print(f"  first search on fresh records (both)  {first:8.1f} ms   {first / load:5.2f}x floor")
    verdict = "meets" if repeated < 200 else "misses"
    print(f"  goal: a search for one case under 200 ms -> {verdict} it")


def bench_fhir() -> None:
    kb = load_kb()
    files = sorted(p for p in (ROOT / "examples").glob("*.yaml") if p.name != "expected.yaml")
    cases = [prepare_case(p, kb) for p in files]

    def load_only() -> None:
        for path in files:
            prepare_case(path, kb)

    def round_trip() -> None:
        for case in cases:
            bundle = export_case(case, kb)
            validate_bundle(bundle)
            import_bundle(bundle, kb)

    floor = median_ms(load_only, 5) / len(files)
    cost = median_ms(round_trip, 5) / len(files)
    print(f"FHIR, {len(files)} example cases, per case:")
    print(f"  floor: load and code-check a case  {floor:8.2f} ms")
    print(f"  export + validate + import          {cost:8.2f} ms   {cost / floor:5.1f}x floor")


def main() -> None:
    bench_trials()
    bench_fhir()


if __name__ == "__main__":
    main()
