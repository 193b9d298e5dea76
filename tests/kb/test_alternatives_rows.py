"""Rows on feelings, travel and cost: every option has them, from its kind unless it says more."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.kb.alternatives import ATTRIBUTES, OptionKind, _expand, load_alternatives

NEW_ROWS = ("psychological", "travel", "cost")


def test_the_new_rows_can_be_rated_in_the_values_exercise() -> None:
    assert ATTRIBUTES[-3:] == NEW_ROWS


def test_every_kind_has_a_value_for_each_new_row(kb: KnowledgeBase) -> None:
    by_kind = load_alternatives(kb).catalogue.by_kind
    assert set(by_kind) == set(get_args(OptionKind))
    for kind, values in by_kind.items():
        assert set(values) == set(NEW_ROWS), kind


@pytest.mark.parametrize("row", NEW_ROWS)
def test_every_option_shows_the_row_in_both_languages(kb: KnowledgeBase, row: str) -> None:
    alternatives = load_alternatives(kb)
    for compiled in alternatives.settings:
        for option in compiled.setting.options:
            fact = option.attribute(row)  # type: ignore[arg-type]
            assert fact.text.en and fact.text.zh and fact.source, (option.code, row)
            expected = alternatives.catalogue.by_kind[option.kind][row]  # type: ignore[index]
            assert fact.text.en == expected["text"]["en"], (option.code, row)


def _setting(option: dict[str, Any]) -> dict[str, Any]:
    return {"setting": {"options": [option]}}


def test_an_option_keeps_its_own_value_over_its_kind() -> None:
    by_kind = {"car_t": {"cost": {"text": "kind"}, "travel": {"text": "kind travel"}}}
    own = _expand(_setting({"kind": "car_t", "cost": {"text": "own"}}), {}, "x", by_kind)
    option = own["setting"]["options"][0]
    assert option["cost"] == {"text": "own"}
    assert option["travel"] == {"text": "kind travel"}


def test_a_template_value_wins_over_the_kind() -> None:
    templates = {"t": {"kind": "car_t", "travel": {"text": "template"}}}
    by_kind = {"car_t": {"travel": {"text": "kind"}}}
    option = _expand(_setting({"use": "t"}), templates, "x", by_kind)["setting"]["options"][0]
    assert option["travel"] == {"text": "template"}
