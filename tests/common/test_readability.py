"""Readability counts: CMU syllables with pyphen as fallback, the two grades, Chinese lengths."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.common.readability import (
    FK_GOAL,
    NOTHING,
    SMOG_GOAL,
    ChineseReading,
    Reading,
    english_sentences,
    in_dictionary,
    read_chinese,
    read_english,
    syllables,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("word", "count"),
    [("median", 3), ("refractory", 4), ("period", 3), ("the", 1), ("Fever", 2), ("don't", 1)],
)
def test_syllables_come_from_the_cmu_dictionary(word: str, count: int) -> None:
    assert in_dictionary(word)
    assert syllables(word) == count


def test_a_word_the_dictionary_lacks_falls_back_to_pyphen() -> None:
    assert not in_dictionary("lymphodepletion")
    # pyphen breaks it lym-pho-de-ple-tion only in four places it may hyphenate: 4 parts
    assert syllables("lymphodepletion") == 4


def test_numbers_and_names_count_as_one_syllable() -> None:
    assert syllables("2026") == 1
    assert syllables("12.5") == 1
    assert syllables("Tisagenlecleucel", frozenset({"tisagenlecleucel"})) == 1


def test_sentences_end_at_stops_and_blocks_and_fragments_are_dropped() -> None:
    found = english_sentences(["Your care team. It will call you soon! Then rest", "Checklists"])
    # "Then rest" and "Checklists" have under three words: fragments, dropped
    assert found == [["Your", "care", "team"], ["It", "will", "call", "you", "soon"]]
    assert english_sentences(["Prepared for Ann Lee · Situation as of May 1 2026"]) == [
        ["Prepared", "for", "Ann", "Lee"],
        ["Situation", "as", "of", "May", "1", "2026"],
    ]
    # a decimal point is not a full stop; a hyphen splits words
    assert english_sentences(["About 2.5 months event-free."]) == [
        ["About", "2.5", "months", "event", "free"]
    ]


def test_grades_follow_the_published_formulas() -> None:
    r = read_english(["The medicine is given in the clinic. You go home the same day."])
    # medicine 3, given 2, clinic 2, the rest 1 syllable: 17 syllables, 13 words, 1 polysyllable
    assert r == Reading(sentences=2, words=13, syllables=17, polysyllables=1)
    assert r.smog == pytest.approx(1.043 * math.sqrt(30 / 2) + 3.1291)
    assert r.fk == pytest.approx(0.39 * 6.5 + 11.8 * 17 / 13 - 15.59)


def test_an_empty_text_scores_zero() -> None:
    assert NOTHING.smog == 0.0
    assert NOTHING.fk == 0.0
    assert read_english([]) == NOTHING


@pytest.mark.parametrize(
    ("reading", "ok"),
    [
        # 22 polysyllables in 30 sentences: SMOG 8.02, printed 8.0: met
        (Reading(sentences=30, words=300, syllables=300, polysyllables=22), True),
        # one more: SMOG 8.13, printed 8.1: missed
        (Reading(sentences=30, words=300, syllables=300, polysyllables=23), False),
    ],
)
def test_the_goal_boundary_on_smog(reading: Reading, ok: bool) -> None:
    assert reading.fk <= FK_GOAL
    assert (round(reading.smog, 1) <= SMOG_GOAL) is ok
    assert reading.meets_goal is ok


def test_the_goal_boundary_on_flesch_kincaid() -> None:
    # 20 words a sentence at 1.3 syllables: 0.39*20 + 11.8*1.3 - 15.59 = 7.55
    at = Reading(sentences=10, words=200, syllables=260, polysyllables=0)
    assert round(at.fk, 1) == 7.6 and not at.meets_goal
    # 10 words a sentence at 1.3 syllables: 3.65 (3.6 in floating point)
    under = Reading(sentences=10, words=100, syllables=130, polysyllables=0)
    assert round(under.fk, 1) == 3.6 and under.meets_goal
    # the boundary: 10 words a sentence at 1.5 syllables is 6.01, printed 6.0: met; at 1.55, 6.6
    assert Reading(sentences=2, words=20, syllables=30, polysyllables=0).meets_goal
    assert not Reading(sentences=2, words=20, syllables=31, polysyllables=0).meets_goal


@given(
    st.lists(st.sampled_from(["Call the team today.", "A fever needs a doctor now."]), max_size=6)
)
def test_adding_readings_equals_reading_the_texts_together(blocks: list[str]) -> None:
    half = len(blocks) // 2
    assert read_english(blocks[:half]) + read_english(blocks[half:]) == read_english(blocks)


def test_chinese_sentence_lengths() -> None:
    r = read_chinese(["您好。请在治疗后立即联系医生！", "清单", "x" * 41 + "。"])
    assert r.lengths == (11, 41)  # "您好" and "清单" are fragments
    assert r.mean == 26.0
    assert r.long_share == 0.5
    assert ChineseReading(()).mean == 0.0 and ChineseReading(()).long_share == 0.0
    assert (r + ChineseReading((5,))).lengths == (11, 41, 5)
