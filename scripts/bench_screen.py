"""Speed of population screening, each figure next to a floor measured in the same run.

1. Bulk NDJSON to results: a synthetic cohort (``crossroads synth``) screened end to end with two
   worker processes (FHIR import, lines, derived facts, compiled rules on DuckDB). Goal: 100,000
   patients in at most 60 s and 4 GB peak memory. Floor: DuckDB reading the same NDJSON files.
2. Rule evaluation over 1,000,000 patients' derived facts (the cohort's facts repeated) from
   Parquet on DuckDB. Goal: at most 5 s. Floor: DuckDB reading the same Parquet file.
3. Speed-up over the Python engine (``classify_facts``) on the same derived facts. Goal: 20x.
4. Spark local (``local[*]``) on the same Parquet of derived facts: the same compiled query in
   Spark SQL, reported beside DuckDB's time (no goal: on one machine Spark is the slower engine;
   it is there for clusters, see docs/screening.md). Floor: Spark reading the same Parquet file.
   Its start-up (the JVM) is reported on its own line.

Each time is wall-clock, with the CPU seconds it took beside it (this process and its worker
processes; DuckDB's threads count in this process): on a machine other work shares, the wall
time grows with the load (the load average is printed before and after) while the CPU time
does not, so the CPU time says whether a change made screening cheaper.

Run: python scripts/bench_screen.py [--patients N] [--rules-rows N] [--no-spark] (``make bench``
runs it with the goals' sizes; a smaller N prints the figures at that size, marked as such).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402

from crossroads.kb import JURISDICTIONS, load_kb  # noqa: E402
from crossroads.screen.compile import FACTS_TABLE, compile_plan  # noqa: E402
from crossroads.screen.reference import screen_facts  # noqa: E402
from crossroads.screen.run import schema_for, screen, write_private  # noqa: E402
from crossroads.screen.synth import write_cohort  # noqa: E402

ON = dt.date(2026, 6, 30)
PYTHON_SAMPLE = 20_000


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def _cpu() -> float:
    """CPU seconds so far of this process (all its threads) and its finished children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


