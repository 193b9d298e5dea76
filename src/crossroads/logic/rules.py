"""Small declarative criteria, evaluated with three-valued logic, returning a trace.

A criterion is plain data (from the knowledge-base YAML)::

    all:
      - {fact: disease, in: [lbcl]}
      - {fact: prior_lines, ge: 2}
      - not: {fact: subtype, in: [pcnsl]}
      - any:
          - {fact: primary_refractory, is: true}
          - {fact: months_first_line_end_to_relapse, le: 12}
      - unsettled: {en: "...", zh: "..."}   # a knowledge-base fact still to confirm

Results are ``True``, ``False`` or ``None`` (unknown) with Kleene logic: ``all`` is false if any
part is false, ``any`` is true if any part is true, and otherwise an unknown part makes the whole
unknown. The :class:`Trace` records every node's result, so an output can say which criterion held,
failed, or could not be decided and which missing fact would decide it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crossroads.common.dates import Interval, MonthSpan
from crossroads.common.values import FactValue, SetValue, Tri, compare, compare_span

NUMBER_OPS = ("ge", "gt", "le", "lt", "eq")
CODE_OPS = ("eq", "in", "not_in")
SET_OPS = ("includes_any", "includes_all", "excludes_all")
BOOL_OPS = ("is",)
OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "number": NUMBER_OPS,
    "code": CODE_OPS,
    "set": SET_OPS,
    "bool": BOOL_OPS,
}


class CriterionError(ValueError):
    """A criterion in the knowledge base is malformed (caught by ``crossroads kb check``)."""


@dataclass(frozen=True, slots=True)
class Trace:
    """The result of one node, with its children's traces (leaves have none)."""

    node: Node
    result: Tri
    actual: FactValue = None
    children: tuple[Trace, ...] = ()

    def decisive(self, negated: bool = False) -> list[tuple[Trace, bool]]:
        """The leaves that decided this result, each with whether a ``not`` sits above it.

        For a false result these are the failing tests, for an unknown one the undecided tests,
        and for a true one every test that held.
        """
        node = self.node
        if isinstance(node, (Leaf, Unsettled)):
            return [(self, negated)]
        if isinstance(node, Not):
            return self.children[0].decisive(not negated)
        if isinstance(node, AnyOf) and self.result is False:
            picked = list(self.children)
        else:
            picked = [c for c in self.children if c.result is self.result]
        return [pair for child in picked for pair in child.decisive(negated)]


@dataclass(frozen=True, slots=True)
class Leaf:
    fact: str
    op: str
    value: Any
    says: Mapping[str, str] | None = None

    def evaluate(self, facts: Mapping[str, FactValue]) -> Trace:
        actual = facts.get(self.fact)
        return Trace(self, _test(actual, self.op, self.value), actual)

    def facts(self) -> set[str]:
        return {self.fact}


@dataclass(frozen=True, slots=True)
class Unsettled:
    """A condition that depends on a knowledge-base fact not yet confirmed: always unknown."""

    text: Mapping[str, str]

    def evaluate(self, facts: Mapping[str, FactValue]) -> Trace:
        return Trace(self, None)

    def facts(self) -> set[str]:
        return set()


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple[Node, ...]

    def evaluate(self, facts: Mapping[str, FactValue]) -> Trace:
        traces = tuple(p.evaluate(facts) for p in self.parts)
        result: Tri = True
        for trace in traces:
            if trace.result is False:
                result = False
                break
            if trace.result is None:
                result = None
        return Trace(self, result, None, traces)

    def facts(self) -> set[str]:
        return set().union(*(p.facts() for p in self.parts))


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Node, ...]

    def evaluate(self, facts: Mapping[str, FactValue]) -> Trace:
        traces = tuple(p.evaluate(facts) for p in self.parts)
        result: Tri = False
        for trace in traces:
            if trace.result is True:
                result = True
                break
            if trace.result is None:
                result = None
        return Trace(self, result, None, traces)

    def facts(self) -> set[str]:
        return set().union(*(p.facts() for p in self.parts))


@dataclass(frozen=True, slots=True)
class Not:
    part: Node

    def evaluate(self, facts: Mapping[str, FactValue]) -> Trace:
        inner = self.part.evaluate(facts)
        result = None if inner.result is None else not inner.result
        return Trace(self, result, None, (inner,))

    def facts(self) -> set[str]:
        return self.part.facts()


Node = Leaf | Unsettled | All | AnyOf | Not


