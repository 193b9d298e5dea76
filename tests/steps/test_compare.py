"""Step 3, the Option Grid: which setting applies, how rows follow preferences, never a ranking."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from crossroads.common.dates import Elapsed, MonthSpan
from crossroads.common.errors import BadOptionError
from crossroads.engine.classify import Classification, classify
from crossroads.kb import KnowledgeBase
from crossroads.kb.alternatives import GOALS, load_alternatives
from crossroads.record.case import Case
from crossroads.render.grid import render_grid_markdown
from crossroads.steps.assess import prepare_case
from crossroads.steps.compare import (
    OptionGrid,
    Row,
    compare,
    grid_data,
    order_rows,
    parse_goal,
    parse_option_codes,
)
from tests.builders import build_case
from tests.conftest import EXAMPLES, TODAY, example_files

pytestmark = pytest.mark.unit

ROW_ORDER = (
    "aim",
    "start_time",
    "how_given",
    "time_in_hospital",
    "serious_risks",
    "family_burden",
    "evidence",
    "psychological",
    "travel",
    "cost",
)
# Words that rank or prescribe; none may appear in any grid text, in either language.
# "Best response" (最佳疗效) is the clinical name of a fact the grid may ask for, not a ranking.
RANKING_WORDS = re.compile(
    r"\b(best(?! response)|better|recommend\w*|superior|preferred|should choose|first choice)\b"
    r"|最好|最佳(?!疗效)|更好|更优|推荐|优于|首选|应该选",
    re.IGNORECASE,
)


def _case(data: dict[str, Any], kb: KnowledgeBase) -> Case:
    return build_case({"assessment_date": "2026-11-01"}, data, kb=kb)


def _grid(
    case: Case, kb: KnowledgeBase, jurisdictions: tuple[str, ...] = ("US", "EU", "CN"), **kw: Any
) -> tuple[OptionGrid, Classification]:
    classification = classify(case, kb, jurisdictions, TODAY)  # type: ignore[arg-type]
    return compare(case, kb, classification, **kw), classification


def _example(name: str, kb: KnowledgeBase, **kw: Any) -> OptionGrid:
    return _grid(prepare_case(EXAMPLES / f"{name}.yaml", kb), kb, **kw)[0]


def _ids(grid: OptionGrid) -> list[str]:
    return [s.match.compiled.setting.id for s in grid.settings]


def _lbcl_one_line(progression: str, end: str = "2025-01") -> dict[str, Any]:
    return {
        "diagnosis": {"disease": "lbcl", "subtype": "dlbcl_nos"},
        "lines": [
            {
                "agents": ["rituximab", "cyclophosphamide", "doxorubicin"],
                "start": "2024-08",
                "end": end,
                "best_response": "CR",
                "progression": progression,
            }
        ],
        "disease_status": {"state": "relapsed"},
    }


# -- which setting applies ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("progression", "months", "expected"),
    [  # first line ended 2025-01-15; months counted to the day
        ("2025-12-15", Elapsed(11, 0), ["lbcl_2l_early"]),
        ("2026-01-15", Elapsed(12, 0), ["lbcl_2l_early"]),
        ("2026-01-16", Elapsed(12, 1), ["lbcl_2l_late"]),
    ],
)
def test_lbcl_second_line_boundary_at_12_months(
    kb: KnowledgeBase, progression: str, months: Elapsed, expected: list[str]
) -> None:
    grid, classification = _grid(_case(_lbcl_one_line(progression, "2025-01-15"), kb), kb)
    assert classification.facts["months_first_line_end_to_relapse"] == MonthSpan(months, months)
    assert (grid.status, _ids(grid)) == ("ok", expected)


def test_lbcl_primary_refractory_is_early_whatever_the_dates(kb: KnowledgeBase) -> None:
    data = _lbcl_one_line("2027-01")
    data["lines"][0].update(best_response="PD", progression="2025-01")
    grid, _ = _grid(_case(data, kb), kb)
    assert _ids(grid) == ["lbcl_2l_early"]


def test_relapse_year_only_needs_the_month(kb: KnowledgeBase) -> None:
    grid, _ = _grid(_case(_lbcl_one_line("2026"), kb), kb)
    assert grid.status == "needs_information"
    assert grid.missing_facts == ("months_first_line_end_to_relapse",)
    assert [m.compiled.setting.id for m in grid.undecided] == ["lbcl_2l_early", "lbcl_2l_late"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [(1, ["mm_early"]), (3, ["mm_early"]), (4, ["mm_late"])],
)
def test_myeloma_settings_by_line_count(kb: KnowledgeBase, lines: int, expected: list[str]) -> None:
    data = {
        "diagnosis": {"disease": "mm"},
        "lines": [{"agents": ["bortezomib", "dexamethasone"]} for _ in range(lines)],
        "prior_cellular_therapy": [],
        "disease_status": {"state": "relapsed"},
    }
    grid, _ = _grid(_case(data, kb), kb)
    assert _ids(grid) == expected


def test_triple_class_exposed_after_three_lines_is_in_both_myeloma_settings(
    kb: KnowledgeBase,
) -> None:
    grid = _example("mm_three_lines_triple_class_exposed", kb)
    assert _ids(grid) == ["mm_early", "mm_late"]


def test_cll_needs_both_a_btk_and_a_bcl2_inhibitor(kb: KnowledgeBase) -> None:
    assert _ids(_example("us_liso_cel_cll_after_btki_and_venetoclax", kb)) == ["cll_double_exposed"]
    grid = _example("cll_btki_only_not_on_label", kb)
    assert (grid.status, [m.compiled.setting.id for m in grid.ruled_out]) == (
        "not_covered",
        ["cll_double_exposed"],
    )
    data = grid_data(grid, kb)
    assert data["ruled_out"][0]["reasons"] == [
        "has had a drug that blocks BTK and one that blocks BCL-2; this case: alkylating agent, "
        "anti-CD20 monoclonal antibody, BTK inhibitor (not met)"
    ]


def test_only_the_disease_known_names_the_facts_that_decide(kb: KnowledgeBase) -> None:
    grid = _example("lbcl_only_disease_known", kb)
    assert grid.status == "needs_information"
    assert grid.settings == ()
    assert grid.missing_facts == (
        "subtype",
        "relapsed_or_refractory",
        "prior_lines",
        "primary_refractory",
        "months_first_line_end_to_relapse",
    )
    data = grid_data(grid, kb)
    assert data["status_text"] == (
        "needs information: Crossroads cannot yet tell where this case fits. "
        "These facts would settle it:"
    )
    assert data["missing_facts"][2] == {
        "fact": "prior_lines",
        "ask": "a list of each past treatment with its start and end month",
    }


def test_unknown_disease_is_needs_information_not_a_guess(kb: KnowledgeBase) -> None:
    grid, _ = _grid(_case({}, kb), kb)
    assert grid.status == "needs_information"
    assert grid.missing_facts[0] == "disease"
    assert len(grid.undecided) == len(load_alternatives(kb).settings)


def test_remission_is_not_covered_with_reasons(kb: KnowledgeBase) -> None:
    grid = _example("lbcl_in_remission_not_on_label", kb)
    assert grid.status == "not_covered"
    data = grid_data(grid, kb)
    assert data["status_text"] == (
        "Crossroads has lists of options for some cases of this disease. None of them fits this "
        "case now. That does not mean there is nothing to try. Ask the treating team which "
        "options apply."
    )
    assert [r["id"] for r in data["ruled_out"]] == ["lbcl_2l_early", "lbcl_2l_late", "lbcl_3l"]


def test_disease_without_a_list_says_so(kb: KnowledgeBase) -> None:
    data = grid_data(_example("us_liso_cel_mzl_two_lines", kb), kb)
    assert (data["status"], data["ruled_out"], data["settings"]) == ("not_covered", [], [])
    assert data["status_text"] == (
        "Crossroads has no list of options for marginal zone lymphoma (MZL). "
        "Ask the treating team which options apply."
    )


# -- rows and preferences -----------------------------------------------------------------------
def test_rows_without_preferences_keep_the_usual_order() -> None:
    assert order_rows(None) == tuple(Row(a, None, False) for a in ROW_ORDER)


def test_rows_follow_importance_with_unstated_between_one_and_zero() -> None:
    rows = order_rows({"evidence": 3, "aim": 0, "family_burden": 3, "how_given": 1})
    assert rows == (
        Row("family_burden", 3, True),
        Row("evidence", 3, True),
        Row("how_given", 1, False),
        Row("start_time", None, False),
        Row("time_in_hospital", None, False),
        Row("serious_risks", None, False),
        Row("psychological", None, False),
        Row("travel", None, False),
        Row("cost", None, False),
        Row("aim", 0, False),
    )


@pytest.mark.parametrize(("highest", "top"), [(1, False), (2, True), (3, True)])
def test_top_rows_need_importance_two_or_more(highest: int, top: bool) -> None:
    rows = order_rows({"aim": highest, "evidence": 0})
    assert rows[0] == Row("aim", highest, top)
    assert [r.top for r in rows[1:]] == [False] * (len(ROW_ORDER) - 1)


def test_missing_preferences_are_needs_information_lines(kb: KnowledgeBase) -> None:
    data = grid_data(_example("lbcl_hgbcl_second_line_early_relapse", kb), kb)
    assert data["preferences"]["needs"] == [
        "needs information: your main goal (say what matters most to you now, in the questions "
        "about your goals and worries)",
        "needs information: how much each thing matters to you; the rows are in the standard order",
    ]
    assert data["settings"][0]["goal_row"] is None
    assert [r["attribute"] for r in data["settings"][0]["rows"]] == list(ROW_ORDER)


def test_case_preferences_order_rows_and_add_the_goal_row(kb: KnowledgeBase) -> None:
    data = grid_data(_example("lbcl_primary_refractory_second_line", kb), kb)
    prefs = data["preferences"]
    assert (prefs["main_goal"], prefs["goal_source"], prefs["needs"]) == ("cure", "case", [])
    assert prefs["fears_line"] == (
        "What you fear most, in your words: Being two hours from home for weeks, with my wife "
        "alone."
    )
    setting = data["settings"][0]
    assert [(r["attribute"], r["importance"], r["top"]) for r in setting["rows"]] == [
        ("aim", 3, True),
        ("time_in_hospital", 3, True),
        ("family_burden", 3, True),
        ("serious_risks", 2, False),
        ("start_time", None, False),
        ("how_given", None, False),
        ("evidence", None, False),
        ("psychological", None, False),
        ("travel", None, False),
        ("cost", None, False),
    ]
    assert setting["rows"][0]["heading"] == (
        "★ What it aims for (matters to you: very much; matters most to you)"
    )
    assert setting["goal_row"]["label"] == "How it meets your goal (a chance of cure)"


def test_goal_row_follows_the_knowledge_base(kb: KnowledgeBase) -> None:
    grid = _example("us_axi_cel_second_line_early_relapse", kb)
    data = grid_data(grid, kb)
    options = grid.settings[0].columns
    assert [c["level"] for c in data["settings"][0]["goal_row"]["cells"]] == [
        c.option.goal_fit["cure"].level for c in options
    ]
    codes = [o["code"] for o in data["settings"][0]["options"]]
    levels = [c["level"] for c in data["settings"][0]["goal_row"]["cells"]]
    assert dict(zip(codes, levels, strict=True)) == {
        "car_t": "fits",
        "salvage_chemo_asct": "partly",
        "glofitamab_gemox": "partly",
        "pola_br": "does_not_fit",
        "tafasitamab_lenalidomide": "does_not_fit",
        "clinical_trial": "unknown",
        "palliative_care": "does_not_fit",
    }


def test_goal_fit_cites_the_attribute_it_rests_on(kb: KnowledgeBase) -> None:
    setting = grid_data(_example("us_axi_cel_second_line_early_relapse", kb), kb)["settings"][0]
    evidence = next(r for r in setting["rows"] if r["attribute"] == "evidence")
    car_t = [o["code"] for o in setting["options"]].index("car_t")
    assert setting["goal_row"]["cells"][car_t]["refs"] == evidence["cells"][car_t]["refs"]
    assert setting["goal_row"]["cells"][car_t]["basis"] == {
        "attribute": "evidence",
        "text": "based on the row “What the studies show”",
    }
    assert all("level_label" not in cell for cell in setting["goal_row"]["cells"])


def test_goal_option_overrides_the_case_goal(kb: KnowledgeBase) -> None:
    data = grid_data(_example("us_axi_cel_second_line_early_relapse", kb, goal="comfort"), kb)
    assert (data["preferences"]["main_goal"], data["preferences"]["goal_source"]) == (
        "comfort",
        "option",
    )
    assert data["preferences"]["goal_line"] == (
        "Your main goal: comfort (chosen for this view with --goal)"
    )


def test_unknown_goal_lists_the_valid_codes() -> None:
    with pytest.raises(BadOptionError) as caught:
        parse_goal("curing")
    assert str(caught.value) == (
        "--goal: 'curing' is not a goal Crossroads knows. Use one of: cure, longer_control, "
        "comfort, time_at_home, bridge_to_transplant. Did you mean 'cure'?"
    )


def test_goal_codes_are_read_leniently() -> None:
    assert [parse_goal(g) for g in ("Cure", "longer-control", "time at home")] == [
        "cure",
        "longer_control",
        "time_at_home",
    ]


def test_columns_never_move_with_the_goal(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "mm_one_line_lenalidomide_refractory.yaml", kb)
    orders = {
        goal: [c.option.code for c in _grid(case, kb, goal=goal)[0].settings[0].columns]
        for goal in GOALS
    }
    assert set(map(tuple, orders.values())) == {
        (
            "teclistamab_daratumumab",
            "belantamab_bvd",
            "anti_cd38_combination",
            "car_t",
            "clinical_trial",
            "palliative_care",
        )
    }


# -- options and availability -------------------------------------------------------------------
def test_options_filter_keeps_the_stated_column_order(kb: KnowledgeBase) -> None:
    grid = _example("mcl_two_lines_after_btki", kb, only=["palliative_care", "car_t"])
    assert [c.option.code for c in grid.settings[0].columns] == ["car_t", "palliative_care"]


def test_unknown_option_code_lists_the_codes_for_this_case(kb: KnowledgeBase) -> None:
    with pytest.raises(BadOptionError) as caught:
        _example("mcl_two_lines_after_btki", kb, only=["cart"])
    assert str(caught.value) == (
        "--options: 'cart' is not an option code for this case. Use one of: allo_transplant, "
        "car_t, clinical_trial, covalent_btki, palliative_care, pirtobrutinib. "
        "Did you mean 'car_t'?"
    )


def test_option_codes_are_split_and_deduplicated() -> None:
    assert parse_option_codes(" CAR_T, pola_br,,car_t ") == ["car_t", "pola_br"]


def test_empty_option_list_is_a_user_error() -> None:
    with pytest.raises(BadOptionError, match=r"^--options: name at least one option code"):
        parse_option_codes(" , ")


_AVAILABLE = {"established": True, "cannot_tell": None, "trial": False, "not_realistic_now": False}


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_car_t_availability_is_the_classification(kb: KnowledgeBase, case_file: Path) -> None:
    grid, classification = _grid(prepare_case(case_file, kb), kb)
    data = grid_data(grid, kb)
    expected = [(jr.jurisdiction, _AVAILABLE[jr.category]) for jr in classification.jurisdictions]
    for setting in data["settings"]:
        car_t = [o["kind"] for o in setting["options"]].index("car_t")
        places = setting["availability"][car_t]
        assert [(p["jurisdiction"], p["available"]) for p in places] == expected


def test_car_t_cell_names_products_on_label_with_sources(kb: KnowledgeBase) -> None:
    data = grid_data(_example("us_axi_cel_second_line_early_relapse", kb), kb)
    setting = data["settings"][0]
    us, eu, cn = setting["availability"][[o["code"] for o in setting["options"]].index("car_t")]
    assert us["text"] == "on label here: axi-cel (Yescarta), liso-cel (Breyanzi)"
    assert eu["text"] == "on label here: axi-cel (Yescarta), liso-cel (Breyanzi)"
    assert cn["text"] == "on label here: axi-cel · 奕凯达 (Yikaida)"
    sources = {s["ref"]: s["source"] for s in setting["sources"]}
    assert all("label" in sources[r].lower() or "approv" in sources[r].lower() for r in us["refs"])


def test_car_t_rows_carry_the_rules_of_each_chosen_place(kb: KnowledgeBase) -> None:
    grid = _example("us_axi_cel_second_line_early_relapse", kb, jurisdictions=("US",))
    setting = grid_data(grid, kb)["settings"][0]
    car_t = [o["code"] for o in setting["options"]].index("car_t")
    rows = {r["attribute"]: r["cells"][car_t] for r in setting["rows"]}
    assert [p["text"] for p in rows["time_in_hospital"]["per_place"]] == [
        "Stay within easy reach of the treating centre for 2 weeks after the infusion."
    ]
    assert [p["text"] for p in rows["family_burden"]["per_place"]] == [
        "Do not drive or use heavy machines for 2 weeks after the infusion."
    ]
    assert [len(a) for a in setting["availability"]] == [1] * len(setting["options"])


def test_uncertain_facts_are_marked_in_the_language_asked(kb: KnowledgeBase) -> None:
    grid = _example("us_axi_cel_second_line_early_relapse", kb)
    setting = grid_data(grid, kb, "zh-Hans")["settings"][0]
    places = setting["availability"][
        [o["code"] for o in setting["options"]].index("glofitamab_gemox")
    ]
    assert places[0]["uncertain"] == "⚠ 此信息可能已有变化；最近核对于 2026 年 11 月"


# -- what every grid must say, and must not say ------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_not_head_to_head_note_whenever_figures_are_shown(kb: KnowledgeBase, lang: str) -> None:
    note = load_alternatives(kb).phrase("grid.not_head_to_head", lang)
    shown = 0
    for case_file in example_files():
        grid, _ = _grid(prepare_case(case_file, kb), kb)
        data = grid_data(grid, kb, lang)
        text = render_grid_markdown(data, kb)
        for setting in data["settings"]:
            assert setting["has_figures"] is True, case_file.stem
            assert setting["head_to_head_note"] == note
            shown += 1
        assert text.count(note) == len(data["settings"])
    assert shown == 31  # settings shown across the examples, counted by hand (two 2L LBCL added)


def _without_citations(data: dict[str, Any]) -> dict[str, Any]:
    """The grid's own words: citation titles (e.g. "CHMP recommendation") are others' words."""
    for setting in data["settings"]:
        setting["sources"] = []
    return data


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_no_ranking_words_anywhere_in_the_grid(kb: KnowledgeBase, lang: str) -> None:
    for case_file in example_files():
        for goal in GOALS:
            grid, _ = _grid(prepare_case(case_file, kb), kb, goal=goal)
            data = _without_citations(grid_data(grid, kb, lang))
            text = render_grid_markdown(data, kb) + json.dumps(data, ensure_ascii=False)
            assert RANKING_WORDS.search(text) is None, (case_file.stem, goal)


def test_ranking_word_check_catches_ranking_words() -> None:
    assert RANKING_WORDS.search("CAR-T is the best option") is not None
    assert RANKING_WORDS.search("这是最好的选择") is not None
    assert RANKING_WORDS.search("Recommended for you") is not None
    assert RANKING_WORDS.search("a betterment") is None
    assert RANKING_WORDS.search("the best response to the first treatment") is None
    assert RANKING_WORDS.search("best for you") is not None


def test_every_grid_says_it_does_not_rank_and_shows_the_urgent_line(kb: KnowledgeBase) -> None:
    data = grid_data(_example("ball_adult_40_first_relapse", kb), kb)
    text = render_grid_markdown(data, kb)
    assert "Crossroads does not rank the options" in text
    assert (
        "After CAR-T, watch for a fever, feeling confused or trouble speaking. If one of these "
        "starts, call your care team or get urgent help at once."
    ) in text


def test_grid_data_is_json_ready(kb: KnowledgeBase) -> None:
    data = grid_data(_example("mm_four_lines_no_anti_cd38_cn_patient", kb), kb, "zh-Hans")
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["schema"] == "crossroads.compare/v1"
