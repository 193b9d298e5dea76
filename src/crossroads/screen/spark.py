"""The compiled plan on Apache Spark: the same query, printed in Spark SQL by SQLGlot.

Why Spark at all: DuckDB on one machine is the default and is fast enough for millions of
patients; Spark is for the registry that has outgrown one machine. The query is not rewritten
for it: :meth:`ScreenPlan.sql` prints the one SQLGlot tree in the ``spark`` dialect, and Spark
reads the same derived-facts Parquet. Here Spark runs ``local[*]`` (all cores of this machine);
on a cluster the same module runs under ``spark-submit`` (docs/screening.md).

PySpark and a Java runtime are imported and started only when this engine is asked for, so the
DuckDB path never pays for a JVM. The results are identifiable: the facts an Arrow table holds
are written owner-only into a private folder for Spark to read, and removed on :meth:`close`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from crossroads.common.errors import BadOptionError
from crossroads.screen.columns import PATIENT
from crossroads.screen.compile import FACTS_TABLE, ScreenPlan

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from pyspark.sql import SparkSession

# The results as DuckDB writes them, so both engines give the same file, column for column.
RESULT_SCHEMA = pa.schema(
    [
        ("patient_id", pa.string()),
        ("jurisdiction", pa.string()),
        ("disease", pa.string()),
        ("category", pa.string()),
        ("on_label", pa.list_(pa.field("l", pa.string()))),
        ("missing", pa.list_(pa.field("l", pa.string()))),
    ]
)
_SETTINGS = {  # for local runs only
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # one machine, small plans: a few shuffle partitions, not Spark's cluster default of 200
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
}


def start_session(master: str = "local[*]", app: str = "crossroads-screen") -> SparkSession:
    """A Spark session (``local[*]`` here; ``spark-submit`` passes a cluster's master instead).

    Refuses, with the fix, when PySpark or a Java runtime is missing, rather than letting the
    JVM launcher fail with a stack trace.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise BadOptionError(
            "--engine spark: PySpark is not installed; install requirements/base.txt."
        ) from None
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise BadOptionError(
            "--engine spark: no Java runtime found; install one (scripts/setup-system.sh installs "
            "Debian's default-jre-headless) or set JAVA_HOME."
        )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder: Any = SparkSession.builder.appName(app)
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        # started here, not by spark-submit (whose --master and --conf must hold): local
        builder = builder.master(master)
        for key, value in _SETTINGS.items():
            builder = builder.config(key, value)
    session: SparkSession = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _running() -> bool:
    """Whether this process already has an active Spark session."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return False
    return SparkSession.getActiveSession() is not None


@dataclass
class SparkEngine:
    """The compiled plan on a Spark session (its own, or one that is shared and left running)."""

    plan: ScreenPlan
    session: SparkSession | None = None
    owns_session: bool = field(init=False, default=False)
    _private: tempfile.TemporaryDirectory[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.session is None:
            # a session already running in this process (a notebook's, a test's) is reused and
            # left running; one started here is stopped by :meth:`close`
            self.owns_session = not _running()
            self.session = start_session()

    def _spark(self) -> SparkSession:
        assert self.session is not None  # set in __post_init__
        return self.session

    def load(self, facts: pa.Table | Path) -> None:
        """Make ``facts`` (an Arrow table or a Parquet file) the table the plan reads.

        An Arrow table is written to Parquet first (owner-only), so Spark always reads the same
        file format DuckDB does, and the JVM never holds Python objects.
        """
        if isinstance(facts, Path):
            source = facts
        else:
            if self._private is None:
                self._private = tempfile.TemporaryDirectory(prefix="screen-spark-")
                Path(self._private.name).chmod(0o700)
            source = Path(self._private.name) / "facts.parquet"
            pq.write_table(facts, source)
            source.chmod(0o600)
        self._spark().read.parquet(str(source)).createOrReplaceTempView(FACTS_TABLE)

    def results(self) -> pa.Table:
        """Every patient x jurisdiction row, ordered by patient then jurisdiction."""
        sql = f"SELECT * FROM ({self.plan.sql('spark')}) ORDER BY {PATIENT}, jurisdiction"
        table: pa.Table = self._spark().sql(sql).toArrow()
        return table.cast(RESULT_SCHEMA)

    def close(self) -> None:
        """Remove the private facts file; stop the session only if this engine started it."""
        if self.session is not None:
            self.session.catalog.dropTempView(FACTS_TABLE)
            if self.owns_session:
                self.session.stop()
        if self._private is not None:
            self._private.cleanup()
            self._private = None
