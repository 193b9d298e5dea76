"""Step 6: drafts of the four sentences, their readability, the readiness gate, and goldens.

Readability uses textstat's Flesch-Kincaid grade. textstat counts English syllables with the CMU
dictionary, which NLTK downloads from the internet on first use; this environment has no internet,
so the ``fk_grade`` fixture points textstat at its own pyphen counter (the one it falls back to
for words the dictionary lacks, and the only one it used before version 0.7.4).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crossroads.engine.classify import Classification, classify
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case, Sentences
from crossroads.record.load import case_from_data
from crossroads.steps.assess import prepare_case
from crossroads.steps.summary import (
    OpenItem,
    decision_readiness,
    draft_sentences,
    merge_sentences,
    readiness_text,
    summary_data,
)
from tests.builders import build_case
from tests.conftest import TODAY, Golden, example_files

from .test_review import BASE

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "review"
MAX_GRADE = 8.0
WRITTEN = {
    "status": "I have DLBCL. It came back 6 months after R-CHOP.",
    "options": "CAR-T is approved for me; salvage chemotherapy is the other option.",
    "car_t": "CAR-T fits the approved use and my goal is a cure.",
    "next_step": "I will meet the CAR-T team next week.",
}


@pytest.fixture(scope="module")
def fk_grade() -> Callable[[str], float]:
    import textstat
    import textstat.backend.counts._count_syllables as counter

    original = counter.get_cmudict
    counter.get_cmudict = lambda lang: {}  # no download: pyphen counts every word
    try:
        yield textstat.flesch_kincaid_grade  # type: ignore[misc]
    finally:
        counter.get_cmudict = original


def _end_known_to_the_year_only(d: dict[str, Any]) -> None:
    """First line ended some time in 2025, start unknown: 8 to 21 months before the relapse."""
    d["lines"][0].update(end="2025")
    del d["lines"][0]["start"]


def make(kb: KnowledgeBase, edit: Any = None) -> tuple[Case, Classification]:
    case = build_case(BASE, {"decision": {"sentences": WRITTEN}}, kb=kb, edit=edit)
    return case, classify(case, kb, today=TODAY)


def example(kb: KnowledgeBase, path: Path) -> tuple[Case, Classification]:
    case = prepare_case(path, kb)
    return case, classify(case, kb, today=TODAY)


# -- drafts -------------------------------------------------------------------------------------
def test_drafts_for_the_base_case(kb: KnowledgeBase) -> None:
    case, result = make(kb)
    assert draft_sentences(case, kb, result) == Sentences(
        status="I have large B-cell lymphoma (LBCL). It has come back (relapsed). "
        "I have had one treatment for it.",
        options="CAR-T is an approved option for my situation in the US, the EU and China. "
        "My team says a stem cell transplant is possible for me. "
        "I will ask my team which other treatments are realistic now.",
        car_t="CAR-T fits an approved use for me in the US, the EU and China. Whether it is "
        "right for me now depends on my goals, my health and the timing.",
        next_step="Next, I will talk with my team about timing and a visit to a CAR-T centre.",
    )


def test_drafts_name_goal_and_team_questions(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["preferences"] = {"main_goal": "cure"}
        d["fitness"].update(ecog=2, active_infection=True)

    case, result = make(kb, edit)
    assert draft_sentences(case, kb, result).car_t == (
        "CAR-T fits an approved use for me in the US, the EU and China. Whether it is right for "
        "me now depends on my goals, my health and the timing. My main goal is a cure. My team "
        "and I still need to talk about how fit I am and my infection."
    )


def test_next_step_for_open_case_asks_for_the_missing_fact_then_review(kb: KnowledgeBase) -> None:
    case, result = make(kb, _end_known_to_the_year_only)
    assert draft_sentences(case, kb, result).next_step == (
        "Next, I will find out the month the first treatment ended and the month the disease "
        "came back. Then I will ask a team of specialists to review my case (an MDT review)."
    )


def test_next_step_uses_the_persons_open_action(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["actions"] = [
            {"id": "a", "title": "Call the insurer", "done": True},
            {"id": "b", "title": "Book the CAR-T consult."},
        ]

    case, result = make(kb, edit)
    assert draft_sentences(case, kb, result).next_step == "My next step is: Book the CAR-T consult."


def test_status_without_lines_or_state(kb: KnowledgeBase) -> None:
    case = case_from_data({"diagnosis": {"disease": "mm"}})
    result = classify(case, kb, today=TODAY)
    assert draft_sentences(case, kb, result).status == (
        "I have multiple myeloma (MM). I still need to learn where it stands now. "
        "I still need a full list of my past treatments."
    )
    assert draft_sentences(case, kb, result, "zh-Hans").status == (
        "我患有多发性骨髓瘤（MM），还需要弄清目前的疾病状态。我还需要一份完整的既往治疗清单。"
    )


def test_status_when_disease_unknown(kb: KnowledgeBase) -> None:
    case = case_from_data({"lines": []})
    result = classify(case, kb, today=TODAY)
    assert draft_sentences(case, kb, result).status == (
        "I still need to confirm my exact diagnosis. I have not had treatment for it yet."
    )


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_english_drafts_read_at_grade_8_or_lower(
    kb: KnowledgeBase, fk_grade: Callable[[str], float], case_file: Path
) -> None:
    case, result = example(kb, case_file)
    drafts = draft_sentences(case, kb, result, "en")
    parts = [drafts.status, drafts.options, drafts.car_t, drafts.next_step]
    assert all(parts)
    assert fk_grade(" ".join(p for p in parts if p)) <= MAX_GRADE


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_chinese_drafts_are_present_and_chinese(kb: KnowledgeBase, case_file: Path) -> None:
    case, result = example(kb, case_file)
    drafts = draft_sentences(case, kb, result, "zh-Hans")
    own_words = [a.title.rstrip("。.") for a in case.actions or []]  # kept as the person wrote them
    for part in (drafts.status, drafts.options, drafts.car_t, drafts.next_step):
        assert part and re.search(r"[\u4e00-\u9fff]", part)
        for words in own_words:
            part = part.replace(words, "")
        assert not re.search(r"\b(I|my|the)\b", part), part  # no English template left over


def test_readability_check_can_fail(fk_grade: Callable[[str], float]) -> None:
    dense = (
        "Notwithstanding considerable interindividual heterogeneity, autologous chimeric antigen "
        "receptor T-cell immunotherapy demonstrates substantial therapeutic efficacy."
    )
    assert fk_grade(dense) > MAX_GRADE


# -- merging drafts into the record -------------------------------------------------------------
def test_merge_keeps_what_the_person_wrote() -> None:
    stored = Sentences(status="My own words.", car_t="  ")
    drafts = Sentences(status="d1", options="d2", car_t="d3", next_step="d4")
    merged, written, kept = merge_sentences(stored, drafts)
    assert merged == Sentences(status="My own words.", options="d2", car_t="d3", next_step="d4")
    assert (written, kept) == (["options", "car_t", "next_step"], ["status"])


def test_merge_with_force_replaces_everything() -> None:
    stored = Sentences(status="My own words.", options="d2")
    drafts = Sentences(status="d1", options="d2", car_t="d3", next_step="d4")
    merged, written, kept = merge_sentences(stored, drafts, force=True)
    assert merged == drafts
    assert (written, kept) == (["status", "car_t", "next_step"], [])


# -- the readiness gate -------------------------------------------------------------------------
def test_ready_when_sentences_sure_and_facts_are_complete(kb: KnowledgeBase) -> None:
    case, result = make(kb)
    check = decision_readiness(case, kb, result)
    assert check.ready is True
    assert check.sure_score == 4
    assert check.open_items == ()
    assert readiness_text(check, kb) == [
        "Ready: the four sentences are written, the SURE test is 4 out of 4, and no key fact "
        "is unknown."
    ]


def test_missing_sentence_keeps_it_open(kb: KnowledgeBase) -> None:
    case, result = make(kb, lambda d: d["decision"]["sentences"].update(car_t="   "))
    check = decision_readiness(case, kb, result)
    assert check.ready is False
    assert check.open_items == (OpenItem("sentence", "car_t"),)
    assert readiness_text(check, kb) == [
        "Not ready yet. Still open:",
        "Write the sentence on why CAR-T is or is not right for me now.",
    ]


def test_sure_three_of_four_keeps_it_open(kb: KnowledgeBase) -> None:
    case, result = make(kb, lambda d: d["decision"]["sure"].update(enough_support=False))
    check = decision_readiness(case, kb, result)
    assert check.sure_score == 3
    assert check.open_items == (OpenItem("sure_no", "enough_support"),)
    assert readiness_text(check, kb, "zh-Hans") == [
        "还没有准备好。尚待解决：",
        "SURE 测试：您对“您是否有足够的支持和建议来做选择？”的回答是“否”。请和治疗团队好好谈一谈。",
    ]


def test_unanswered_sure_items_are_listed(kb: KnowledgeBase) -> None:
    case, result = make(kb, lambda d: d["decision"].pop("sure"))
    check = decision_readiness(case, kb, result)
    assert check.sure_score == 0
    assert check.open_items == tuple(
        OpenItem("sure_unanswered", item)
        for item in (
            "sure_of_choice",
            "understand_information",
            "risks_and_benefits_clear",
            "enough_support",
        )
    )


def test_critical_unknown_keeps_it_open_and_says_what_to_find(kb: KnowledgeBase) -> None:
    case, result = make(kb, _end_known_to_the_year_only)
    check = decision_readiness(case, kb, result)
    assert check.critical_unknowns == ("months_first_line_end_to_relapse",)
    assert readiness_text(check, kb) == [
        "Not ready yet. Still open:",
        "Still unknown: months from the end of the first treatment to relapse. Find out the "
        "month the first treatment ended and the month the disease came back.",
    ]


def test_unknown_non_critical_fact_does_not_block(kb: KnowledgeBase) -> None:
    # ECOG is not critical in facts.yaml and decides no label here
    case, result = make(kb, lambda d: d["fitness"].pop("ecog"))
    assert decision_readiness(case, kb, result).ready is True


def test_unknown_disease_is_a_critical_unknown(kb: KnowledgeBase) -> None:
    case = case_from_data({})
    check = decision_readiness(case, kb, classify(case, kb, today=TODAY))
    assert check.critical_unknowns[0] == "disease"


def test_ready_example_case(kb: KnowledgeBase) -> None:
    path = next(p for p in example_files() if p.stem == "us_axi_cel_second_line_early_relapse")
    case, result = example(kb, path)
    assert decision_readiness(case, kb, result).ready is True


# -- goldens ------------------------------------------------------------------------------------
@pytest.mark.integration
@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_summary_golden_both_languages(kb: KnowledgeBase, case_file: Path, golden: Golden) -> None:
    case, result = example(kb, case_file)
    data = {lang: summary_data(case, kb, result, lang) for lang in ("en", "zh-Hans")}
    golden.check(
        GOLDEN / f"{case_file.stem}.summary.json",
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
    )
