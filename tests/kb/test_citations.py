"""Sources and flags in plain words: notes-file names and correction codes left out."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.kb import load_kb
from crossroads.kb.citations import plain_source, plain_text, plain_tree

INTERNAL = re.compile(r"[\w-]+\.(?:md|txt|ya?ml)\b|correction E\d|更正 ?E\d|[(（]E\d+[)）]|§")


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        (
            "Yescarta US label, 2L indication (cart-products.md Y3); anchor of the 12 months per "
            "correction E4",
            "Yescarta US label, 2L indication; anchor of the 12 months per a second check",
        ),
        (
            "EMA product information as summarised in the second check, correction E2 "
            "(cart-products.md)",
            "EMA product information as summarised in the second check",
        ),
        (
            "Reuters 2021-06-23 (cart-products.md Y12); subtypes (Y12b)",
            "Reuters 2021-06-23; subtypes",
        ),
        (
            "clinical-tools.md §5.1 (active infection, R41)",
            "Crossroads' summary of the published sources",
        ),
        (
            "Nowakowski GS et al. J Clin Oncol 2021;39:1317-1328 (ECOG-ACRIN E1412)",
            "Nowakowski GS et al. J Clin Oncol 2021;39:1317-1328 (ECOG-ACRIN E1412)",
        ),
        ("A study (2021)", "A study (2021)"),
    ],
)
def test_plain_source(raw: str, plain: str) -> None:
    assert plain_source(raw) == plain


def test_plain_source_in_chinese_names_the_notes_in_chinese() -> None:
    assert plain_source("alternatives.md §3", "zh-Hans") == "Crossroads 对已发表资料的整理"


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Second check (E7) moved the approval", "Second check moved the approval"),
        ("年龄范围尚未确定（更正 E9）：一份", "年龄范围尚未确定：一份"),
        ("第二次核查（E8）：说明书", "第二次核查：说明书"),
        ("Lenalidomide with rituximab (R2)", "Lenalidomide with rituximab (R2)"),
        ("Age range unresolved (correction E9): one", "Age range unresolved: one"),
        ("No change here.", "No change here."),
    ],
)
def test_plain_text(raw: str, plain: str) -> None:
    assert plain_text(raw) == plain


def test_plain_tree_cleans_sources_and_sentences_and_keeps_the_rest() -> None:
    tree = {"source": "X (cart-products.md Y3)", "flag": ["Check (E6) done"], "n": 3, "t": (None,)}
    assert plain_tree(tree) == {"source": "X", "flag": ["Check done"], "n": 3, "t": (None,)}


def test_no_source_in_the_knowledge_base_keeps_an_internal_reference() -> None:
    """Every source line and sentence of the real knowledge base comes out clean."""
    kb = load_kb()
    found = []
    for product in kb.products.values():
        for indication in product.indications:
            for text in (indication.source, *(str(v) for v in vars(indication).values())):
                if isinstance(text, str):
                    shown = plain_source(text) if text == indication.source else plain_text(text)
                    if INTERNAL.search(shown):
                        found.append(shown)
    assert found == []


@given(st.text(max_size=80))
def test_plain_words_are_stable(text: str) -> None:
    """Making a text plain twice changes nothing more, and never leaves a notes-file name."""
    once = plain_source(text)
    assert plain_source(once) == once
    assert not re.search(r"\b[\w-]+\.md\b", once)
    assert plain_text(plain_text(text)) == plain_text(text)
