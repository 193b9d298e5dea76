"""Counts over a screening result: per category, per disease, per missing fact.

The same counts serve the terminal summary and the de-identified aggregate file. In aggregate
mode a count from 1 to 10 is suppressed (shown as "<11", stored as NULL with ``suppressed``
set), the usual small-cell rule for sharing counts from health records: a cell that small could
point at a person.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

SMALL_CELL = 11
"""Counts below this (and above zero) are suppressed in aggregate mode."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One count: which table, jurisdiction and row it belongs to, and its value."""

    table: str  # category | disease | missing | one_fact_away
    jurisdiction: str
    key: str
    count: int

    def shown(self, aggregate: bool) -> str:
        return f"<{SMALL_CELL}" if aggregate and 0 < self.count < SMALL_CELL else str(self.count)

    def suppressed(self, aggregate: bool) -> bool:
        return aggregate and 0 < self.count < SMALL_CELL


_QUERIES = {
    "category": "SELECT jurisdiction, category AS key, count(*) FROM r GROUP BY ALL",
    "disease": (
        "SELECT jurisdiction, coalesce(disease, '') || '|' || category AS key, count(*) "
        "FROM r GROUP BY ALL"
    ),
    "missing": (
        "SELECT jurisdiction, m AS key, count(*) FROM "
        "(SELECT jurisdiction, unnest(missing) AS m FROM r WHERE category = 'cannot_tell') "
        "GROUP BY ALL"
    ),
    "one_fact_away": (
        "SELECT jurisdiction, missing[1] AS key, count(*) FROM r "
        "WHERE category = 'cannot_tell' AND len(missing) = 1 GROUP BY ALL"
    ),
}


def count_cells(results: pa.Table) -> list[Cell]:
    """Every count of the summary, sorted by table, jurisdiction and key."""
    con = duckdb.connect(":memory:")
    try:
        con.register("r", results)
        cells = [
            Cell(table, str(place), str(key), int(n))
            for table, sql in _QUERIES.items()
            for place, key, n in con.execute(sql).fetchall()
        ]
    finally:
        con.close()
    return sorted(cells, key=lambda c: (list(_QUERIES).index(c.table), c.jurisdiction, c.key))


def aggregate_table(cells: list[Cell]) -> pa.Table:
    """The counts as a de-identified table: small cells are NULL and marked suppressed."""
    return pa.Table.from_pylist(
        [
            {
                "table": c.table,
                "jurisdiction": c.jurisdiction,
                "key": c.key,
                "count": None if c.suppressed(True) else c.count,
                "suppressed": c.suppressed(True),
            }
            for c in cells
        ],
        schema=pa.schema(
            [
                ("table", pa.string()),
                ("jurisdiction", pa.string()),
                ("key", pa.string()),
                ("count", pa.int64()),
                ("suppressed", pa.bool_()),
            ]
        ),
    )
