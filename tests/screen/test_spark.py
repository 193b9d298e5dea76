"""Spark runs the same compiled query as DuckDB and gives the same answers as the Python engine.

One Spark session (``local[*]``) serves the whole module, so the JVM starts once and no other
test pays for it. Evidence: every example case and a generated cohort of 1,000 patients through
Spark, DuckDB and the Python engine (identical category, on-label products and missing facts per
patient and jurisdiction, and identical results files); and a sample of the three-valued edge
checks (NULL in every operator position, number and set tests, partial dates at a month
threshold, random trees) evaluated by Spark SQL.
"""

from __future__ import annotations

import itertools
import stat
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from pyspark.sql import SparkSession

from crossroads.cli.commands.screen import screen_command
from crossroads.common.dates import Interval, PartialDate, elapsed_months
from crossroads.common.errors import BadOptionError
from crossroads.common.values import FactValue, SetValue
from crossroads.engine.classify import classify
from crossroads.kb import JURISDICTIONS, KnowledgeBase
from crossroads.logic.rules import All, AnyOf, Leaf, Node, Not
from crossroads.screen.columns import FactsSchema
from crossroads.screen.compile import FACTS_TABLE, compile_plan, criterion_select
from crossroads.screen.reference import rows_of
from crossroads.screen.run import DuckDBEngine, facts_table, rows_of_table, schema_for, screen
from crossroads.screen.spark import RESULT_SCHEMA, SparkEngine, start_session
from crossroads.screen.synth import write_cohort
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, TODAY, example_files
from tests.screen.helpers import assert_same, sql_evaluate
from tests.screen.test_cohort import ON, _python_rows
from tests.screen.test_compile import KLEENE, SCHEMA, _dates_around, _python, _trees

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = start_session("local[2]", "crossroads-tests")
    yield session
    session.stop()


class _Evaluator:
    """Criteria evaluated by Spark SQL on facts rows, each batch from its own Parquet file."""

    def __init__(self, session: SparkSession, folder: Path) -> None:
        self.session, self.folder, self.count = session, folder, 0

    def __call__(
        self, node: Node, schema: FactsSchema, rows: Sequence[Mapping[str, FactValue]]
    ) -> list[tuple[bool | None, list[str]]]:
        table = facts_table(schema, [schema.encode(f"p{i:05d}", r) for i, r in enumerate(rows)])
        self.count += 1
        path = self.folder / f"facts{self.count}.parquet"
        pq.write_table(table, path)
        self.session.read.parquet(str(path)).createOrReplaceTempView(FACTS_TABLE)
        sql = criterion_select(node, schema).sql("spark")
        found = self.session.sql(f"SELECT * FROM ({sql}) ORDER BY patient_id").collect()
        return [(r["result"], list(r["missing"])) for r in found]


