"""Sources and flags in plain words: notes-file names and correction codes left out."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.kb import load_kb
from crossroads.kb.citations import plain_flag, plain_source, plain_text, plain_tree

INTERNAL = re.compile(r"[\w-]+\.(?:md|txt|ya?ml)\b|correction E\d|更正 ?E\d|[(（]E\d+[)）]|§")


FDA_DISCO = (
    "podcast.app. FDA D.I.S.C.O. (2L approval 2022-04-01). https://podcast.app/fda-disco-burst-"
    "edition-fda-approval-yescarta-axicabtagene-ciloleucel-for-adult-patients-with-large-b-cell-"
    "lymphoma-that-is-refractory-to-first-line-chemoimmunotherapy-or-relapses-within-12-months-of-"
    "first-line-chemoimmunotherapy-e309921217"
)


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        (  # the pointer becomes the public work; the correction note is left out
            "Yescarta US label, 2L indication (cart-products.md Y3); anchor of the 12 months per "
            "correction E4",
            FDA_DISCO,
        ),
        (  # no listed reference: the line without its notes codes
            "EMA product information as summarised in the second check, correction E2 "
            "(cart-products.md)",
            "EMA product information as summarised in the second check",
        ),
        (
            "Reuters 2021-06-23 (cart-products.md Y12); subtypes (Y12b)",
            "Reuters. Reuters (2021-06-23). https://www.reuters.com/business/healthcare-"
            "pharmaceuticals/chinese-regulator-approves-first-car-t-cell-therapy-country-2021-06-23/"
            "; immunotherapychina.com. subtypes, 2021-06-22. https://immunotherapychina.com/cancer/"
            "first-chimeric-antigen-receptor-t-cell-therapy-approved-in-china/",
        ),
        (  # a bare number after a file counts only when written as a reference
            "clinical-tools.md §5.1 (active infection, R41)",
            "PubMed Central. EBMT/EHA CAR-T in autoimmune disease, Table 1 (reprints haematology "
            "criteria, 2024). https://pmc.ncbi.nlm.nih.gov/articles/PMC10867419/",
        ),
        (
            "Nowakowski GS et al. J Clin Oncol 2021;39:1317-1328 (ECOG-ACRIN E1412)",
            "Nowakowski GS et al. J Clin Oncol 2021;39:1317-1328 (ECOG-ACRIN E1412)",
        ),
        ("A study (2021)", "A study (2021)"),
        ("clinical-tools.md §6.2", "Crossroads' summary of the published sources"),
    ],
)
def test_plain_source(raw: str, plain: str) -> None:
    assert plain_source(raw) == plain


def test_plain_source_with_explicit_refs_says_it_is_a_summary_of_them() -> None:
    shown = plain_source("Shared goal (alternatives.md §7)", "en", ["clinicaltrials-gov"])
    assert shown == (
        "Crossroads' summary of the published sources: US National Library of Medicine. "
        "ClinicalTrials.gov registry of clinical studies. https://clinicaltrials.gov"
    )


def test_plain_source_in_chinese_uses_the_chinese_title_and_punctuation() -> None:
    shown = plain_source("Trials (alternatives.md §1)", "zh-Hans", ["chictr"])
    assert shown == (
        "Crossroads 对已发表资料的整理：Chinese Clinical Trial Registry。中国临床试验注册中心。"
        "https://www.chictr.org.cn"
    )


def test_plain_source_keeps_a_public_part_beside_the_resolved_ones() -> None:
    shown = plain_source("NCI PDQ: https://www.cancer.gov/x ; decision-guide.txt ('FAQ')")
    assert shown == (
        "ChinaMed Waypoint. How to Decide Between CAR-T and Other Cancer Therapy After Relapse. "
        "https://chinamedwaypoint.com/resources/cancer-care/treatment-explained/how-to-decide-"
        "between-car-t-and-other-cancer-therapy; NCI PDQ: https://www.cancer.gov/x"
    )


@pytest.mark.parametrize(
    ("as_of", "lang", "shown"),
    [
        ("2026-11-24", "en", "This may have changed; last checked 2026-11"),
        ("2026-01-05", "zh-Hans", "此信息可能已有变化；最近核对于 2026 年 1 月"),
        (None, "en", "This may have changed."),
    ],
)
def test_plain_flag_gives_words_and_the_month_checked(
    as_of: str | None, lang: str, shown: str
) -> None:
    assert plain_flag(as_of, lang) == shown


def test_plain_source_in_chinese_names_the_notes_in_chinese() -> None:
    assert plain_source("alternatives.md §3", "zh-Hans") == "Crossroads 对已发表资料的整理"


def test_plain_tree_turns_a_dated_flag_into_plain_words() -> None:
    tree = {"source": "X (cart-products.md §1)", "as_of": "2026-11-24", "flag": "⚠ E7 moved it"}
    assert plain_tree(tree)["flag"] == "This may have changed; last checked 2026-11"


def test_plain_tree_passes_a_facts_explicit_references_to_its_source() -> None:
    tree = {"source": "Trials (alternatives.md §1)", "references": ["clinicaltrials-gov"]}
    assert plain_tree(tree)["source"].endswith("https://clinicaltrials.gov")


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
    tree = {"source": "X (cart-products.md §1)", "flag": ["Check (E6) done"], "n": 3, "t": (None,)}
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
