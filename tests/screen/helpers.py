"""Shared helpers of the screening tests: run SQL on facts, and say where two answers differ."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from crossroads.common.values import FactValue
from crossroads.logic.rules import Node
from crossroads.screen.columns import FactsSchema
from crossroads.screen.compile import FACTS_TABLE, criterion_select
from crossroads.screen.reference import ScreenRow
from crossroads.screen.run import facts_table


def sql_evaluate(
    node: Node, schema: FactsSchema, rows: Sequence[Mapping[str, FactValue]]
) -> list[tuple[bool | None, list[str]]]:
    """The criterion's result and missing facts per facts row, evaluated by DuckDB."""
    table = facts_table(schema, [schema.encode(f"p{i:05d}", r) for i, r in enumerate(rows)])
    con = duckdb.connect(":memory:")
    try:
        con.register(FACTS_TABLE, table)
        sql = criterion_select(node, schema).sql("duckdb")
        found = con.execute(f"SELECT * FROM ({sql}) ORDER BY patient_id").fetchall()
    finally:
        con.close()
    return [(result, list(missing)) for _, result, missing in found]


def first_difference(
    sql: ScreenRow, python: ScreenRow, names: tuple[str, str] = ("DuckDB", "Python")
) -> str:
    """The patient and the first field (and fact or product) where the two engines differ."""
    one, two = names
    for name in ("disease", "category", "on_label", "missing"):
        a, b = getattr(sql, name), getattr(python, name)
        if a != b:
            if isinstance(a, tuple) and isinstance(b, tuple):
                first = sorted(set(a) ^ set(b))[0] if set(a) != set(b) else "order"
                return (
                    f"patient {sql.patient_id} in {sql.jurisdiction}: {name} differs first at "
                    f"{first!r} ({one} {a}, {two} {b})"
                )
            return (
                f"patient {sql.patient_id} in {sql.jurisdiction}: {name} {one} {a!r}, {two} {b!r}"
            )
    return ""


def assert_same(
    sql_rows: Sequence[ScreenRow],
    python_rows: Sequence[ScreenRow],
    names: tuple[str, str] = ("DuckDB", "Python"),
) -> None:
    """Identical rows per patient and jurisdiction, or a message naming the first difference."""
    key = lambda r: (r.patient_id, r.jurisdiction)  # noqa: E731
    by_sql = {key(r): r for r in sql_rows}
    by_python = {key(r): r for r in python_rows}
    assert by_sql.keys() == by_python.keys(), "the engines screened different patients"
    differences = [
        first_difference(by_sql[k], by_python[k], names)
        for k in sorted(by_sql)
        if by_sql[k] != by_python[k]
    ]
    assert not differences, f"{len(differences)} disagreements; first: {differences[0]}"
