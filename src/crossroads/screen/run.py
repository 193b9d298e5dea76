"""Run a screening: input -> derived-facts table -> compiled query on an engine -> results file.

DuckDB runs embedded (no server) and reads and writes Parquet itself; it is the default. Spark
(:mod:`crossroads.screen.spark`, ``--engine spark``) runs the same compiled query, printed in
Spark SQL, for a registry that has outgrown one machine. The results are
identifiable data (patient ids with their categories), so every file written here is created
owner-only (0600) inside a private folder and moved into place; nothing about a patient is logged.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import pyarrow as pa

from crossroads.common.errors import BadOptionError
from crossroads.kb import Jurisdiction, KnowledgeBase
from crossroads.screen.columns import PATIENT, FactsSchema
from crossroads.screen.compile import FACTS_TABLE, ScreenPlan, compile_plan
from crossroads.screen.reference import ScreenRow
from crossroads.screen.sources import (
    InputReport,
    case_files,
    derive_rows,
    detect,
    read_bulk,
)

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from pyspark.sql import SparkSession

ENGINES = ("duckdb", "spark")
_ARROW = {
    "BOOLEAN": pa.bool_(),
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "VARCHAR[]": pa.list_(pa.string()),
}
PRIVATE = 0o600


def schema_for(kb: KnowledgeBase) -> FactsSchema:
    """The derived-facts table of this knowledge base's facts."""
    return FactsSchema.for_kinds({code: fact.kind for code, fact in kb.facts.items()})


def arrow_schema(schema: FactsSchema) -> pa.Schema:
    return pa.schema([(name, _ARROW[kind]) for name, kind in schema.columns()])


def facts_table(schema: FactsSchema, rows: Iterable[list[Any]]) -> pa.Table:
    """Derived-facts rows as an Arrow table (what DuckDB scans without copying)."""
    return pa.Table.from_pydict(schema.as_columns(rows), schema=arrow_schema(schema))


class Engine(Protocol):
    """What a screening needs of an engine: load the facts, run the plan, let go."""

    def load(self, facts: pa.Table | Path) -> None: ...

    def results(self) -> pa.Table: ...

    def close(self) -> None: ...


@dataclass
class DuckDBEngine:
    """The compiled plan on an embedded DuckDB connection."""

    plan: ScreenPlan
    threads: int | None = None
    connection: duckdb.DuckDBPyConnection = field(init=False)

    def __post_init__(self) -> None:
        self.connection = duckdb.connect(":memory:")
        if self.threads:
            self.connection.execute(f"SET threads = {int(self.threads)}")

    def load(self, facts: pa.Table | Path) -> None:
        """Make ``facts`` (an Arrow table or a Parquet file) the table the plan reads."""
        con = self.connection
        if isinstance(facts, Path):
            source = _quoted(facts)
            con.execute(
                f"CREATE OR REPLACE VIEW {FACTS_TABLE} AS SELECT * FROM read_parquet('{source}')"
            )
        else:
            con.register(FACTS_TABLE, facts)

    def results(self) -> pa.Table:
        """Every patient x jurisdiction row, ordered by patient then jurisdiction."""
        sql = f"SELECT * FROM ({self.plan.sql('duckdb')}) ORDER BY {PATIENT}, jurisdiction"
        return self.connection.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.connection.close()


def check_facts_parquet(path: Path, schema: FactsSchema) -> None:
    """Refuse a Parquet file that lacks columns of the derived-facts table, naming them."""
    try:
        found = {
            row[0]
            for row in duckdb.execute("SELECT name FROM parquet_schema(?)", [str(path)]).fetchall()
        }
    except duckdb.Error:
        raise BadOptionError(f"input {path.name}: not a Parquet file DuckDB can read.") from None
    missing = [name for name, _ in schema.columns() if name not in found]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise BadOptionError(
            f"input {path.name}: not a derived-facts table; columns missing: {shown}. Write it "
            "with `crossroads screen ... --facts FILE`."
        )


def rows_of_table(table: pa.Table) -> list[ScreenRow]:
    """Results as :class:`ScreenRow` (for tests and comparisons)."""
    return [
        ScreenRow(
            r["patient_id"],
            r["jurisdiction"],
            r["disease"],
            r["category"],
            tuple(r["on_label"] or ()),
            tuple(r["missing"] or ()),
        )
        for r in table.to_pylist()
    ]


def write_private(table: pa.Table, path: Path) -> None:
    """Write a table as Parquet, owner-only, replacing ``path`` only once it is complete."""
    target = path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".screen-") as tmp:
        Path(tmp).chmod(0o700)
        part = Path(tmp) / "out.parquet"
        con = duckdb.connect(":memory:")
        try:
            con.register("result_table", table)
            con.execute(f"COPY result_table TO '{_quoted(part)}' (FORMAT parquet)")
        finally:
            con.close()
        part.chmod(PRIVATE)
        part.replace(target)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


@dataclass
class ScreenRun:
    """What a screening read and produced (no patient data in it but the results table)."""

    kind: str
    report: InputReport
    results: pa.Table
    plan: ScreenPlan
    facts: pa.Table | None = None


def screen(
    source: Path,
    kb: KnowledgeBase,
    jurisdictions: Sequence[Jurisdiction],
    on: dt.date,
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
    threads: int | None = None,
    engine: str = "duckdb",
    spark: SparkSession | None = None,
) -> ScreenRun:
    """Screen every patient of ``source`` (Bulk folder, case folder or facts Parquet).

    ``engine`` is ``duckdb`` (embedded, the default) or ``spark`` (``spark``: a running session
    to use and leave running; without one the engine starts its own and stops it).
    """
    if engine not in ENGINES:
        raise BadOptionError(f"--engine: '{engine}' is not available; use {', '.join(ENGINES)}.")
    kind = detect(source)
    schema = schema_for(kb)
    plan = compile_plan(kb, schema, jurisdictions)
    report = InputReport()
    runner = _engine(engine, plan, threads, spark)
    facts: pa.Table | None = None
    try:
        if kind == "parquet":
            check_facts_parquet(source, schema)
            runner.load(source)
        else:
            items: list[tuple[str, Any]]
            if kind == "bulk":
                items = list(read_bulk(source, report).items())
            else:
                items = case_files(source)
                report.patients = len(items)
            if total is not None:
                total(len(items))
            rows = derive_rows(
                kind, items, kb, schema, on, report, workers=workers, progress=progress
            )
            facts = facts_table(schema, rows)
            runner.load(facts)
        results = runner.results()
    finally:
        runner.close()
    if kind == "parquet":
        report.patients = results.num_rows // max(1, len(jurisdictions))
    return ScreenRun(kind, report, results, plan, facts)


def _engine(name: str, plan: ScreenPlan, threads: int | None, spark: SparkSession | None) -> Engine:
    if name == "spark":
        from crossroads.screen.spark import SparkEngine

        return SparkEngine(plan, spark)
    return DuckDBEngine(plan, threads)
