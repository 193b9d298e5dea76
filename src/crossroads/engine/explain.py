"""Plain-language explanations built from rule traces, in English or Simplified Chinese.

Every sentence comes from the phrase catalogue (``kb/data/phrases.yaml``) and the fact catalogue
(``kb/data/facts.yaml``), filled with the case's values, so an explanation always says which
fact and which rule produced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crossroads.common.dates import Interval, MonthSpan
from crossroads.common.values import SetValue
from crossroads.engine.classify import IndicationResult
from crossroads.kb import KnowledgeBase
from crossroads.logic.rules import Leaf, Trace, Unsettled
from crossroads.record.case import Case

_VERDICT = {True: "verdict.true", False: "verdict.false", None: "verdict.none"}


def _join(items: Iterable[str], lang: str) -> str:
    return ("、" if lang.startswith("zh") else ", ").join(items)


def format_value(kb: KnowledgeBase, fact: str, value: Any, lang: str = "en") -> str:
    """A criterion constant or a fact value in plain words (codes become names, units added)."""
    if value is None:
        return kb.phrase("reason.unknown_value", lang)
    if isinstance(value, bool):
        return kb.phrase("value.yes" if value else "value.no", lang)
    if isinstance(value, SetValue):
        names = _join((kb.value_name(fact, m, lang) for m in sorted(value.members)), lang)
        shown = names or kb.phrase("value.none", lang)
        return shown if value.complete else kb.phrase("value.incomplete", lang, value=shown)
    if isinstance(value, (tuple, list, frozenset)):
        return _join((kb.value_name(fact, str(v), lang) for v in value), lang)
    if isinstance(value, MonthSpan):
        return _span_text(kb, fact, value, lang)
    if isinstance(value, (Interval, int, float)):
        unit = kb.facts[fact].unit
        text = str(value)
        if lang.startswith("zh"):
            text = text.replace(" to ", " 至 ")
        if not unit:
            return text
        word = unit.get(lang)
        if lang == "en" and text == "1" and word.endswith("s"):
            word = word[:-1]  # "1 line", "1 month"
        return f"{text} {word}"
    return kb.value_name(fact, str(value), lang)


def _span_text(kb: KnowledgeBase, fact: str, value: MonthSpan, lang: str) -> str:
    """Elapsed months in plain words: exact dates give months and days ("12 months and 28
    days"); partial or open dates give the whole months that hold the range ("5 to 7 months",
    "at most 9 months")."""
    if value.exact and value.low is not None and value.low.days:
        days = value.low.days
        day_text = (
            kb.phrase("value.one_day", lang) if days == 1 else kb.phrase("value.days", lang, n=days)
        )
        months = format_value(kb, fact, value.low.months, lang)
        return kb.phrase("value.months_and_days", lang, months=months, days=day_text)
    low, high = value.whole_months()
    if low is None:
        return kb.phrase("value.at_most", lang, value=format_value(kb, fact, high, lang))
    if high is None:
        return kb.phrase("value.at_least", lang, value=format_value(kb, fact, low, lang))
    return format_value(kb, fact, Interval(low, high), lang)


def leaf_sentence(kb: KnowledgeBase, trace: Trace, negated: bool, lang: str = "en") -> str:
    """One line of a reason: the condition, this case's value, and whether it is met."""
    node = trace.node
    if isinstance(node, Unsettled):
        return kb.phrase(
            "reason.unsettled", lang, text=node.text["zh" if lang.startswith("zh") else "en"]
        )
    assert isinstance(node, Leaf)
    verdict_value = trace.result if not negated or trace.result is None else not trace.result
    verdict = kb.phrase(_VERDICT[verdict_value], lang)
    case_value = kb.phrase(
        "reason.case_value", lang, value=format_value(kb, node.fact, trace.actual, lang)
    )
    if node.says:
        condition = node.says["zh" if lang.startswith("zh") else "en"]
        return (
            f"{condition}; {case_value} ({verdict})"
            if lang == "en"
            else f"{condition}；{case_value}（{verdict}）"
        )
    if node.op == "is":
        phrase = kb.phrase(f"op.is.{str(node.value).lower()}", lang)
    else:
        phrase = kb.phrase(
            f"op.{node.op}", lang, value=format_value(kb, node.fact, node.value, lang)
        )
    key = "reason.must_not" if negated else "reason.needs"
    head = kb.phrase(key, lang, fact=kb.fact_name(node.fact, lang), condition=phrase)
    if lang.startswith("zh"):
        return f"{head}；{case_value}（{verdict}）"
    return f"{head}; {case_value} ({verdict})"


def reasons(kb: KnowledgeBase, result: IndicationResult, lang: str = "en") -> list[str]:
    """The sentences that explain an indication's status (failing, undecided, or all held)."""
    out = []
    for trace, negated in result.trace.decisive():
        node = trace.node
        if isinstance(node, Leaf) and node.fact == "disease" and trace.result is True:
            continue  # the disease gate holds by construction once the disease is known
        out.append(leaf_sentence(kb, trace, negated, lang))
    return out


def ask_for(kb: KnowledgeBase, key: str, lang: str = "en") -> str:
    """What to request so that an unknown fact becomes known."""
    if key.startswith("kb:"):
        text = kb.unsettled[key[3:]].get(lang) if key[3:] in kb.unsettled else key[3:]
        return kb.phrase("reason.unsettled", lang, text=text)
    return kb.facts[key].ask.get(lang)


def medicine_name(kb: KnowledgeBase, code: str, lang: str = "en") -> str:
    """A medicine's name in the reader's language; one the knowledge base lacks, as written."""
    drug = kb.drugs.get(code)
    return drug.name.get(lang) if drug is not None else code


def expansion_notes(case: Case, kb: KnowledgeBase, lang: str = "en") -> list[dict[str, Any]]:
    """Each treatment whose medicines were taken from its regimen name, with a plain sentence.

    Why every output shows these: the person wrote only "R-CHOP"; the medicines that decide
    "exposed to an anti-CD20 antibody" were filled in by Crossroads, and the reader must be
    able to see that and have it confirmed. ``entry`` counts treatments in the history from 1.
    """
    notes = []
    for number, line in enumerate(case.lines or [], start=1):
        if line.agents_from is None or line.agents is None:
            continue
        names = _join((medicine_name(kb, a, lang) for a in line.agents), lang)
        notes.append(
            {
                "entry": number,
                "regimen": line.agents_from,
                "agents": list(line.agents),
                "text": kb.phrase(
                    "regimen.expanded", lang, number=number, name=line.agents_from, agents=names
                ),
            }
        )
    return notes
