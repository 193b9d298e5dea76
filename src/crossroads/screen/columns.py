"""The derived-facts table: one row per patient, the facts the criteria read, NULL = unknown.

Why a table: the rules are evaluated set-based (a query over every patient at once), so each
derived fact (:func:`crossroads.logic.facts.derive_facts`) becomes columns whose SQL NULL means
"unknown", exactly as ``None`` does in Python. The encoding is lossless, so a Parquet file of
derived facts read back gives the same :class:`~crossroads.common.values.FactValue` objects:

- a true/false fact: one BOOLEAN column named after the fact;
- a code fact: one VARCHAR column;
- a number (:class:`~crossroads.common.dates.Interval`): ``<fact>__low`` and ``<fact>__high``
  (BIGINT), both NULL when unknown;
- a time between dates (:class:`~crossroads.common.dates.MonthSpan`): ``<fact>__low_months``,
  ``__low_days``, ``__high_months``, ``__high_days`` (INTEGER); a side the record leaves open is
  NULL on that side only;
- a set (:class:`~crossroads.common.values.SetValue`): ``<fact>__members`` (list of codes),
  ``<fact>__complete`` and ``<fact>__could_add`` (list; NULL: any member could still be added);
  ``__members`` NULL means the whole set is unknown.

Which form a number fact takes is a property of its derivation, not of the knowledge base: the
month counts are spans, the other numbers intervals (``tests/screen`` checks every fact the
knowledge base declares has a form here and that ``derive_facts`` returns that form).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from crossroads.common.dates import Elapsed, Interval, MonthSpan
from crossroads.common.values import FactValue, SetValue

Form = Literal["bool", "code", "interval", "span", "set"]
PATIENT = "patient_id"
"""The key column of the facts and results tables."""

# The derivations that return a MonthSpan (logic/facts.py); every other number is an Interval.
SPAN_FACTS = frozenset(
    {
        "months_first_line_end_to_relapse",
        "months_first_line_start_to_relapse",
        "months_last_line_end_to_progression",
        "months_since_last_progression",
    }
)
_FORM_OF_KIND: dict[str, Form] = {
    "bool": "bool",
    "code": "code",
    "number": "interval",
    "set": "set",
}
_SQL_TYPES: dict[str, str] = {
    "bool": "BOOLEAN",
    "code": "VARCHAR",
    "int": "BIGINT",
    "list": "VARCHAR[]",
}


class FactEncodingError(ValueError):
    """A derived value does not have the form its column expects (a derivation changed)."""


@dataclass(frozen=True, slots=True)
class FactColumns:
    """How one fact is stored: its form and its column names with their SQL types."""

    fact: str
    form: Form

    def columns(self) -> list[tuple[str, str]]:
        """``(column name, SQL type)`` pairs, in table order."""
        name = self.fact
        if self.form == "bool":
            return [(name, _SQL_TYPES["bool"])]
        if self.form == "code":
            return [(name, _SQL_TYPES["code"])]
        if self.form == "interval":
            return [(f"{name}__low", _SQL_TYPES["int"]), (f"{name}__high", _SQL_TYPES["int"])]
        if self.form == "span":
            parts = ("low_months", "low_days", "high_months", "high_days")
            return [(f"{name}__{p}", _SQL_TYPES["int"]) for p in parts]
        return [
            (f"{name}__members", _SQL_TYPES["list"]),
            (f"{name}__complete", _SQL_TYPES["bool"]),
            (f"{name}__could_add", _SQL_TYPES["list"]),
        ]

    def encode(self, value: FactValue) -> list[Any]:
        """The column values for one fact value (``None``: every column NULL)."""
        width = len(self.columns())
        if value is None:
            return [None] * width
        form = self.form
        if form == "bool" and isinstance(value, bool):
            return [value]
        if form == "code" and isinstance(value, str):
            return [value]
        if form == "interval" and isinstance(value, Interval):
            return [value.low, value.high]
        if form == "span" and isinstance(value, MonthSpan):
            low, high = value.low, value.high
            return [
                None if low is None else low.months,
                None if low is None else low.days,
                None if high is None else high.months,
                None if high is None else high.days,
            ]
        if form == "set" and isinstance(value, SetValue):
            could = None if value.could_add is None else sorted(value.could_add)
            return [sorted(value.members), value.complete, could]
        raise FactEncodingError(f"{self.fact}: a {form} column cannot hold {value!r}")

    def decode(self, cells: list[Any]) -> FactValue:
        """The fact value for this fact's column values (the inverse of :meth:`encode`)."""
        form = self.form
        if form in ("bool", "code"):
            value: FactValue = cells[0]
            return value
        if form == "interval":
            low, high = cells
            return None if low is None else Interval(int(low), int(high))
        if form == "span":
            low_m, low_d, high_m, high_d = cells
            if low_m is None and high_m is None:
                return None
            return MonthSpan(
                None if low_m is None else Elapsed(int(low_m), int(low_d)),
                None if high_m is None else Elapsed(int(high_m), int(high_d)),
            )
        members, complete, could = cells
        if members is None:
            return None
        return SetValue(
            frozenset(members), bool(complete), None if could is None else frozenset(could)
        )


@dataclass(frozen=True, slots=True)
class FactsSchema:
    """Every fact's columns, in the order of the knowledge base's fact list."""

    facts: tuple[FactColumns, ...]

    @classmethod
    def for_kinds(cls, kinds: Mapping[str, str]) -> FactsSchema:
        """The schema for the facts the knowledge base declares (``fact code -> kind``)."""
        out = []
        for fact, kind in kinds.items():
            form: Form = "span" if fact in SPAN_FACTS else _FORM_OF_KIND[kind]
            out.append(FactColumns(fact, form))
        return cls(tuple(out))

    def columns(self) -> list[tuple[str, str]]:
        """Every column with its SQL type, the patient key first."""
        return [(PATIENT, "VARCHAR")] + [c for f in self.facts for c in f.columns()]

    def of(self, fact: str) -> FactColumns:
        for item in self.facts:
            if item.fact == fact:
                return item
        raise KeyError(fact)

    def encode(self, patient: str, values: Mapping[str, FactValue]) -> list[Any]:
        """One table row for one patient's derived facts."""
        row: list[Any] = [patient]
        for item in self.facts:
            row += item.encode(values.get(item.fact))
        return row

    def decode(self, row: Mapping[str, Any]) -> dict[str, FactValue]:
        """A patient's derived facts from one table row (by column name)."""
        return {
            item.fact: item.decode([row.get(name) for name, _ in item.columns()])
            for item in self.facts
        }

    def as_columns(self, rows: Iterable[list[Any]]) -> dict[str, list[Any]]:
        """Rows turned into one list per column (how Arrow builds a table)."""
        names = [name for name, _ in self.columns()]
        out: dict[str, list[Any]] = {name: [] for name in names}
        for row in rows:
            for name, cell in zip(names, row, strict=True):
                out[name].append(cell)
        return out
