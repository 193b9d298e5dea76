"""Trial terms: condition words to diseases, CAR-T words, and `findings` for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crossroads.kb import KnowledgeBase
from crossroads.kb.trial_terms import TERMS_FILE, findings, load_trial_terms

pytestmark = pytest.mark.unit


def test_trial_terms_have_no_findings(kb: KnowledgeBase) -> None:
    assert findings(kb) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Relapsed Diffuse Large B-Cell Lymphoma", {"diffuse large b-cell lymphoma": {"lbcl"}}),
        ("Non-Hodgkin's Lymphoma", {"non-hodgkin's lymphoma": {"lbcl", "fl", "mcl", "mzl", "cll"}}),
        ("Hodgkin Lymphoma", {"hodgkin lymphoma": {"hodgkin"}}),
        ("Multiple Myeloma, Relapsed", {"multiple myeloma": {"mm"}}),
        ("复发难治弥漫大B细胞淋巴瘤", {"弥漫大b细胞淋巴瘤": {"lbcl"}}),
        ("Breast Cancer", {"breast cancer": {"other"}}),
        ("Waldenstrom Macroglobulinemia", {}),
        ("Clinical trial", {}),  # "all" is not read inside other words
    ],
)
def test_diseases_in_reads_whole_words_longest_first(
    kb: KnowledgeBase, text: str, expected: dict[str, set[str]]
) -> None:
    found = load_trial_terms(kb).diseases_in(text)
    assert {k: set(v) for k, v in found.items()} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CD19 CAR-T cells", ["cd19 car"]),
        ("Chimeric Antigen Receptor T cells", ["chimeric antigen receptor t"]),
        ("Axicabtagene ciloleucel", ["axicabtagene ciloleucel"]),
        ("Yescarta", ["yescarta"]),
        ("阿基仑赛注射液", ["阿基仑赛"]),
        ("Glofitamab", []),
        ("Cartilage repair", []),
    ],
)
def test_car_t_words_include_knowledge_base_products(
    kb: KnowledgeBase, text: str, expected: list[str]
) -> None:
    assert load_trial_terms(kb).car_t_words(text) == expected


def test_findings_catch_an_unknown_disease_and_a_missing_phrase(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    data["conditions"][0]["diseases"].append("dlbcl")
    data["phrases"].pop("trials.hidden")
    path = tmp_path / "trial_terms.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert [(f.level, f.message) for f in findings(kb, path=path)] == [
        ("error", "unknown disease code 'dlbcl'"),
        ("error", "no phrase 'trials.hidden'"),
    ]
