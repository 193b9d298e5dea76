from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.common.dates import Interval
from crossroads.common.values import FactValue, SetValue
from crossroads.logic.rules import CriterionError, Leaf, Unsettled, compile_criterion, leaves

pytestmark = pytest.mark.unit

KINDS = {"n": "number", "b": "bool", "c": "code", "s": "set"}


def ev(raw: dict[str, Any], facts: dict[str, FactValue]) -> bool | None:
    return compile_criterion(raw, KINDS).evaluate(facts).result


def test_all_is_false_when_any_part_fails_even_if_others_unknown() -> None:
    raw = {"all": [{"fact": "n", "ge": 2}, {"fact": "b", "is": True}]}
    assert ev(raw, {"n": Interval(1, 1), "b": None}) is False
    assert ev(raw, {"n": Interval(2, 2), "b": None}) is None
    assert ev(raw, {"n": Interval(2, 2), "b": True}) is True


def test_any_is_true_when_one_part_holds_even_if_others_unknown() -> None:
    raw = {"any": [{"fact": "b", "is": True}, {"fact": "n", "le": 12}]}
    assert ev(raw, {"b": None, "n": Interval(3, 3)}) is True
    assert ev(raw, {"b": False, "n": Interval(5, 16)}) is None
    assert ev(raw, {"b": False, "n": Interval(13, 13)}) is False


def test_not_flips_and_keeps_unknown() -> None:
    raw = {"not": {"fact": "c", "in": ["pcnsl"]}}
    assert ev(raw, {"c": "pcnsl"}) is False
    assert ev(raw, {"c": "dlbcl_nos"}) is True
    assert ev(raw, {}) is None


def test_set_tests_use_completeness() -> None:
    raw = {"fact": "s", "includes_all": ["imid", "proteasome_inhibitor"]}
    assert ev(raw, {"s": SetValue(frozenset({"imid"}), False)}) is None
    assert ev(raw, {"s": SetValue(frozenset({"imid"}), True)}) is False
    assert ev(raw, {"s": SetValue(frozenset({"imid", "proteasome_inhibitor"}), False)}) is True
    assert ev({"fact": "s", "excludes_all": ["imid"]}, {"s": SetValue(frozenset(), True)}) is True


def test_unsettled_is_always_unknown() -> None:
    node = compile_criterion({"unsettled": {"en": "upper age", "zh": "年龄上限"}}, KINDS)
    assert isinstance(node, Unsettled)
    assert node.evaluate({}).result is None


def test_trace_names_the_deciding_leaves() -> None:
    raw = {"all": [{"fact": "n", "ge": 2}, {"fact": "b", "is": True}, {"fact": "c", "eq": "x"}]}
    trace = compile_criterion(raw, KINDS).evaluate({"n": Interval(1, 1), "b": None, "c": "x"})
    decisive = [(t.node, neg) for t, neg in trace.decisive()]
    assert decisive == [(Leaf("n", "ge", 2), False)]
    trace = compile_criterion(raw, KINDS).evaluate({"n": Interval(2, 2), "b": None, "c": "x"})
    assert [t.node for t, _ in trace.decisive()] == [Leaf("b", "is", True)]


def test_trace_under_not_is_marked_negated() -> None:
    trace = compile_criterion({"not": {"fact": "c", "in": ["pcnsl"]}}, KINDS).evaluate(
        {"c": "pcnsl"}
    )
    assert [(t.node, neg) for t, neg in trace.decisive()] == [(Leaf("c", "in", ("pcnsl",)), True)]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"fact": "zz", "is": True}, "unknown fact 'zz'"),
        ({"fact": "n", "is": True}, "n is a number fact; use one of ge, gt, le, lt, eq, not is"),
        ({"fact": "n", "ge": "two"}, "ge needs a number"),
        ({"fact": "b", "is": "yes"}, "is needs true or false"),
        ({"fact": "c", "in": []}, "in needs a non-empty list of codes"),
        ({"all": []}, "needs a non-empty list"),
        ({"fact": "n", "ge": 1, "le": 3}, "exactly one operator"),
        ({"maybe": 1}, "cannot read criterion keys"),
        ({"unsettled": {"en": "x"}}, "needs en and zh text"),
        ([1], "must be a mapping"),
    ],
)
def test_compile_refuses_malformed_criteria(raw: Any, message: str) -> None:
    with pytest.raises(CriterionError, match=message):
        compile_criterion(raw, KINDS)


# -- property tests: Kleene semantics and monotonicity --------------------------------------
numbers = st.integers(0, 30)
leaf_st = st.one_of(
    st.builds(
        lambda op, v: {"fact": "n", op: v}, st.sampled_from(["ge", "gt", "le", "lt", "eq"]), numbers
    ),
    st.builds(lambda v: {"fact": "b", "is": v}, st.booleans()),
    st.builds(
        lambda v: {"fact": "c", "in": v}, st.lists(st.sampled_from("xyz"), min_size=1, max_size=2)
    ),
    st.builds(
        lambda op, v: {"fact": "s", op: v},
        st.sampled_from(["includes_any", "includes_all", "excludes_all"]),
        st.lists(st.sampled_from("pqr"), min_size=1, max_size=3),
    ),
)
criteria = st.recursive(
    leaf_st,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=8,
)


@st.composite
def full_and_partial(draw: st.DrawFn) -> tuple[dict[str, FactValue], dict[str, FactValue]]:
    """A fully known fact assignment and a less informed version of it."""
    n = draw(numbers)
    members = frozenset(draw(st.lists(st.sampled_from("pqr"), max_size=3)))
    full: dict[str, FactValue] = {
        "n": Interval(n, n),
        "b": draw(st.booleans()),
        "c": draw(st.sampled_from("xyzw")),
        "s": SetValue(members, True),
    }
    partial = dict(full)
    if draw(st.booleans()):
        partial["n"] = draw(
            st.sampled_from([None, Interval(max(0, n - 3), n + draw(st.integers(0, 5)))])
        )
    for key in ("b", "c"):
        if draw(st.booleans()):
            partial[key] = None
    if draw(st.booleans()):
        kept = frozenset(m for m in members if draw(st.booleans()))
        partial["s"] = draw(st.sampled_from([None, SetValue(kept, False)]))
    return full, partial


@settings(max_examples=400)
@given(criteria, full_and_partial())
def test_less_information_never_flips_a_definite_answer(
    raw: dict[str, Any], facts: tuple[dict[str, FactValue], dict[str, FactValue]]
) -> None:
    full, partial = facts
    node = compile_criterion(raw, KINDS)
    known = node.evaluate(full).result
    assert known is not None  # every fact is known in the full assignment
    guess = node.evaluate(partial).result
    assert guess is None or guess is known


@settings(max_examples=200)
@given(criteria, full_and_partial())
def test_unknown_result_always_names_an_unknown_leaf(
    raw: dict[str, Any], facts: tuple[dict[str, FactValue], dict[str, FactValue]]
) -> None:
    _, partial = facts
    trace = compile_criterion(raw, KINDS).evaluate(partial)
    if trace.result is None:
        assert trace.decisive()
        assert all(t.result is None for t, _ in trace.decisive())


def test_leaves_lists_every_fact_test_in_order() -> None:
    raw = {"all": [{"fact": "n", "ge": 2}, {"not": {"fact": "b", "is": True}}]}
    assert [leaf.fact for leaf in leaves(compile_criterion(raw, KINDS))] == ["n", "b"]
