"""The derived-facts table holds every fact the rules read, and gives back the same values."""

from __future__ import annotations

import pytest

from crossroads.common.dates import Elapsed, Interval, MonthSpan
from crossroads.common.values import SetValue
from crossroads.engine.classify import classify
from crossroads.kb import KnowledgeBase
from crossroads.screen.columns import SPAN_FACTS, FactColumns, FactEncodingError, FactsSchema
from crossroads.screen.run import schema_for
from crossroads.steps.assess import prepare_case
from tests.conftest import TODAY, example_files

pytestmark = pytest.mark.unit

_TYPES = {"bool": bool, "code": str, "interval": Interval, "span": MonthSpan, "set": SetValue}


def test_every_knowledge_base_fact_has_columns(kb: KnowledgeBase) -> None:
    schema = schema_for(kb)
    assert [f.fact for f in schema.facts] == list(kb.facts)
    assert set(kb.facts) >= SPAN_FACTS
    assert {kb.facts[f].kind for f in SPAN_FACTS} == {"number"}


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.stem)
def test_examples_round_trip_through_a_row(kb: KnowledgeBase, path: object) -> None:
    schema = schema_for(kb)
    facts = classify(prepare_case(str(path), kb, strict=False), kb, today=TODAY).facts.values
    for column in schema.facts:
        value = facts[column.fact]
        assert value is None or isinstance(value, _TYPES[column.form]), column.fact
    names = [name for name, _ in schema.columns()]
    row = dict(zip(names, schema.encode("x", facts), strict=True))
    assert schema.decode(row) == facts


@pytest.mark.parametrize(
    ("form", "value", "cells"),
    [
        ("bool", True, [True]),
        ("code", "lbcl", ["lbcl"]),
        ("interval", Interval(2, 4), [2, 4]),
        ("span", MonthSpan(None, Elapsed(9, 3)), [None, None, 9, 3]),
        ("span", MonthSpan(Elapsed(11, 0), None), [11, 0, None, None]),
        ("set", SetValue(frozenset({"b", "a"}), True), [["a", "b"], True, None]),
        ("set", SetValue(frozenset(), False, frozenset({"x"})), [[], False, ["x"]]),
        ("set", None, [None, None, None]),
    ],
)
def test_encoding_is_exact_and_reversible(form: str, value: object, cells: list[object]) -> None:
    column = FactColumns("f", form)  # type: ignore[arg-type]
    assert column.encode(value) == cells  # type: ignore[arg-type]
    assert column.decode(cells) == value


def test_a_value_of_the_wrong_form_is_refused() -> None:
    with pytest.raises(FactEncodingError, match="f: a interval column cannot hold 'x'"):
        FactColumns("f", "interval").encode("x")


def test_column_names_and_types() -> None:
    schema = FactsSchema.for_kinds(
        {"prior_lines": "number", "months_since_last_progression": "number"}
    )
    assert schema.columns() == [
        ("patient_id", "VARCHAR"),
        ("prior_lines__low", "BIGINT"),
        ("prior_lines__high", "BIGINT"),
        ("months_since_last_progression__low_months", "BIGINT"),
        ("months_since_last_progression__low_days", "BIGINT"),
        ("months_since_last_progression__high_months", "BIGINT"),
        ("months_since_last_progression__high_days", "BIGINT"),
    ]
