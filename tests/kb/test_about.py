"""About this aid: the file, the next review date, the measured reading level, the audit checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.kb import KnowledgeBase
from crossroads.kb.about import (
    CHECKS,
    ReadingLevel,
    about_data,
    checks_failed,
    findings,
    internal_notes,
    load_about,
    next_review,
    one_way_figures,
    parse_reading_level,
    reading_level,
    undefined_terms,
)
from crossroads.kb.docs import ipdas_markdown, pemat_markdown
from crossroads.kb.models import Cited

TODAY = dt.date(2026, 12, 6)
TABLE = """# Readability

| section | examples | sentences | SMOG | FK | goal met |
|---|---|---|---|---|---|
| intro | 39 | 248 | 8.7 | 4.5 | **no** |
| **all** | 39 | 16554 | {smog} | {fk} | **no** |
"""


def test_the_shipped_file_has_no_errors(kb: KnowledgeBase) -> None:
    assert [f for f in findings(kb, TODAY) if f.level == "error"] == []


def test_next_review_is_the_release_date_plus_the_interval(kb: KnowledgeBase) -> None:
    about = load_about()
    assert about.update_policy.interval_months == 6
    assert next_review(kb, about) == dt.date(2027, 6, 6)  # release 2026-12-06 + 6 months


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_about_data_fills_in_the_release_and_the_next_review(kb: KnowledgeBase, lang: str) -> None:
    data = about_data(kb, lang, lambda day: day.isoformat())
    assert data["next_review"] == "2027-06-06"
    assert "2027-06-06" in data["update_policy"] and kb.release.version in data["update_policy"]
    assert "{" not in data["update_policy"]
    assert [g["code"] for g in data["grades"]] == ["L", "P", "N", "U"]
    assert data["funding"] == load_about().funding.get(lang)


def test_the_reading_level_is_read_from_the_all_row() -> None:
    assert parse_reading_level(TABLE.format(smog="9.0", fk="5.4")) == ReadingLevel(9.0, 5.4)
    assert parse_reading_level("# nothing measured\n") is None
    assert parse_reading_level(TABLE.format(smog="n/a", fk="5.4")) is None


def test_a_missing_readability_page_gives_no_figure(tmp_path: Path) -> None:
    assert reading_level((tmp_path / "readability.md",)) is None
    page = tmp_path / "readability.md"
    page.write_text(TABLE.format(smog="7.9", fk="5.0"), encoding="utf-8")
    assert reading_level((tmp_path / "absent.md", page)) == ReadingLevel(7.9, 5.0)


@pytest.mark.parametrize(
    ("smog", "fk", "met"),
    [(8.0, 6.0, True), (8.1, 6.0, False), (8.0, 6.1, False), (7.9, 5.9, True)],
)
def test_the_reading_goal_is_smog_8_and_grade_6_or_lower(smog: float, fk: float, met: bool) -> None:
    assert ReadingLevel(smog, fk).goal_met is met


@given(st.floats(0, 20), st.floats(0, 20))
def test_the_goal_is_met_exactly_when_both_are_at_or_under(smog: float, fk: float) -> None:
    assert ReadingLevel(smog, fk).goal_met is (smog <= 8.0 and fk <= 6.0)


def test_an_unknown_check_fails(kb: KnowledgeBase) -> None:
    about = load_about()
    assert checks_failed(kb, about, ["funding", "update_policy", "release_dated"]) == []
    assert checks_failed(kb, about, ["no_such_check"]) == ["no_such_check"]
    assert set(CHECKS) >= {"funding", "update_policy", "psychological_row", "reading_goal_met"}


def _edited(data_copy: Path, old: str, new: str) -> Path:
    path = data_copy / "about.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_wrong_placeholder_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    path = _edited(data_copy, "Next review due by {next}.", "Next review due by {nxt}.")
    errors = [str(f) for f in findings(kb, TODAY, path) if f.level == "error"]
    assert errors == [
        "error: about: update_policy.text.en: placeholders ['date', 'months', 'nxt', 'release'] "
        "must be ['date', 'months', 'next', 'release']"
    ]


def test_an_unknown_audit_check_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    path = _edited(data_copy, "requires: [funding]", "requires: [fundng]")
    errors = [str(f) for f in findings(kb, TODAY, path) if f.level == "error"]
    assert errors == ["error: about: self_audit C6: unknown check 'fundng'"]


def test_the_audit_counts_every_item(kb: KnowledgeBase) -> None:
    ipdas = ipdas_markdown(kb)
    audit = load_about().self_audit
    assert [i.id for i in audit.ipdasi.items] == [f"Q{n}" for n in range(1, 7)] + [
        f"C{n}" for n in range(1, 7)
    ]
    assert "## Qualifying criteria:" in ipdas and "## Certification criteria:" in ipdas
    # PEMAT-P: 17 understandability and 7 actionability items (13 and 14 are audiovisual only)
    scales = [i.scale for i in audit.pemat.items]
    assert scales.count("understandability") == 17 and scales.count("actionability") == 7
    assert 13 not in [i.number for i in audit.pemat.items]
    pemat = pemat_markdown(kb)
    assert "## Understandability: " in pemat and "## Actionability: " in pemat


def test_an_item_whose_check_fails_is_not_met(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C4 (update policy) is met; C1, C2 and C5 are met only while their product checks pass,
    and turn not met when a check fails."""
    lines = {line.split(" | ")[0]: line for line in ipdas_markdown(kb).splitlines()}
    assert "| met |" in lines["| C4"]
    assert "| met |" in lines["| C5"]
    assert CHECKS["ranges_for_shares_with_n"](kb, load_about()) is True
    assert CHECKS["every_fact_cited"](kb, load_about()) is True
    assert CHECKS["same_rows_for_every_option"](kb, load_about()) is True
    assert "| met |" in lines["| C1"] and "| met |" in lines["| C2"]
    monkeypatch.setitem(CHECKS, "every_fact_cited", lambda kb, about: False)
    lines = {line.split(" | ")[0]: line for line in ipdas_markdown(kb).splitlines()}
    assert "**not met**" in lines["| C2"] and "| met |" in lines["| C1"]
    psychological = CHECKS["psychological_row"](kb, load_about())
    assert ("**not met**" in lines["| Q6"]) is (not psychological)


