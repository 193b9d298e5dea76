"""Explaining the words of a specialist's answer (``explain_terms``, ``kb/data/glossary.yaml``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.kb import KnowledgeBase
from crossroads.kb.review_data import findings, load_review_data
from crossroads.steps.review import explain_terms


def ids(texts: list[str], kb: KnowledgeBase, lang: str = "en") -> list[str]:
    return [t.id for t in explain_terms(texts, kb, lang)]


def test_the_issue_example_is_explained(kb: KnowledgeBase) -> None:
    assert ids(["CD19 IHC; HBV DNA"], kb) == ["cd19", "ihc", "hbv", "dna_test"]


def test_whole_words_only_cr_is_not_in_crs(kb: KnowledgeBase) -> None:
    assert ids(["watch for CRS"], kb) == ["crs"]
    assert ids(["reached CR after bridging"], kb) == ["bridging", "complete_response"]
    assert ids(["SCREEN", "crsx"], kb) == []


def test_case_is_ignored_and_each_term_once(kb: KnowledgeBase) -> None:
    assert ids(["cd19", "CD19 again", "Cd-19"], kb) == ["cd19"]


def test_chinese_words_match_anywhere(kb: KnowledgeBase) -> None:
    assert ids(["建议先查乙肝病毒和免疫组化"], kb) == ["ihc", "hbv"]


@pytest.mark.parametrize(
    ("lang", "term", "start"),
    [
        ("en", "IHC (immunohistochemistry)", "A laboratory test"),
        ("zh-Hans", "IHC（免疫组化）", "对组织样本"),
    ],
)
def test_plain_words_in_the_language(kb: KnowledgeBase, lang: str, term: str, start: str) -> None:
    [found] = explain_terms(["IHC"], kb, lang)
    assert found.term == term
    assert found.plain.startswith(start)


def test_nothing_to_explain(kb: KnowledgeBase) -> None:
    assert explain_terms([], kb) == []
    assert explain_terms(["A consult is worth it."], kb) == []


def test_every_term_is_cited_and_no_word_is_shared(kb: KnowledgeBase) -> None:
    data = load_review_data(kb)
    assert len(data.glossary.terms) == 22  # 14 for review answers, 8 more for the report (issue 14)
    problems = [f for f in findings(kb) if f.where.startswith("glossary") and f.level == "error"]
    assert problems == []


def test_a_shared_word_is_an_error(kb: KnowledgeBase, tmp_path: Path) -> None:
    from crossroads.kb.base import DATA_DIR

    for path in Path(DATA_DIR).glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace("words: [BCMA]", "words: [BCMA, CD19]"),
        encoding="utf-8",
    )
    data = load_review_data(kb, tmp_path)
    errors = [f.message for f in findings(kb, data) if f.where == "glossary: bcma"]
    assert errors == ["the word 'CD19' is also a word of cd19"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x9FFF), max_size=80))
def test_any_text_gives_known_terms_each_once(kb: KnowledgeBase, text: str) -> None:
    found = ids([text], kb)
    known = [t.id for t in load_review_data(kb).glossary.terms]
    assert len(found) == len(set(found))
    assert found == [i for i in known if i in found]  # the glossary's order
