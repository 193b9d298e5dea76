"""Tempo flags: "may not wait" and "bridging therapy likely", and the words that explain them.

The rules are criteria in ``timeline.yaml`` over the derived facts plus the timeline's own
numbers, so each flag answers true, false or unknown with a trace; an unknown names the fact that
would settle it. They raise questions for the team; they never decide.
"""

from __future__ import annotations

from collections.abc import Mapping

from crossroads.common.dates import Interval
from crossroads.common.values import FactValue
from crossroads.engine.explain import leaf_sentence
from crossroads.kb import KnowledgeBase
from crossroads.kb.planning import Planning
from crossroads.logic.rules import Leaf, Trace, Unsettled
from crossroads.steps.timeline.model import Flag


def evaluate_flags(planning: Planning, values: Mapping[str, FactValue]) -> tuple[Flag, ...]:
    """Every tempo rule weighed against the case's facts and the plan's numbers."""
    return tuple(Flag(rule, node.evaluate(values)) for rule, node in planning.rules)


def _days_text(planning: Planning, code: str, value: Interval, lang: str) -> str:
    fact = planning.timeline_fact(code)
    unit = fact.unit.get(lang) if fact else ""
    text = str(value).replace(" to ", " 至 ") if lang.startswith("zh") else str(value)
    return f"{text} {unit}".strip()


def _timeline_leaf(
    kb: KnowledgeBase, planning: Planning, trace: Trace, negated: bool, lang: str
) -> str:
    node = trace.node
    assert isinstance(node, Leaf)
    fact = planning.timeline_fact(node.fact)
    assert fact is not None
    bound = _days_text(planning, node.fact, Interval(int(node.value), int(node.value)), lang)
    condition = kb.phrase(f"op.{node.op}", lang, value=bound)
    head = kb.phrase(
        "reason.must_not" if negated else "reason.needs",
        lang,
        fact=fact.name.get(lang),
        condition=condition,
    )
    actual = trace.actual
    shown = (
        _days_text(planning, node.fact, actual, lang)
        if isinstance(actual, Interval)
        else kb.phrase("reason.unknown_value", lang)
    )
    result = trace.result if not negated or trace.result is None else not trace.result
    verdict = kb.phrase(
        {True: "verdict.true", False: "verdict.false", None: "verdict.none"}[result], lang
    )
    value = kb.phrase("reason.case_value", lang, value=shown)
    if lang.startswith("zh"):
        return f"{head}；{value}（{verdict}）"
    return f"{head}; {value} ({verdict})"


def flag_reasons(kb: KnowledgeBase, planning: Planning, flag: Flag, lang: str) -> list[str]:
    """The sentences that explain a flag: the tests that raised it, failed, or are undecided."""
    out = []
    for trace, negated in flag.trace.decisive():
        node = trace.node
        if isinstance(node, Leaf) and planning.timeline_fact(node.fact) is not None:
            out.append(_timeline_leaf(kb, planning, trace, negated, lang))
        else:
            out.append(leaf_sentence(kb, trace, negated, lang))
    return out


def flag_needs(kb: KnowledgeBase, flag: Flag) -> list[str]:
    """Fact codes that would settle an unknown flag."""
    if flag.result is not None:
        return []
    out: list[str] = []
    for trace, _ in flag.trace.decisive():
        node = trace.node
        if isinstance(node, Leaf) and node.fact in kb.facts and node.fact not in out:
            out.append(node.fact)
        elif isinstance(node, Unsettled):  # pragma: no cover - tempo rules use no unsettled
            continue
    return out
