"""The compiled SQL means what the Python criteria mean: same results, same missing facts.

Three kinds of evidence: every example case through the whole plan (DuckDB against the Python
engine), every operator with NULL in every position, and random criteria on random
three-valued facts (hypothesis), plus partial dates at every month threshold.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.common.dates import Elapsed, Interval, MonthSpan, PartialDate, elapsed_months
from crossroads.common.values import FactValue, SetValue
from crossroads.engine.classify import classify
from crossroads.kb import JURISDICTIONS, KnowledgeBase
from crossroads.logic.rules import All, AnyOf, Leaf, Node, Not, Unsettled, leaves, missing_keys
from crossroads.screen.columns import FactsSchema
from crossroads.screen.compile import CompileError, compile_plan, leaf_sql
from crossroads.screen.reference import rows_of
from crossroads.screen.run import DuckDBEngine, facts_table, rows_of_table, schema_for
from crossroads.steps.assess import prepare_case
from tests.conftest import TODAY, example_files
from tests.screen.helpers import assert_same, sql_evaluate

pytestmark = pytest.mark.unit

SCHEMA = FactsSchema.for_kinds(
    {
        "flag": "bool",
        "disease": "code",
        "prior_lines": "number",
        "months_first_line_end_to_relapse": "number",
        "exposed_classes": "set",
    }
)
KLEENE = (True, False, None)


def _python(node: Node, facts: Mapping[str, FactValue]) -> tuple[bool | None, list[str]]:
    trace = node.evaluate(facts)
    return trace.result, sorted(missing_keys(trace))


# -- every example case, the whole plan -------------------------------------------------------
def test_every_example_gives_the_same_answer_on_duckdb(kb: KnowledgeBase) -> None:
    schema = schema_for(kb)
    rows, expected = [], []
    for path in example_files():
        result = classify(prepare_case(path, kb, strict=False), kb, JURISDICTIONS, TODAY)
        rows.append(schema.encode(path.stem, result.facts.values))
        expected += rows_of(path.stem, result)
    engine = DuckDBEngine(compile_plan(kb, schema, JURISDICTIONS))
    engine.load(facts_table(schema, rows))
    found = rows_of_table(engine.results())
    engine.close()
    assert len(found) == 3 * len(example_files())
    assert_same(found, expected)
    categories = {r.category for r in found}
    assert categories == {"established", "cannot_tell", "trial", "not_realistic_now"}


def test_the_plan_prints_in_spark_sql_too(kb: KnowledgeBase) -> None:
    plan = compile_plan(kb, schema_for(kb), JURISDICTIONS)
    spark = plan.sql("spark")
    assert "ARRAY_CONTAINS(exposed_classes__members" in spark
    assert "FLATTEN(ARRAY(" in spark and "UNION ALL" in spark
    assert plan.indications == len(kb.all_indications())


# -- NULL in every position of every operator ---------------------------------------------------
def _flags(n: int) -> list[str]:
    return [f"flag{i}" for i in range(n)]


@pytest.mark.parametrize("arity", [1, 2, 3])
@pytest.mark.parametrize("shape", ["all", "any", "not_all", "not_any"])
def test_kleene_operators_with_null_in_every_position(arity: int, shape: str) -> None:
    names = _flags(arity)
    schema = FactsSchema.for_kinds(dict.fromkeys(names, "bool"))
    parts = tuple(Leaf(n, "is", True) for n in names)
    inner: Node = All(parts) if shape.endswith("all") else AnyOf(parts)
    node = Not(inner) if shape.startswith("not") else inner
    rows = [
        dict(zip(names, values, strict=True)) for values in itertools.product(KLEENE, repeat=arity)
    ]
    assert sql_evaluate(node, schema, rows) == [_python(node, r) for r in rows]


def test_unsettled_knowledge_is_unknown_and_named(kb: KnowledgeBase) -> None:
    node = All((Leaf("flag", "is", True), Unsettled({"en": "a label point", "zh": "说明"})))
    schema = FactsSchema.for_kinds({"flag": "bool"})
    rows = [{"flag": v} for v in KLEENE]
    assert sql_evaluate(node, schema, rows) == [
        (None, ["kb:a label point"]),
        (False, []),
        (None, ["flag", "kb:a label point"]),
    ]


@pytest.mark.parametrize("op", ["ge", "gt", "le", "lt", "eq"])
@pytest.mark.parametrize("bound", [1, 2, 3])
def test_number_comparisons_with_unknown_and_ranges(op: str, bound: int) -> None:
    node = Leaf("prior_lines", op, bound)
    values: list[FactValue] = [None] + [Interval(lo, hi) for lo in range(5) for hi in range(lo, 5)]
    rows = [{"prior_lines": v} for v in values]
    assert sql_evaluate(node, SCHEMA, rows) == [_python(node, r) for r in rows]


@pytest.mark.parametrize("op", ["includes_any", "includes_all", "excludes_all"])
def test_set_tests_with_incomplete_lists(op: str) -> None:
    node = Leaf("exposed_classes", op, ("a", "b"))
    members = [frozenset(), frozenset({"a"}), frozenset({"a", "b"}), frozenset({"c"})]
    could: list[frozenset[str] | None] = [
        None,
        frozenset(),
        frozenset({"a"}),
        frozenset({"b", "c"}),
    ]
    values: list[FactValue] = [None] + [
        SetValue(m, complete, c) for m in members for complete in (True, False) for c in could
    ]
    rows = [{"exposed_classes": v} for v in values]
    assert sql_evaluate(node, SCHEMA, rows) == [_python(node, r) for r in rows]


def test_code_tests_with_unknown() -> None:
    for node in (
        Leaf("disease", "eq", "lbcl"),
        Leaf("disease", "in", ("lbcl", "fl")),
        Leaf("disease", "not_in", ("pcnsl",)),
    ):
        rows = [{"disease": v} for v in (None, "lbcl", "fl", "pcnsl")]
        assert sql_evaluate(node, SCHEMA, rows) == [_python(node, r) for r in rows]


def test_a_leaf_shape_without_sql_is_named() -> None:
    with pytest.raises(CompileError, match="flag: no SQL for a bool fact tested with 'in'"):
        leaf_sql(Leaf("flag", "in", ("x",)), SCHEMA)
    with pytest.raises(CompileError, match="nothing: not a column"):
        leaf_sql(Leaf("nothing", "is", True), SCHEMA)


# -- partial dates at every month threshold ---------------------------------------------------
def _dates_around(end: dt.date, months: int) -> list[PartialDate]:
    """Relapse dates at and around ``months`` after ``end``: every day of the neighbouring
    weeks, each of the neighbouring months written to the month, and the year alone."""
    target = PartialDate.parse(end).earliest
    index = target.year * 12 + target.month - 1 + months
    year, month = divmod(index, 12)
    centre = dt.date(year, month + 1, 1)
    days = [centre + dt.timedelta(days=d) for d in range(-40, 70, 1)]
    out = [PartialDate.parse(d) for d in days]
    out += [PartialDate(d.year, d.month) for d in days[::28]]
    out += [PartialDate(year), PartialDate(year + 1)]
    return out


def test_partial_dates_at_every_month_threshold_used_by_the_labels(kb: KnowledgeBase) -> None:
    span_leaves = {
        (leaf.op, leaf.value)
        for compiled in kb.all_indications()
        for leaf in leaves(compiled.criterion)
        if leaf.fact.startswith("months_")
    }
    assert span_leaves, "the labels test month windows"
    bounds = sorted({int(v) for _, v in span_leaves} | {1, 12, 24})
    starts = [
        PartialDate(2024, 1, 31),
        PartialDate(2024, 2, 29),
        PartialDate(2024, 6),
        PartialDate(2023, 8, 15),
    ]
    fact = "months_first_line_end_to_relapse"
    for bound in bounds:
        for op in ("ge", "gt", "le", "lt", "eq"):
            node = Leaf(fact, op, bound)
            rows: list[dict[str, FactValue]] = [{fact: None}]
            for start in starts:
                rows += [
                    {fact: elapsed_months(start, end)}
                    for end in _dates_around(start.earliest, bound)
                ]
            rows += [
                {fact: MonthSpan(None, Elapsed(bound, 0))},
                {fact: MonthSpan(Elapsed(bound, 1), None)},
            ]
            found = sql_evaluate(node, SCHEMA, rows)
            expected = [_python(node, r) for r in rows]
            assert found == expected, f"{op} {bound}"


# -- random criteria on random facts ----------------------------------------------------------
_leaf = st.one_of(
    st.builds(Leaf, st.just("flag"), st.just("is"), st.booleans()),
    st.builds(Leaf, st.just("disease"), st.just("eq"), st.sampled_from(["a", "b"])),
    st.builds(
        Leaf,
        st.just("disease"),
        st.sampled_from(["in", "not_in"]),
        st.sampled_from([("a",), ("a", "b"), ("c",)]),
    ),
    st.builds(
        Leaf,
        st.just("prior_lines"),
        st.sampled_from(["ge", "gt", "le", "lt", "eq"]),
        st.integers(0, 4),
    ),
    st.builds(
        Leaf,
        st.just("months_first_line_end_to_relapse"),
        st.sampled_from(["ge", "gt", "le", "lt", "eq"]),
        st.integers(10, 13),
    ),
    st.builds(
        Leaf,
        st.just("exposed_classes"),
        st.sampled_from(["includes_any", "includes_all", "excludes_all"]),
        st.sampled_from([("x",), ("x", "y"), ("y", "z")]),
    ),
    st.builds(Unsettled, st.sampled_from([{"en": "one", "zh": "一"}, {"en": "two", "zh": "二"}])),
)
_trees = st.recursive(
    _leaf,
    lambda kids: st.one_of(
        st.builds(Not, kids),
        st.lists(kids, min_size=1, max_size=4).map(lambda p: All(tuple(p))),
        st.lists(kids, min_size=1, max_size=4).map(lambda p: AnyOf(tuple(p))),
    ),
    max_leaves=12,
)
_elapsed = st.builds(Elapsed, st.integers(9, 14), st.integers(0, 3))


@st.composite
def _span(draw: st.DrawFn) -> MonthSpan:
    low, high = draw(st.none() | _elapsed), draw(st.none() | _elapsed)
    if low is not None and high is not None and high < low:
        low, high = high, low
    return MonthSpan(low, high)


_sets = st.builds(
    SetValue,
    st.frozensets(st.sampled_from("xyz")),
    st.booleans(),
    st.none() | st.frozensets(st.sampled_from("xyz")),
)
_facts = st.fixed_dictionaries(
    {
        "flag": st.none() | st.booleans(),
        "disease": st.none() | st.sampled_from(["a", "b", "c"]),
        "prior_lines": st.none()
        | st.tuples(st.integers(0, 4), st.integers(0, 2)).map(
            lambda t: Interval(t[0], t[0] + t[1])
        ),
        "months_first_line_end_to_relapse": st.none() | _span(),
        "exposed_classes": st.none() | _sets,
    }
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(node=_trees, rows=st.lists(_facts, min_size=1, max_size=12))
def test_random_criteria_mean_the_same_in_sql(node: Node, rows: list[dict[str, FactValue]]) -> None:
    assert sql_evaluate(node, SCHEMA, rows) == [_python(node, r) for r in rows]
