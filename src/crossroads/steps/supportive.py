"""Supportive care around the steps: TCM, herbs and supplements, kept complementary.

Whenever these appear, Crossroads says they support treatment and never replace it, and asks the
person to tell the treating team (decision-guide.txt). Interaction or safety notes come only from
cited cautions in ``kb/data/supportive.yaml``; an entry with no matching caution gets none, and
the "no checked source around CAR-T itself" note says plainly what is not known.
"""

from __future__ import annotations

from typing import Any

from crossroads.kb import KnowledgeBase
from crossroads.kb.review_data import Caution, SupportiveFact, load_review_data, normalise_alias
from crossroads.record.case import Case, SupportiveCare


def _cited(fact: SupportiveFact, lang: str) -> dict[str, Any]:
    return {
        "text": fact.text.get(lang),
        "source": fact.source,
        "as_of": fact.as_of.isoformat(),
        "confidence": fact.confidence,
        "flag": fact.flag,
        "uncertain": fact.uncertain,
        "references": list(fact.refs),
    }


def _caution(caution: Caution, lang: str) -> dict[str, Any]:
    return {"id": caution.id, **_cited(caution, lang)}


def matches_name(caution: Caution, entry: SupportiveCare) -> bool:
    """Whether an entry's name (as the person wrote it) names the caution's herb or supplement."""
    name = normalise_alias(entry.name)
    return any(normalise_alias(alias) in name for alias in caution.names)


def _drugs_in_record(case: Case) -> set[str]:
    return {agent for line in case.lines or [] for agent in line.agents or []}


def supportive_data(case: Case, kb: KnowledgeBase, lang: str = "en") -> dict[str, Any]:
    """The supportive-care view: the two standing lines, each entry, and the cited cautions.

    ``complementary_only`` and ``tell_team`` are always present, also when nothing is recorded.
    Entries keep the person's words; cautions are matched by name. General cautions apply once
    when any entry has their kind, or when a line of treatment used one of their drugs.
    """
    data = load_review_data(kb).supportive
    entries = case.supportive_care or []
    kinds = {entry.kind for entry in entries}
    drugs = _drugs_in_record(case)
    told_phrase = {
        True: data.phrases.told,
        False: data.phrases.not_told,
        None: data.phrases.told_unknown,
    }
    shown = []
    for entry in entries:
        shown.append(
            {
                "name": entry.name,
                "kind": entry.kind,
                "purpose": entry.purpose,
                "told_treating_team": entry.told_treating_team,
                "tell_team": told_phrase[entry.told_treating_team].get(lang),
                "cautions": [
                    _caution(c, lang) for c in data.cautions if c.names and matches_name(c, entry)
                ],
            }
        )
    general = [
        _caution(c, lang)
        for c in data.cautions
        if (c.kinds and kinds & set(c.kinds)) or (c.drugs and drugs & set(c.drugs))
    ]
    if entries:
        general.append({"id": "no_car_t_source", **_cited(data.always.no_car_t_source, lang)})
    return {
        "complementary_only": _cited(data.always.complementary_only, lang),
        "tell_team": _cited(data.always.tell_team, lang),
        "entries": shown,
        "none_recorded": None if entries else data.phrases.none_recorded.get(lang),
        "general_cautions": general,
        "not_told": [e.name for e in entries if e.told_treating_team is not True],
        "urgent": kb.phrase("urgent", lang),
    }


__all__ = ["matches_name", "supportive_data"]
