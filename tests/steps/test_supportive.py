"""Supportive care: always complementary, always "tell your team", cautions only when cited."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb import KnowledgeBase
from crossroads.kb.base import DATA_DIR
from crossroads.kb.review_data import load_review_data
from crossroads.steps.assess import prepare_case
from crossroads.steps.supportive import supportive_data
from tests.builders import build_case
from tests.conftest import EXAMPLES, example_files

pytestmark = pytest.mark.unit
COMPLEMENTARY_EN = (
    "TCM, herbs and supplements can only support treatment. They do not take the place of "
    "CAR-T, chemo or other cancer treatment."
)
TELL_TEAM_EN = (
    "Tell your treating team about each herb, TCM drug or supplement you take or plan to take. "
    "Do this before and during treatment."
)


def view(kb: KnowledgeBase, entries: list[dict[str, Any]] | None, **extra: Any) -> dict[str, Any]:
    own = {} if entries is None else {"supportive_care": entries}
    return supportive_data(build_case(extra, own), kb, "en")


def caution_ids(entry: dict[str, Any]) -> list[str]:
    return [c["id"] for c in entry["cautions"]]


def test_standing_lines_show_even_with_nothing_recorded(kb: KnowledgeBase) -> None:
    data = view(kb, None)
    assert data["complementary_only"]["text"] == COMPLEMENTARY_EN
    assert data["tell_team"]["text"] == TELL_TEAM_EN
    assert data["entries"] == []
    assert data["general_cautions"] == []
    assert data["none_recorded"] == "No TCM, herbs or supplements are on record."


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_every_example_shows_both_standing_lines_in_both_languages(
    kb: KnowledgeBase, case_file: Path
) -> None:
    case = prepare_case(case_file, kb)
    en, zh = supportive_data(case, kb, "en"), supportive_data(case, kb, "zh-Hans")
    assert en["complementary_only"]["text"] == COMPLEMENTARY_EN
    assert en["tell_team"]["text"] == TELL_TEAM_EN
    assert zh["complementary_only"]["text"].startswith("中医药、草药和保健品只能起辅助作用")
    assert zh["tell_team"]["text"].startswith("请把正在服用或打算服用的每一种草药")


@pytest.mark.parametrize(
    "name",
    [
        "St John's wort",
        "St. John's Wort tablets",
        "HYPERICUM perforatum",
        "贯叶连翘胶囊",
        "圣约翰草",
    ],
)
def test_st_johns_wort_is_recognised_in_any_spelling(kb: KnowledgeBase, name: str) -> None:
    entry = view(kb, [{"name": name, "kind": "supplement"}])["entries"][0]
    assert caution_ids(entry) == ["st_johns_wort"]
    assert entry["cautions"][0]["confidence"] == "P"


def test_herb_without_a_source_gets_no_invented_interaction(kb: KnowledgeBase) -> None:
    data = view(kb, [{"name": "灵芝孢子粉", "kind": "tcm", "told_treating_team": False}])
    assert caution_ids(data["entries"][0]) == []
    assert [c["id"] for c in data["general_cautions"]] == [
        "herbs_change_cancer_drugs",
        "no_car_t_source",
    ]
    no_source = data["general_cautions"][1]
    assert no_source["confidence"] == "U"
    assert no_source["uncertain"] is True


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("五味子颗粒", ["schisandra"]),
        ("Turmeric capsules", ["turmeric"]),
        ("curcumin 500 mg", ["turmeric"]),
        ("Goldenseal root", ["goldenseal"]),
        ("Green tea extract", ["green_tea_extract"]),
        ("Green tea", []),
        ("Grapefruit juice", ["grapefruit"]),
        ("High-dose vitamin C", ["antioxidants"]),
        ("维生素C", ["antioxidants"]),
        ("Vitamin D", []),
        ("黄芪汤", []),
        ("Ginger tea", []),
    ],
)
def test_cautions_match_by_name(kb: KnowledgeBase, name: str, expected: list[str]) -> None:
    assert caution_ids(view(kb, [{"name": name}])["entries"][0]) == expected


def test_general_caution_only_for_tcm_or_supplements(kb: KnowledgeBase) -> None:
    other = view(kb, [{"name": "Ginger tea", "kind": "other"}])
    assert [c["id"] for c in other["general_cautions"]] == ["no_car_t_source"]
    tcm = view(kb, [{"name": "黄芪汤", "kind": "tcm"}])
    assert [c["id"] for c in tcm["general_cautions"]] == [
        "herbs_change_cancer_drugs",
        "no_car_t_source",
    ]


def test_venetoclax_in_the_record_adds_its_label_food_note(kb: KnowledgeBase) -> None:
    lines = [{"agents": ["venetoclax", "obinutuzumab"]}]
    data = view(kb, None, lines=lines)
    assert [c["id"] for c in data["general_cautions"]] == ["venetoclax_foods"]
    assert data["general_cautions"][0]["confidence"] == "L"
    assert view(kb, None, lines=[{"agents": ["ibrutinib"]}])["general_cautions"] == []


def test_tell_team_line_follows_what_the_record_says(kb: KnowledgeBase) -> None:
    data = view(
        kb,
        [
            {"name": "A", "told_treating_team": True},
            {"name": "B", "told_treating_team": False},
            {"name": "C"},
        ],
    )
    assert [e["tell_team"] for e in data["entries"]] == [
        "Your treating team knows about this.",
        "Your treating team does not know about this yet. Please tell them.",
        "The record does not say whether your treating team knows about this. Please make sure "
        "they do.",
    ]
    assert data["not_told"] == ["B", "C"]


def test_example_with_st_johns_wort_and_venetoclax(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "us_liso_cel_cll_after_btki_and_venetoclax.yaml", kb)
    data = supportive_data(case, kb, "zh-Hans")
    assert [(e["name"], caution_ids(e)) for e in data["entries"]] == [
        ("St John's wort", ["st_johns_wort"]),
        ("Green tea extract", ["green_tea_extract"]),
    ]
    assert [c["id"] for c in data["general_cautions"]] == [
        "herbs_change_cancer_drugs",
        "venetoclax_foods",
        "no_car_t_source",
    ]
    assert data["entries"][0]["cautions"][0]["text"].startswith("贯叶连翘（圣约翰草）会加快")
    assert data["urgent"] == "CAR-T 后出现发热、意识混乱或说话困难：请立即联系治疗团队或急救服务。"


def test_caution_without_source_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / "supportive.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["cautions"][1].pop("source")
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        KnowledgeBaseError, match=r"^supportive.yaml: cautions\[1\].source: Field required"
    ):
        load_review_data(kb, target)
