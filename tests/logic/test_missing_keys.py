"""``missing_keys``: what would decide an undecided criterion, shared by step 2 and step 3."""

from typing import Any

import pytest

from crossroads.common.dates import Interval
from crossroads.common.values import FactValue
from crossroads.logic.rules import compile_criterion, missing_keys

pytestmark = pytest.mark.unit

KINDS = {"n": "number", "b": "bool"}
CRITERION: dict[str, Any] = {
    "all": [
        {"fact": "b", "is": True},
        {"any": [{"fact": "n", "ge": 2}, {"fact": "b", "is": True}]},
        {"unsettled": {"en": "approval in this place", "zh": "此地是否获批"}},
    ]
}


def _missing(facts: dict[str, FactValue]) -> list[str]:
    return missing_keys(compile_criterion(CRITERION, KINDS).evaluate(facts))


def test_missing_keys_of_an_unknown_trace_in_order_without_repeats() -> None:
    assert _missing({}) == ["b", "n", "kb:approval in this place"]


def test_missing_keys_name_only_unsettled_knowledge_when_every_fact_is_known() -> None:
    assert _missing({"b": True, "n": Interval(3, 3)}) == ["kb:approval in this place"]


def test_missing_keys_of_a_false_trace_are_empty() -> None:
    assert _missing({"b": False, "n": None}) == []


def test_missing_keys_of_a_true_trace_are_empty() -> None:
    trace = compile_criterion({"fact": "n", "ge": 2}, KINDS).evaluate({"n": Interval(2, 2)})
    assert missing_keys(trace) == []