def _test(actual: FactValue, op: str, expected: Any) -> Tri:
    if actual is None:
        return None
    if isinstance(actual, Interval):
        return compare(actual, op, expected)
    if isinstance(actual, MonthSpan):
        return compare_span(actual, op, expected)
    if isinstance(actual, SetValue):
        if op == "includes_any":
            return _any(actual.has(m) for m in expected)
        if op == "includes_all":
            return _all(actual.has(m) for m in expected)
        # excludes_all: none of the members present
        found = _any(actual.has(m) for m in expected)
        return None if found is None else not found
    if op == "is":
        return bool(actual is expected)
    if op == "eq":
        return bool(actual == expected)
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    raise CriterionError(f"operator {op!r} cannot test value {actual!r}")


def _any(values: Any) -> Tri:
    seen_unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            seen_unknown = True
    return None if seen_unknown else False


def _all(values: Any) -> Tri:
    seen_unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            seen_unknown = True
    return None if seen_unknown else True


def compile_criterion(raw: Any, kinds: Mapping[str, str], where: str = "criteria") -> Node:
    """Turn criterion data into nodes, checking fact names, operators and value types.

    ``kinds`` maps each known fact code to its kind (bool, number, code, set).
    """
    if not isinstance(raw, dict):
        raise CriterionError(f"{where}: a criterion must be a mapping, not {raw!r}")
    keys = set(raw) - {"says"}
    says = raw.get("says")
    if keys == {"all"} or keys == {"any"}:
        key = next(iter(keys))
        parts = raw[key]
        if not isinstance(parts, list) or not parts:
            raise CriterionError(f"{where}.{key}: needs a non-empty list")
        nodes = tuple(
            compile_criterion(p, kinds, f"{where}.{key}[{i}]") for i, p in enumerate(parts)
        )
        return All(nodes) if key == "all" else AnyOf(nodes)
    if keys == {"not"}:
        return Not(compile_criterion(raw["not"], kinds, f"{where}.not"))
    if keys == {"unsettled"}:
        text = raw["unsettled"]
        if not (isinstance(text, dict) and text.get("en") and text.get("zh")):
            raise CriterionError(f"{where}.unsettled: needs en and zh text")
        return Unsettled(dict(text))
    if "fact" in keys:
        ops = keys - {"fact"}
        fact = raw["fact"]
        if fact not in kinds:
            raise CriterionError(f"{where}: unknown fact {fact!r}")
        if len(ops) != 1:
            raise CriterionError(
                f"{where}: a fact test needs exactly one operator, got {sorted(ops)}"
            )
        op = ops.pop()
        kind = kinds[fact]
        if op not in OPS_BY_KIND[kind]:
            allowed = ", ".join(OPS_BY_KIND[kind])
            raise CriterionError(
                f"{where}: {fact} is a {kind} fact; use one of {allowed}, not {op}"
            )
        value = raw[op]
        _check_value(kind, op, value, where)
        if isinstance(value, list):
            value = tuple(value)
        return Leaf(fact, op, value, dict(says) if isinstance(says, dict) else None)
    raise CriterionError(f"{where}: cannot read criterion keys {sorted(keys)}")


def _check_value(kind: str, op: str, value: Any, where: str) -> None:
    if kind == "number" and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
        raise CriterionError(f"{where}: {op} needs a number, not {value!r}")
    if kind == "bool" and not isinstance(value, bool):
        raise CriterionError(f"{where}: is needs true or false, not {value!r}")
    if op in ("in", "not_in", *SET_OPS) and not (
        isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    ):
        raise CriterionError(f"{where}: {op} needs a non-empty list of codes")
    if op == "eq" and kind == "code" and not isinstance(value, str):
        raise CriterionError(f"{where}: eq needs a code")


def missing_keys(trace: Trace) -> list[str]:
    """What would decide an undecided trace, in order and without repeats: the fact code of each
    undecided test, or ``kb:<English text>`` for knowledge the knowledge base has not settled.
    A decided trace (true or false) misses nothing.

    Why one function: the classification and the Option Grid both turn "unknown" into "needs
    information: X", and must name the same X for the same trace.
    """
    if trace.result is not None:
        return []
    out: list[str] = []
    for leaf_trace, _negated in trace.decisive():
        node = leaf_trace.node
        if isinstance(node, Leaf):
            key = node.fact
        elif isinstance(node, Unsettled):
            key = f"kb:{node.text['en']}"
        else:  # pragma: no cover - decisive() only returns leaves
            continue
        if key not in out:
            out.append(key)
    return out


def leaves(node: Node) -> list[Leaf]:
    """Every fact test in a criterion, in order."""
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Unsettled):
        return []
    if isinstance(node, Not):
        return leaves(node.part)
    return [leaf for part in node.parts for leaf in leaves(part)]