class _Clock:
    """Wall and CPU seconds of one step."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, _cpu() - self.cpu


def _timed(
    label: str,
    seconds: tuple[float, float],
    floor: tuple[float, float],
    goal: str,
    met: str = "",
    cpu_line: bool = True,
) -> None:
    (wall, cpu), (floor_wall, floor_cpu) = seconds, floor
    ratio = wall / floor_wall if floor_wall else float("inf")
    cpu_ratio = cpu / floor_cpu if floor_cpu else float("inf")
    print(
        f"  {label:<44} {wall:8.2f} s   floor {floor_wall:7.2f} s   ({ratio:5.1f}x floor)  "
        f"{goal}{met}"
    )
    if cpu_line:
        print(f"  {'':44} {cpu:8.2f} s CPU; floor {floor_cpu:5.2f} s CPU ({cpu_ratio:5.1f}x floor)")


def _met(seconds: float, limit: float, full: bool) -> str:
    if not full:
        return ""
    return ": met" if seconds <= limit else ": NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--rules-rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-spark", action="store_true", help="leave out Spark local")
    parser.add_argument(
        "--threads", type=int, default=None, help="DuckDB threads for the rules (default: cores)"
    )
    args = parser.parse_args()
    kb = load_kb()
    print(f"screening benchmark ({args.patients:,} patients, {args.workers} workers)")
    print(f"  at the start: {_load()}")
    with tempfile.TemporaryDirectory(prefix="bench-screen-") as tmp:
        folder = Path(tmp) / "bulk"
        start = time.perf_counter()
        counts = write_cohort(folder, args.patients, 2026, kb, ON)
        print(
            f"  synthetic cohort written: {sum(counts.values()):,} resources "
            f"in {time.perf_counter() - start:.1f} s (not timed below)"
        )
        clock = _Clock()
        floor_rows = (
            duckdb.connect(":memory:")
            .execute(f"SELECT count(*) FROM read_ndjson_objects('{folder}/*.ndjson')")
            .fetchone()
        )
        floor = clock.stop()
        clock = _Clock()
        run = screen(folder, kb, JURISDICTIONS, ON, workers=args.workers)
        write_private(run.results, Path(tmp) / "results.parquet")
        seconds = clock.stop()
        assert floor_rows is not None and floor_rows[0] == sum(counts.values())
        full = args.patients == 100_000
        goal = "goal <= 60 s at 100,000" + ("" if full else f" (measured at {args.patients:,})")
        _timed("Bulk NDJSON to results", seconds, floor, goal, _met(seconds[0], 60, full))
        per = seconds[0] / args.patients * 1000
        peak = _peak_mb()
        print(
            f"  {'':44} {per:8.2f} ms a patient; peak memory {peak:,.0f} MB (goal 4 GB)"
            + _met(peak, 4096, full)
        )
        assert run.facts is not None
        _rules(
            run.facts, args.rules_rows, Path(tmp), kb, spark=not args.no_spark, threads=args.threads
        )
    print(f"  at the end: {_load()}")


def _rules(
    facts: pa.Table,
    rows: int,
    tmp: Path,
    kb: object,
    spark: bool = True,
    threads: int | None = None,
) -> None:
    from crossroads.kb import KnowledgeBase

    assert isinstance(kb, KnowledgeBase)
    schema = schema_for(kb)
    copies = -(-rows // facts.num_rows)
    parts = []
    for n in range(copies):
        ids = pa.array([f"{n:03d}-{p}" for p in facts.column("patient_id").to_pylist()])
        parts.append(facts.set_column(0, "patient_id", ids))
    big = pa.concat_tables(parts).slice(0, rows)
    file = tmp / "facts.parquet"
    write_private(big, file)
    plan = compile_plan(kb, schema, JURISDICTIONS)
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    used = con.execute("SELECT current_setting('threads')").fetchone()
    source = f"read_parquet('{file}')"
    clock = _Clock()
    con.execute(f"CREATE TABLE floor AS SELECT * FROM {source}")
    floor = clock.stop()
    con.execute("DROP TABLE floor")
    con.execute(f"CREATE VIEW {FACTS_TABLE} AS SELECT * FROM {source}")
    clock = _Clock()
    con.execute(f"CREATE TABLE results AS {plan.sql('duckdb')}")
    seconds = clock.stop()
    out = con.execute("SELECT count(*) FROM results").fetchone()
    assert out is not None and out[0] == rows * len(JURISDICTIONS)
    full = rows == 1_000_000
    goal = "goal <= 5 s" + ("" if full else f" at 1,000,000 (measured at {rows:,})")
    label = f"rules over {rows:,} patients' facts (DuckDB, {used[0] if used else '?'} threads)"
    _timed(label, seconds, floor, goal, _met(seconds[0], 5, full))
    sample = big.slice(0, min(PYTHON_SAMPLE, rows)).to_pylist()
    start = time.perf_counter()
    for row in sample:
        screen_facts(row["patient_id"], schema.decode(row), kb, JURISDICTIONS, ON)
    python = (time.perf_counter() - start) / len(sample) * rows
    print(
        f"  Python engine on the same facts: {python:8.1f} s for {rows:,} "
        f"(from {len(sample):,}); DuckDB is {python / seconds[0]:5.1f}x faster (goal >= 20x)"
        + _met(-python / seconds[0], -20, full)
    )
    con.close()
    if spark:
        _spark(file, plan.sql("spark"), rows, seconds[0], tmp)


def _spark(file: Path, sql: str, rows: int, duckdb_seconds: float, tmp: Path) -> None:
    """The same compiled query on Spark local[*] over the same Parquet, writing a results file."""
    from crossroads.screen.spark import start_session

    start = time.perf_counter()
    session = start_session()
    print(f"  Spark local session started in {time.perf_counter() - start:.1f} s (not timed below)")
    try:
        clock = _Clock()
        session.read.parquet(str(file)).write.format("noop").mode("overwrite").save()
        floor = clock.stop()
        session.read.parquet(str(file)).createOrReplaceTempView(FACTS_TABLE)
        out = tmp / "spark-results"
        clock = _Clock()
        session.sql(sql).write.mode("overwrite").parquet(str(out))
        seconds = clock.stop()
        written = session.read.parquet(str(out)).count()
        assert written == rows * len(JURISDICTIONS), written
    finally:
        session.stop()
    _timed(
        f"same rules, {rows:,} patients (Spark local)",
        seconds,
        floor,
        f"DuckDB {duckdb_seconds:.2f} s ({seconds[0] / duckdb_seconds:.1f}x DuckDB's time)",
        cpu_line=False,  # Spark works in its own JVM, whose CPU time this process cannot see
    )


if __name__ == "__main__":
    main()
