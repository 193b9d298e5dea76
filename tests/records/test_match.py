"""Terms, regimens and medicines found in running text, with their spans."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.kb import KnowledgeBase
from crossroads.kb.terms import term_key
from crossroads.records.match import find_names, find_terms, keyed, name_index

pytestmark = pytest.mark.unit

ALPHABET = "aBc xyZ-‐–,;:()（）、。1２3 弥漫大B细胞éİ\n\t/"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_keyed_is_term_key_with_origins(text: str) -> None:
    k = keyed(text)
    assert k.key == term_key(text)
    assert len(k.origin) == len(k.key) + 1
    assert list(k.origin) == sorted(k.origin)
    for i, char in enumerate(k.key):
        if char != " ":
            assert 0 <= k.origin[i] < len(text)


def test_terms_keep_their_span(kb: KnowledgeBase) -> None:
    text = "Diagnosis: Diffuse large B-cell lymphoma, GCB type."
    hits = find_terms(kb, text)
    assert text[hits[0].start : hits[0].end] == "Diffuse large B-cell lymphoma"
    zh = "诊断：弥漫大 B 细胞淋巴瘤"
    assert [zh[h.start : h.end] for h in find_terms(kb, zh)] == ["弥漫大 B 细胞淋巴瘤"]


def test_names_longest_first_and_as_written(kb: KnowledgeBase) -> None:
    index = name_index(kb)
    text = "R-ICE x2, then ICE; R-CHOP方案; Pola-R-CHP; rituximab; ice on the road; stage IV"
    found = [
        (text[h.start : h.end], h.kind, h.code) for h in find_names(index, text, frozenset({"IV"}))
    ]
    assert found == [
        ("R-ICE x2", "regimen", "r-ice"),
        ("ICE", "regimen", "ice"),
        ("R-CHOP", "regimen", "r-chop"),
        ("Pola-R-CHP", "regimen", "pola-r-chp"),
        ("rituximab", "drug", "rituximab"),
    ]


def test_chinese_medicine_names(kb: KnowledgeBase) -> None:
    index = name_index(kb)
    text = "口服泽布替尼，后予阿基仑赛"
    assert [(text[h.start : h.end], h.code) for h in find_names(index, text)] == [
        ("泽布替尼", "zanubrutinib"),
        ("阿基仑赛", "axicabtagene ciloleucel"),
    ]
