"""The web names places and heads the assessment table with the core's phrase catalogue.

It used to keep its own words ("European Union (EMA / European Commission)") next to the core's
("European Union (EMA/EC)"), so a page and a report named the same place differently.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import journey, results
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.kb.planning import planning_for
from tests.web.conftest import World

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def test_journey_places_are_the_core_phrases(kb: KnowledgeBase) -> None:
    assert journey.jurisdiction_choices(kb, "en") == (
        ("US", "United States (FDA)"),
        ("EU", "European Union (EMA/EC)"),
        ("CN", "China (NMPA)"),
    )
    assert journey.jurisdiction_choices(kb, "zh-Hans") == (
        ("US", "美国（FDA）"),
        ("EU", "欧盟（EMA/EC）"),
        ("CN", "中国（NMPA）"),
    )


def test_assessment_page_words_come_from_the_core(kb: KnowledgeBase) -> None:
    phrases = results.ui_phrases("zh-Hans")
    assert phrases["place_names"] == {
        j: kb.phrase(f"ui.jurisdiction.{j}", "zh-Hans") for j in ("US", "EU", "CN")
    }
    assert phrases["labels"] == {
        "product": "产品",
        "indication": "获批用途",
        "status": "状态",
        "why": "原因",
        "source": "来源",
        "questions": "需要向治疗团队提出的问题",
        "missing": "能够确定结论的缺失信息",
    }


def test_step_two_offers_the_core_place_names(kb: KnowledgeBase) -> None:
    step2 = journey.build_steps(kb, "en")[1]
    field = next(f for f in step2.fields() if f.path.endswith("jurisdictions"))
    assert [label for _code, label in field.choices] == [
        "United States (FDA)",
        "European Union (EMA/EC)",
        "China (NMPA)",
    ]


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        (
            "en",
            [
                "Confirm the disease",
                "Where CAR-T stands",
                "Compare the options",
                "Timing and practical matters",
                "Specialist review",
                "Decide when it can be said plainly",
            ],
        ),
        (
            "zh-Hans",
            [
                "确认病情",
                "CAR-T 的适用情况",
                "比较各种选择",
                "时间安排和实际准备",
                "专家会诊",
                "能说清楚时再做决定",
            ],
        ),
    ],
)
def test_journey_step_titles_are_the_core_step_names(
    kb: KnowledgeBase, lang: str, names: list[str]
) -> None:
    core = [s.name.get(lang) for s in planning_for(kb).checklists.steps]
    web = [str(step.title) for step in journey.build_steps(kb, lang)]
    assert web == core == names


def test_transplant_reasons_are_named_as_the_core_names_them(kb: KnowledgeBase) -> None:
    step1 = journey.build_steps(kb, "en")[0]
    field = next(f for f in step1.fields() if f.path == "transplant_ineligible_reasons")
    assert field.choices == (
        ("age", "age"),
        ("comorbidity", "other illnesses"),
        ("performance_status", "limited daily activity"),
        ("no_donor", "no donor found"),
        ("patient_choice", "the person's own choice"),
        ("other", "another reason"),
    )


def test_assessment_statuses_and_headings_come_from_the_core(kb: KnowledgeBase) -> None:
    labels = results.ui_phrases("en")["labels"]
    assert (labels["questions"], labels["missing"]) == (
        "Questions for the treating team",
        "Facts that would settle open answers",
    )


@pytest.mark.integration
def test_step_two_page_names_places_with_the_core_words(world: World) -> None:
    url = reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 2})
    html = world.client("patient").get(url).content.decode()
    assert '<h3 id="j-EU">European Union (EMA/EC):' in html
    assert "European Union (EMA / European Commission)" not in html
    assert '<th scope="col">Approved use</th>' in html