def test_c5_turns_not_met_when_a_share_with_n_lacks_its_range(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crossroads.kb.alternatives as alternatives

    monkeypatch.setattr(alternatives, "figure_range", lambda kind, figure: None)
    assert CHECKS["ranges_for_shares_with_n"](kb, load_about()) is False
    lines = {line.split(" | ")[0]: line for line in ipdas_markdown(kb).splitlines()}
    assert "**not met**" in lines["| C5"]


# -- the product checks behind PEMAT-P items 2, 4, 6, 7, 24 and 25 -------------------------------
NEW_CHECKS = ("no_internal_notes", "terms_defined", "both_directions", "how_to_use_grid")


@pytest.mark.parametrize("name", NEW_CHECKS)
def test_the_pemat_checks_pass_on_the_shipped_product(kb: KnowledgeBase, name: str) -> None:
    assert CHECKS[name](kb, load_about()) is True


def test_pemat_scores_at_least_80_percent_on_both_scales(kb: KnowledgeBase) -> None:
    """Items 2, 4, 6, 7, 24 and 25 agree through their checks; 19 stays disagree, and 3
    follows the measured reading level (its own check)."""
    page = pemat_markdown(kb)
    reading = CHECKS["reading_goal_met"](kb, load_about())
    understood = "16 of 17 = 94%" if reading else "15 of 17 = 88%"
    assert f"## Understandability: {understood} (meets the 70% bar)" in page
    assert "## Actionability: 7 of 7 = 100% (meets the 70% bar)" in page
    rows = {line.split(" | ")[0]: line for line in page.splitlines() if line.startswith("| ")}
    for number in (2, 4, 6, 7, 24, 25):
        assert "| 1 agree |" in rows[f"| {number}"], number
    assert "| 0 **disagree** |" in rows["| 19"]


def test_an_item_turns_disagree_when_its_check_fails(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(CHECKS, "both_directions", lambda kb, about: False)
    page = pemat_markdown(kb)
    rows = {line.split(" | ")[0]: line for line in page.splitlines() if line.startswith("| ")}
    assert "| 0 **disagree** |" in rows["| 7"] and "| 0 **disagree** |" in rows["| 24"]
    assert "## Actionability: 6 of 7 = 86%" in page


def _fact(text: str, flag: str | None = None) -> Cited:
    from crossroads.kb.alternatives import CitedText

    data = {"text": {"en": text, "zh": "中文。"}, "source": "alternatives.md §1, ref 1"}
    data |= {"as_of": "2026-11-24", "confidence": "N", "flag": flag}
    return CitedText.model_validate(data)


@pytest.mark.parametrize(
    "text",
    [
        "Second check moved the approval to June 2023.",
        "The date (see §4.2 of the notes) is open.",
        "Run crossroads compare to see it.",
        "The date changed after correction E4.",
    ],
)
def test_a_maintainers_note_in_patient_text_is_found(text: str) -> None:
    assert internal_notes([("options: x", _fact(text))]) != []


def test_plain_text_and_flags_are_not_notes() -> None:
    # a notes pointer in brackets is dropped by the plain-words pass; a flag is never shown
    fact = _fact("Half the people lived longer (alternatives.md §3).", flag="Second check: date")
    assert internal_notes([("options: x", fact)]) == []


def test_the_glossary_must_explain_each_named_word(kb: KnowledgeBase) -> None:
    from crossroads.kb.review_data import load_review_data

    terms = load_review_data(kb).glossary.terms
    assert undefined_terms(load_about().self_audit.pemat.defined_terms, terms) == []
    assert undefined_terms(["median", "Event-Free", "cytopenia"], terms) == ["cytopenia"]
    without_median = [t for t in terms if t.id != "median"]
    assert undefined_terms(["median", "CRS"], without_median) == ["median"]


def test_a_template_without_the_other_side_is_one_way(kb: KnowledgeBase) -> None:
    from crossroads.kb.alternatives import load_alternatives
    from crossroads.kb.models import Text

    catalogue = load_alternatives(kb).catalogue
    phrases = dict(catalogue.phrases)
    assert one_way_figures(phrases, dict(catalogue.measures)) == []
    phrases["outcome.share"] = Text(
        en="Out of 100 people, about {n} {event}.", zh=phrases["outcome.share"].zh
    )
    assert one_way_figures(phrases, dict(catalogue.measures)) == ["outcome.share.en"]
    del phrases["outcome.median"]
    assert "outcome.median.zh" in one_way_figures(phrases, {})
    measure = catalogue.measures["complete_response"].model_copy(update={"other": None})
    found = one_way_figures(dict(catalogue.phrases), {"cr": measure})
    assert found == ["measure cr: no other side"]


def test_the_how_to_use_text_must_not_prescribe(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crossroads.kb.alternatives import load_alternatives
    from crossroads.kb.models import Text

    phrases = load_alternatives(kb).catalogue.phrases
    assert "row that matters most to you" in phrases["grid.how_to_use"].en
    assert "对您最重要的一行" in phrases["grid.how_to_use"].zh
    monkeypatch.setitem(phrases, "grid.how_to_use", Text(en="Pick the best option.", zh="选。"))
    assert CHECKS["how_to_use_grid"](kb, load_about()) is False
    monkeypatch.setitem(phrases, "grid.how_to_use", Text(en="Read across.", zh="您应该选。"))
    assert CHECKS["how_to_use_grid"](kb, load_about()) is False
    monkeypatch.delitem(phrases, "grid.how_to_use")
    assert CHECKS["how_to_use_grid"](kb, load_about()) is False
