"""Step 3, the shared rows: one measure per setting read both ways with one template, the same
harm rows for every option, the stated column order, and the person's reference group."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.common.dates import Interval
from crossroads.engine.classify import classify
from crossroads.kb import KnowledgeBase
from crossroads.kb.alternatives import (
    HARMS,
    FigureRange,
    Population,
    SharedFigure,
    figure_range,
    load_alternatives,
    shares_with_n,
)
from crossroads.render.grid import add_icon_svgs, render_grid_markdown
from crossroads.steps.assess import prepare_case
from crossroads.steps.compare import compare, grid_data
from crossroads.steps.compare.outcomes import Reader, out_of_100, outside_group
from tests.builders import build_case
from tests.conftest import EXAMPLES, TODAY, example_files

pytestmark = pytest.mark.unit

LANGS = ("en", "zh-Hans")
ELIANA_MARK = {
    "en": "from a trial of people aged 25 or under",
    "zh-Hans": "来自 25 岁及以下人群的试验",
}


def _data(case: Any, kb: KnowledgeBase, lang: str = "en") -> dict[str, Any]:
    classification = classify(case, kb, ("US", "EU", "CN"), TODAY)
    return grid_data(compare(case, kb, classification), kb, lang)


def _example_settings(kb: KnowledgeBase, lang: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for case_file in example_files():
        data = _data(prepare_case(case_file, kb), kb, lang)
        out += [(case_file.stem, setting) for setting in data["settings"]]
    return out


@pytest.fixture(scope="module")
def shown(kb: KnowledgeBase) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    return {lang: _example_settings(kb, lang) for lang in LANGS}


def test_the_examples_show_every_setting(kb: KnowledgeBase, shown: Any) -> None:
    ids = {setting["id"] for _, setting in shown["en"]}
    assert ids == {c.setting.id for c in load_alternatives(kb).settings}


@pytest.mark.parametrize("lang", LANGS)
def test_every_option_has_the_shared_row_or_says_no_comparable_figure(
    kb: KnowledgeBase, shown: Any, lang: str
) -> None:
    none = load_alternatives(kb).phrase("grid.no_comparable", lang)
    for stem, setting in shown[lang]:
        codes = [o["code"] for o in setting["options"]]
        rows = [setting["outcome_row"], *setting["harm_rows"]]
        assert setting["outcome_row"] is not None, stem
        assert [h["harm"] for h in setting["harm_rows"]] == list(HARMS)
        for row in rows:
            assert [c["code"] for c in row["cells"]] == codes, (stem, row["label"])
            for cell in row["cells"]:
                assert bool(cell["figures"]) != bool(cell["none"]), (stem, cell["code"])
                if not cell["figures"]:
                    assert cell["none"] == none
        case = prepare_case(EXAMPLES / f"{stem}.yaml", kb)
        text = render_grid_markdown(_data(case, kb, lang), kb)
        assert none in text or all(c["figures"] for r in rows for c in r["cells"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_share_is_said_both_ways_with_the_one_template(
    kb: KnowledgeBase, shown: Any, lang: str
) -> None:
    alternatives = load_alternatives(kb)
    template = alternatives.catalogue.phrases["outcome.share"].get(lang)
    pattern = re.compile(
        re.escape(template)
        .replace(re.escape("{n}"), r"(?P<n>\d+)")
        .replace(re.escape("{rest}"), r"(?P<rest>\d+)")
        .replace(re.escape("{event}"), r"(?P<event>.+?)")
        .replace(re.escape("{other}"), r"(?P<other>.+?)")
    )
    shares = 0
    for stem, setting in shown[lang]:
        for row in [setting["outcome_row"], *setting["harm_rows"]]:
            for cell in row["cells"]:
                for figure in cell["figures"]:
                    if figure["kind"] != "share":
                        continue
                    shares += 1
                    found = pattern.fullmatch(figure["text"])
                    assert found, (stem, figure["text"])
                    n, rest = int(found["n"]), int(found["rest"])
                    assert (n, rest) == (figure["n"], figure["rest"]) == out_of_100(figure["value"])
                    assert n + rest == 100
    assert shares > 40


def test_each_setting_uses_one_template_for_every_option(kb: KnowledgeBase, shown: Any) -> None:
    """Within a setting, the outcome sentences differ only in their numbers (no tilt)."""
    for stem, setting in shown["en"]:
        forms = {
            re.sub(r"\d+(\.\d+)?", "#", f["text"])
            for c in setting["outcome_row"]["cells"]
            for f in c["figures"]
            if not f["not_reached"]
        }
        assert len(forms) == 1, (stem, forms)


def test_median_figures_read_both_ways(kb: KnowledgeBase) -> None:
    data = _data(prepare_case(EXAMPLES / "mm_one_line_lenalidomide_refractory.yaml", kb), kb)
    cells = {c["code"]: c for c in data["settings"][0]["outcome_row"]["cells"]}
    assert [f["text"] for f in cells["car_t"]["figures"]] == [
        "In the study, fewer than half the people had growth of the cancer or died by the last "
        "check, at about 33.6 months; more than half were still alive without growth at that time.",
        "In the study, half the people had growth of the cancer or died within about 13.3 months; "
        "the other half were still alive without growth at that time.",
    ]
    assert cells["car_t"]["figures"][0]["icon"] is None  # no picture for a median


@pytest.mark.parametrize("lang", LANGS)
def test_column_order_follows_the_stated_rule_in_every_setting(
    kb: KnowledgeBase, shown: Any, lang: str
) -> None:
    alternatives = load_alternatives(kb)
    order = alternatives.catalogue.column_order
    kind_names = [alternatives.catalogue.kinds[k].get(lang) for k in order]
    firsts = set()
    for stem, setting in shown[lang]:
        options = {o.code: o for c in alternatives.settings for o in c.setting.options}
        shown_codes = [o["code"] for o in setting["options"]]
        compiled = alternatives.setting(setting["id"]).setting
        by_code = {o.code: o for o in compiled.options}
        keys = [
            (order.index(by_code[c].kind), by_code[c].name.get("en").lower().removeprefix("a "))
            for c in shown_codes
        ]
        assert keys == sorted(keys), stem
        assert options  # every code is a real option
        firsts.add(shown_codes[0])
    assert "car_t" not in firsts  # CAR-T sits among the others, by the rule, never first
    case = prepare_case(EXAMPLES / "mcl_two_lines_after_btki.yaml", kb)
    note = _data(case, kb, lang)["order_note"]
    positions = [note.index(name) for name in kind_names]
    assert positions == sorted(positions)  # the page states the kinds in the order applied


def test_column_order_is_the_same_in_both_languages(kb: KnowledgeBase, shown: Any) -> None:
    en = [[o["code"] for o in s["options"]] for _, s in shown["en"]]
    zh = [[o["code"] for o in s["options"]] for _, s in shown["zh-Hans"]]
    assert en == zh


def test_expected_order_for_early_second_line_lbcl(kb: KnowledgeBase) -> None:
    data = _data(prepare_case(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", kb), kb)
    assert [o["code"] for o in data["settings"][0]["options"]] == [
        "glofitamab_gemox",
        "pola_br",
        "tafasitamab_lenalidomide",
        "car_t",
        "salvage_chemo_asct",
        "clinical_trial",
        "palliative_care",
    ]


# -- the reference group ------------------------------------------------------------------------
def _ball(kb: KnowledgeBase, age: int | None) -> Any:
    raw = yaml.safe_load((EXAMPLES / "ball_adult_40_first_relapse.yaml").read_text())

    def edit(data: dict[str, Any]) -> None:
        data["patient"].pop("birth_date", None)
        if age is None:
            data["patient"].pop("age_years", None)
        else:
            data["patient"]["age_years"] = age

    return build_case(raw, kb=kb, edit=edit)


def _eliana(kb: KnowledgeBase, age: int | None, lang: str) -> dict[str, Any]:
    data = _data(_ball(kb, age), kb, lang)
    (setting,) = [s for s in data["settings"] if s["id"] == "ball_rr"]
    car_t = next(c for c in setting["outcome_row"]["cells"] if c["code"] == "car_t")
    return next(f for f in car_t["figures"] if f["trial"].startswith("ELIANA"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("age", "outside"),
    [(40, True), (26, True), (25, False), (20, False), (None, None)],
)
def test_eliana_is_marked_for_people_older_than_its_trial(
    kb: KnowledgeBase, lang: str, age: int | None, outside: bool | None
) -> None:
    figure = _eliana(kb, age, lang)
    assert figure["outside_group"] is outside
    assert figure["mark"] == (ELIANA_MARK[lang] if outside else None)
    assert "25" in figure["population"]  # the group is always said, known age or not


def test_adult_trials_are_marked_for_a_young_person(kb: KnowledgeBase) -> None:
    data = _data(_ball(kb, 16), kb)
    (setting,) = [s for s in data["settings"] if s["id"] == "ball_rr"]
    marks = {
        f["trial"].split(",")[0]: f["mark"]
        for c in setting["outcome_row"]["cells"]
        for f in c["figures"]
    }
    assert marks["ELIANA"] is None
    assert marks["ZUMA-3"] == marks["INO-VATE"] == "from a trial of people aged 18 or over"


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (Interval(25, 25), False),
        (Interval(26, 26), True),
        (Interval(25, 26), None),  # a birth year that straddles the bound: unknown
        (Interval(17, 17), False),
        (None, None),
    ],
)
def test_outside_group_is_three_valued(age: Interval | None, expected: bool | None) -> None:
    group = Population.model_validate({"text": {"en": "x", "zh": "x"}, "age_max": 25})
    assert outside_group(group, age) is expected


def test_a_group_without_ages_is_never_outside() -> None:
    group = Population.model_validate({"text": {"en": "x", "zh": "x"}})
    assert outside_group(group, None) is False
    assert outside_group(group, Interval(90, 90)) is False


@settings(max_examples=200, deadline=None)
@given(
    low=st.one_of(st.none(), st.integers(0, 120)),
    span=st.integers(0, 120),
    age_low=st.integers(0, 120),
    age_span=st.integers(0, 5),
)
def test_outside_group_never_contradicts_itself(
    low: int | None, span: int, age_low: int, age_span: int
) -> None:
    high = None if low is None else min(low + span, 120)
    group = Population.model_validate(
        {"text": {"en": "x", "zh": "x"}, "age_min": low, "age_max": high}
    )
    age = Interval(age_low, age_low + age_span)
    result = outside_group(group, age)
    each = {outside_group(group, Interval(a, a)) for a in range(age.low, age.high + 1)}
    if result is not None:
        assert each == {result}  # settled only when every possible age agrees
    else:
        assert each == {True, False}


# -- both ways: N and 100 - N -------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(percent=st.floats(min_value=0, max_value=100, allow_nan=False))
def test_both_ways_always_sum_to_100_with_the_same_template(percent: float) -> None:
    n, rest = out_of_100(percent)
    assert n + rest == 100
    assert 0 <= n <= 100 and abs(n - percent) <= 0.5


@pytest.mark.parametrize(("percent", "expected"), [(58.5, 59), (0.6, 1), (24.8, 25), (0.4, 0)])
def test_rounding_is_half_up(percent: float, expected: int) -> None:
    assert out_of_100(percent) == (expected, 100 - expected)


# -- icon arrays ----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_icon_arrays_carry_the_sentence_as_text(kb: KnowledgeBase, lang: str) -> None:
    case = prepare_case(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", kb)
    data = add_icon_svgs(_data(case, kb, lang))
    setting = data["settings"][0]
    figures = [f for c in setting["outcome_row"]["cells"] for f in c["figures"]]
    ids = []
    for figure in figures:
        svg = figure["icon"]["svg"]
        assert 'role="img"' in svg
        assert svg.count("<circle") == 100
        assert svg.count('fill="#2b6ca3"') == 2 * figure["n"]  # head and body per dark person
        assert "<desc id=" in svg and figure["text"].replace("“", "") in svg.replace("“", "")
        ids += re.findall(r'id="([^"]+)"', svg)
    assert len(ids) == len(set(ids))  # unique ids on one page


def test_the_legend_names_both_sides(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", kb)
    legend = _data(case, kb)["settings"][0]["outcome_row"]["legend"]
    assert legend == (
        "Each figure stands for one person. Dark: had a complete response (no lymphoma seen on "
        "scans). Light: did not."
    )


def test_no_fit_label_in_any_view(kb: KnowledgeBase, shown: Any) -> None:
    for stem, setting in shown["en"]:
        if setting["goal_row"]:
            for cell in setting["goal_row"]["cells"]:
                assert "level_label" not in cell and cell["basis"]["text"], stem


# -- ranges (IPDASi C5) ----------------------------------------------------------------------------
def _figures(setting: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [setting["outcome_row"], *setting["harm_rows"]]
    return [f for row in rows for cell in row["cells"] for f in cell["figures"]]


@pytest.mark.parametrize("lang", LANGS)
def test_every_share_with_n_has_a_range_and_every_other_figure_says_none(
    kb: KnowledgeBase, shown: Any, lang: str
) -> None:
    alternatives = load_alternatives(kb)
    with_n = {
        where.split(":")[0].removeprefix("alternatives/").removesuffix(".yaml")
        for where, _ in shares_with_n(alternatives)
    }
    expected = {
        c.setting.id: sum(1 for w, _ in shares_with_n(alternatives) if c.file in w)
        for c in alternatives.settings
    }
    none = alternatives.phrase("grid.no_range", lang)
    about = alternatives.phrase("grid.ranges_about", lang)
    for stem, setting in shown[lang]:
        figures = _figures(setting)
        worked_out = [f for f in figures if f["range_origin"] == "wilson"]
        assert len(worked_out) == expected[setting["id"]], stem
        for figure in figures:
            assert bool(figure["range"]) != bool(figure["no_range"]), (stem, figure["trial"])
            if figure["no_range"]:
                assert figure["no_range"] == none
        # said once per grid, exactly when a range was worked out
        assert setting["ranges_about"] == (about if worked_out else None), stem
    assert len(with_n) >= 8


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Range that fits the size of the trial: about 42 to 66 out of 100."),
        ("zh-Hans", "按试验人数推算的范围：每 100 人中约 42 至 66 人。"),
    ],
)
def test_pilot_54_of_61_reads_42_to_66(kb: KnowledgeBase, lang: str, expected: str) -> None:
    case = prepare_case(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", kb)
    setting = _data(case, kb, lang)["settings"][0]
    pilot = [f for f in _figures(setting) if f["trial"].startswith("PILOT") and f["value"] == 54]
    assert [f["range"] for f in pilot] == [expected]
    assert pilot[0]["icon"]["band"] == [42, 66]
    text = render_grid_markdown(_data(case, kb, lang), kb)
    assert expected in text
    assert text.count(load_alternatives(kb).phrase("grid.ranges_about", lang)) == 1


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "A figure from one trial; the trial gave no range."),
        ("zh-Hans", "这是一项试验得出的数字，该试验没有给出范围。"),
    ],
)
def test_medians_say_no_range_given(kb: KnowledgeBase, lang: str, expected: str) -> None:
    case = prepare_case(EXAMPLES / "mm_one_line_lenalidomide_refractory.yaml", kb)
    setting = _data(case, kb, lang)["settings"][0]
    medians = [f for f in setting["outcome_row"]["cells"] for f in f["figures"]]
    assert medians and {f["no_range"] for f in medians} == {expected}
    assert {f["range"] for f in medians} == {None}
    assert setting["ranges_about"] is None  # no share with a known trial size in this setting


def test_a_reported_range_wins_over_a_worked_out_one(kb: KnowledgeBase) -> None:
    measure = load_alternatives(kb).catalogue.measures["complete_response"]
    figure = SharedFigure.model_validate(
        {
            "trial": {"en": "T", "zh": "T"},
            "value": 54,
            "n": 61,
            "low": 40,
            "high": 67,
            "population": {"text": {"en": "p", "zh": "p"}},
            "source": "A test source of enough length",
            "as_of": "2026-11-24",
            "confidence": "P",
        }
    )
    assert figure_range("share", figure) == FigureRange(40, 67, "reported")
    reader = Reader(load_alternatives(kb), "en", None, lambda f: 1, lambda f: None)
    span = reader.span(measure, figure)
    assert span["range"] == "Range the trial reported: 40 to 67."
    assert span["band"] == [40, 67] and span["no_range"] is None