@pytest.fixture(scope="module")
def spark_evaluate(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> _Evaluator:
    return _Evaluator(spark, tmp_path_factory.mktemp("spark-facts"))


# -- the whole plan: examples and a cohort, three engines -------------------------------------
def test_every_example_gives_the_same_answer_on_spark_duckdb_and_python(
    kb: KnowledgeBase, spark: SparkSession
) -> None:
    schema = schema_for(kb)
    rows, expected = [], []
    for path in example_files():
        result = classify(prepare_case(path, kb, strict=False), kb, JURISDICTIONS, TODAY)
        rows.append(schema.encode(path.stem, result.facts.values))
        expected += rows_of(path.stem, result)
    plan = compile_plan(kb, schema, JURISDICTIONS)
    facts = facts_table(schema, rows)
    duck = DuckDBEngine(plan)
    duck.load(facts)
    by_duckdb = duck.results()
    duck.close()
    engine = SparkEngine(plan, spark)
    engine.load(facts)
    by_spark = engine.results()
    engine.close()
    assert not engine.owns_session and spark.catalog.listTables() == []
    assert by_spark.schema == by_duckdb.schema == RESULT_SCHEMA
    found = rows_of_table(by_spark)
    assert len(found) == 3 * len(example_files())
    assert_same(found, expected, ("Spark", "Python"))
    assert_same(found, rows_of_table(by_duckdb), ("Spark", "DuckDB"))
    assert {r.category for r in found} == {
        "established",
        "cannot_tell",
        "trial",
        "not_realistic_now",
    }


def test_a_cohort_of_1000_agrees_on_spark_duckdb_and_python(
    kb: KnowledgeBase, spark: SparkSession, tmp_path: Path
) -> None:
    write_cohort(tmp_path / "bulk", 1000, 11, kb, ON)
    on_spark = screen(tmp_path / "bulk", kb, JURISDICTIONS, ON, engine="spark", spark=spark)
    on_duckdb = screen(tmp_path / "bulk", kb, JURISDICTIONS, ON)
    assert on_spark.report.patients == 1000 and on_spark.report.problem_count == 0
    found = rows_of_table(on_spark.results)
    assert len(found) == 3000
    assert_same(found, _python_rows(tmp_path / "bulk", kb), ("Spark", "Python"))
    # the same results file, byte for byte in content: same rows, same order, same types
    assert on_spark.results.equals(on_duckdb.results)
    assert {r.category for r in found} == {
        "established",
        "cannot_tell",
        "trial",
        "not_realistic_now",
    }
    assert any(len(r.missing) == 1 for r in found if r.category == "cannot_tell")
    # and from the derived-facts Parquet, as a cluster would read it
    assert on_spark.facts is not None
    pq.write_table(on_spark.facts, tmp_path / "facts.parquet")
    again = screen(tmp_path / "facts.parquet", kb, JURISDICTIONS, ON, engine="spark", spark=spark)
    assert again.results.equals(on_duckdb.results)
    assert again.report.patients == 1000


# -- three-valued edge checks through Spark SQL (a sample of those run on DuckDB) -------------
@pytest.mark.parametrize("shape", ["all", "any", "not_all", "not_any"])
def test_kleene_operators_with_null_in_every_position_on_spark(
    shape: str, spark_evaluate: _Evaluator
) -> None:
    names = ["flag0", "flag1"]
    schema = FactsSchema.for_kinds(dict.fromkeys(names, "bool"))
    parts = tuple(Leaf(n, "is", True) for n in names)
    inner: Node = All(parts) if shape.endswith("all") else AnyOf(parts)
    node = Not(inner) if shape.startswith("not") else inner
    rows = [dict(zip(names, v, strict=True)) for v in itertools.product(KLEENE, repeat=2)]
    expected = [_python(node, r) for r in rows]
    assert spark_evaluate(node, schema, rows) == expected
    assert sql_evaluate(node, schema, rows) == expected


def test_number_set_and_code_tests_with_unknown_on_spark(spark_evaluate: _Evaluator) -> None:
    numbers: list[FactValue] = [None] + [Interval(lo, hi) for lo in range(4) for hi in range(lo, 4)]
    sets: list[FactValue] = [None] + [
        SetValue(m, complete, could)
        for m in (frozenset(), frozenset({"a"}), frozenset({"c"}))
        for complete in (True, False)
        for could in (None, frozenset(), frozenset({"b", "c"}))
    ]
    cases: list[tuple[Node, str, list[FactValue]]] = [
        *((Leaf("prior_lines", op, 2), "prior_lines", numbers) for op in ("ge", "lt", "eq")),
        *(
            (Leaf("exposed_classes", op, ("a", "b")), "exposed_classes", sets)
            for op in ("includes_any", "includes_all", "excludes_all")
        ),
        (Leaf("disease", "not_in", ("pcnsl",)), "disease", [None, "lbcl", "pcnsl"]),
    ]
    for node, fact, values in cases:
        rows = [{fact: v} for v in values]
        assert spark_evaluate(node, SCHEMA, rows) == [_python(node, r) for r in rows], node


@pytest.mark.parametrize("op", ["ge", "gt", "le", "lt", "eq"])
def test_partial_dates_at_a_month_threshold_on_spark(op: str, spark_evaluate: _Evaluator) -> None:
    fact = "months_first_line_end_to_relapse"
    node = Leaf(fact, op, 12)
    rows: list[dict[str, FactValue]] = [{fact: None}]
    for start in (PartialDate(2024, 1, 31), PartialDate(2024, 6)):
        rows += [{fact: elapsed_months(start, end)} for end in _dates_around(start.earliest, 12)]
    assert spark_evaluate(node, SCHEMA, rows) == [_python(node, r) for r in rows]


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(node=_trees)
def test_random_criteria_mean_the_same_on_spark(node: Node, spark_evaluate: _Evaluator) -> None:
    rows: list[dict[str, FactValue]] = [
        {
            "flag": flag,
            "disease": disease,
            "prior_lines": None if flag is None else Interval(1, 2),
            "months_first_line_end_to_relapse": None,
            "exposed_classes": None if disease is None else SetValue(frozenset({"x"}), False, None),
        }
        for flag, disease in itertools.product(KLEENE, (None, "a", "c"))
    ]
    assert spark_evaluate(node, SCHEMA, rows) == [_python(node, r) for r in rows]


# -- the command line and its refusals ----------------------------------------------------------
def test_the_screen_command_on_spark_writes_the_same_private_file(
    spark: SparkSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {}
    for engine in ("spark", "duckdb"):
        files[engine] = tmp_path / f"{engine}.parquet"
        screen_command(
            EXAMPLES,
            out=files[engine],
            engine=engine,
            jurisdiction="US",
            aggregate=False,
            facts=None,
            workers=1,
            today="2026-11-30",
        )
    assert "Patients screened: 39" in capsys.readouterr().out
    assert stat.S_IMODE(files["spark"].stat().st_mode) == 0o600
    assert pq.read_table(files["spark"]).equals(pq.read_table(files["duckdb"]))
    # the test's session was reused, not stopped
    assert SparkSession.getActiveSession() is spark


@pytest.mark.unit
def test_no_java_is_refused_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr("crossroads.screen.spark.shutil.which", lambda _: None)
    with pytest.raises(BadOptionError, match="no Java runtime found; install one"):
        start_session()
