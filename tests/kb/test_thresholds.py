"""Boundary tests at every numeric threshold in the knowledge base, for each jurisdiction.

For each indication we find a case (a fact assignment) that meets it, then move one numeric fact
to just below, exactly at, and just above each threshold that sits directly in the indication's
``all`` list. The expected status comes from plain integer comparisons written here, not from
the engine, so the test checks the engine's handling of every bound in the data.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator

import pytest

from crossroads.common.dates import Interval
from crossroads.kb import load_kb
from crossroads.kb.check import witness
from crossroads.logic.rules import All, Leaf

pytestmark = pytest.mark.unit

_OPS = {
    "ge": operator.ge,
    "gt": operator.gt,
    "le": operator.le,
    "lt": operator.lt,
    "eq": operator.eq,
}


def _cases() -> Iterator[object]:
    kb = load_kb()
    kinds = {code: f.kind for code, f in kb.facts.items()}
    for compiled in kb.all_indications():
        node = compiled.criterion
        if not isinstance(node, All):
            continue
        direct = [p for p in node.parts if isinstance(p, Leaf) and kinds[p.fact] == "number"]
        for leaf in direct:
            for value in (int(leaf.value) - 1, int(leaf.value), int(leaf.value) + 1):
                ident = f"{compiled.indication.id}:{leaf.fact}{leaf.op}{leaf.value}@{value}"
                yield pytest.param(compiled.indication.id, leaf.fact, value, id=ident)


@pytest.mark.parametrize(("indication_id", "fact", "value"), list(_cases()))
def test_threshold(indication_id: str, fact: str, value: int) -> None:
    kb = load_kb()
    kinds = {code: f.kind for code, f in kb.facts.items()}
    compiled = next(c for c in kb.all_indications() if c.indication.id == indication_id)
    node = compiled.criterion
    assert isinstance(node, All)
    base = witness(node, kinds, {"disease": compiled.indication.disease})
    assert base is not None
    facts = {**base, fact: Interval(value, value)}
    same_fact = [p for p in node.parts if isinstance(p, Leaf) and p.fact == fact]
    expected = all(_OPS[leaf.op](value, leaf.value) for leaf in same_fact)
    result = node.evaluate(facts).result
    if result is None:  # an 'unsettled' knowledge-base item keeps the answer open
        assert expected, "a failing bound must decide 'not on label' even when something is open"
    else:
        assert result is expected


def test_every_indication_has_an_age_threshold() -> None:
    kb = load_kb()
    missing = [
        c.indication.id
        for c in kb.all_indications()
        if "age_years" not in {leaf.fact for leaf in _all_leaves(c.criterion)}
    ]
    assert missing == []


def _all_leaves(node: object) -> list[Leaf]:
    from crossroads.logic.rules import leaves

    return leaves(node)  # type: ignore[arg-type]
