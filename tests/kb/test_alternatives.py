"""The alternatives knowledge base: complete, cited, and refused when broken."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb import KnowledgeBase
from crossroads.kb.alternatives import (
    ALTERNATIVES_DIR,
    ATTRIBUTES,
    GOALS,
    findings,
    load_alternatives,
    shares_with_n,
)

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 11, 30)
DOSSIER_SETTINGS = {
    "lbcl_2l_early",
    "lbcl_2l_late",
    "lbcl_3l",
    "fl_3l",
    "mcl_rr",
    "cll_double_exposed",
    "ball_rr",
    "mm_early",
    "mm_late",
}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "alternatives"
    shutil.copytree(ALTERNATIVES_DIR, target)
    return target


def _edit(folder: Path, name: str, edit: Callable[[dict[str, Any]], None]) -> None:
    path = folder / name
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _errors(kb: KnowledgeBase, folder: Path) -> list[str]:
    return [str(f) for f in findings(kb, TODAY, folder) if f.level == "error"]


def test_real_alternatives_have_no_errors(kb: KnowledgeBase) -> None:
    assert _errors(kb, ALTERNATIVES_DIR) == []


def test_every_dossier_setting_has_one_file(kb: KnowledgeBase) -> None:
    alternatives = load_alternatives(kb)
    assert {s.setting.id for s in alternatives.settings} == DOSSIER_SETTINGS
    assert sorted(s.file for s in alternatives.settings) == sorted(
        f"{i}.yaml" for i in DOSSIER_SETTINGS
    )


def test_every_setting_offers_car_t_a_trial_and_palliative_care(kb: KnowledgeBase) -> None:
    for compiled in load_alternatives(kb).settings:
        kinds = [o.kind for o in compiled.setting.options]
        assert kinds.count("car_t") == 1, compiled.setting.id
        assert "clinical_trial" in kinds and "supportive_care" in kinds, compiled.setting.id


def test_car_t_availability_is_never_stored_here(kb: KnowledgeBase) -> None:
    for compiled in load_alternatives(kb).settings:
        for option in compiled.setting.options:
            if option.kind == "car_t":
                assert (option.availability, option.availability_from) == (None, "classification")
            else:
                assert option.availability_from is None
                assert set(option.availability or {}) == {"US", "EU", "CN"}


def test_every_option_answers_every_row_and_goal_with_a_dated_source(kb: KnowledgeBase) -> None:
    for compiled in load_alternatives(kb).settings:
        for option in compiled.setting.options:
            for attribute in ATTRIBUTES:
                fact = option.attribute(attribute)
                assert fact.as_of == dt.date(2026, 11, 24), (option.code, attribute)
                assert len(fact.source) >= 8 and fact.text.en and fact.text.zh
            assert set(option.goal_fit) == set(GOALS)


def test_release_header_matches_the_knowledge_base(kb: KnowledgeBase) -> None:
    for compiled in load_alternatives(kb).settings:
        assert compiled.header.release == kb.release.version


def test_loader_caches_per_data_state(kb: KnowledgeBase, data_copy: Path) -> None:
    first = load_alternatives(kb, data_copy)
    assert load_alternatives(kb, data_copy) is first
    _edit(data_copy, "mcl_rr.yaml", lambda raw: raw["setting"]["notes"].clear())
    assert load_alternatives(kb, data_copy) is not first


def test_option_without_source_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["options"][0]["aim"].pop("source")

    _edit(data_copy, "mcl_rr.yaml", edit)
    with pytest.raises(
        KnowledgeBaseError,
        match=r"^alternatives/mcl_rr.yaml: setting.options\[0\].aim.source: Field required",
    ):
        load_alternatives(kb, data_copy, use_cache=False)


def test_findings_report_a_broken_file_instead_of_raising(
    kb: KnowledgeBase, data_copy: Path
) -> None:
    _edit(data_copy, "mcl_rr.yaml", lambda raw: raw["setting"]["options"][0]["aim"].pop("as_of"))
    assert _errors(kb, data_copy) == [
        "error: alternatives: alternatives/mcl_rr.yaml: setting.options[0].aim.as_of: "
        "Field required (1 problem(s))"
    ]


def test_car_t_option_with_its_own_availability_is_refused(
    kb: KnowledgeBase, data_copy: Path
) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["options"][0]["availability_from"] = None

    _edit(data_copy, "fl_3l.yaml", edit)
    with pytest.raises(KnowledgeBaseError, match="takes its availability from the case"):
        load_alternatives(kb, data_copy, use_cache=False)


def test_unknown_template_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy, "fl_3l.yaml", lambda raw: raw["setting"]["options"].append({"use": "nope"}))
    with pytest.raises(KnowledgeBaseError, match=r"options\[7\].use: no template 'nope'"):
        load_alternatives(kb, data_copy, use_cache=False)


def test_missing_goal_fit_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(
        data_copy, "mm_late.yaml", lambda raw: raw["setting"]["options"][1]["goal_fit"].pop("cure")
    )
    with pytest.raises(KnowledgeBaseError, match="goal_fit is missing for cure"):
        load_alternatives(kb, data_copy, use_cache=False)


def test_goal_fit_must_rest_on_an_attribute_or_a_citation(
    kb: KnowledgeBase, data_copy: Path
) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["options"][1]["goal_fit"]["cure"]["source"] = "aimm"

    _edit(data_copy, "mm_late.yaml", edit)
    with pytest.raises(KnowledgeBaseError, match="source 'aimm' must be an attribute name"):
        load_alternatives(kb, data_copy, use_cache=False)


def test_unknown_fact_in_applies_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(
        data_copy,
        "ball_rr.yaml",
        lambda raw: raw["setting"]["applies"]["all"].append({"fact": "blast_count", "ge": 5}),
    )
    assert _errors(kb, data_copy) == [
        "error: alternatives: alternatives/ball_rr.yaml: applies.all[2]: unknown fact 'blast_count'"
    ]


def test_contradictory_applies_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(
        data_copy,
        "mm_early.yaml",
        lambda raw: raw["setting"]["applies"]["all"].append({"fact": "prior_lines", "ge": 4}),
    )
    assert _errors(kb, data_copy) == [
        "error: alternatives/mm_early.yaml: applies: no case could ever be in this setting"
    ]


def test_unknown_disease_in_applies_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["applies"]["all"][0] = {"fact": "disease", "in": ["mcll"]}

    _edit(data_copy, "mcl_rr.yaml", edit)
    assert _errors(kb, data_copy) == [
        "error: alternatives/mcl_rr.yaml: applies: unknown disease code 'mcll'"
    ]


def test_applies_without_a_disease_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy, "ball_rr.yaml", lambda raw: raw["setting"]["applies"]["all"].pop(0))
    assert _errors(kb, data_copy) == [
        "error: alternatives/ball_rr.yaml: applies must name the disease"
    ]


def test_setting_id_must_match_its_file(kb: KnowledgeBase, data_copy: Path) -> None:
    (data_copy / "mcl_rr.yaml").rename(data_copy / "mcl.yaml")
    assert _errors(kb, data_copy) == [
        "error: alternatives/mcl.yaml: setting id 'mcl_rr' differs from file name"
    ]


def test_duplicate_option_code_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(
        data_copy,
        "mcl_rr.yaml",
        lambda raw: raw["setting"]["options"].append({"use": "clinical_trial"}),
    )
    assert _errors(kb, data_copy) == [
        "error: alternatives/mcl_rr.yaml: option code 'clinical_trial' is used twice"
    ]


def test_setting_without_palliative_care_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy, "mcl_rr.yaml", lambda raw: raw["setting"]["options"].pop())
    assert _errors(kb, data_copy) == [
        "error: alternatives/mcl_rr.yaml: no option of kind 'supportive_care'"
    ]


def test_wrong_release_in_header_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy, "mcl_rr.yaml", lambda raw: raw["header"].update(release="2025.1.0"))
    assert _errors(kb, data_copy) == [
        "error: alternatives/mcl_rr.yaml: release '2025.1.0' is not the knowledge-base "
        f"release '{kb.release.version}'"
    ]


def test_fact_dated_after_the_release_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["notes"][0]["as_of"] = "2027-01-01"

    _edit(data_copy, "mcl_rr.yaml", edit)
    assert _errors(kb, data_copy) == [
        "error: alternatives/mcl_rr.yaml: notes[0]: checked 2027-01-01, after the release date"
    ]


def test_facts_older_than_a_year_are_warnings(kb: KnowledgeBase) -> None:
    late = dt.date(2027, 11, 25)
    stale = [f for f in findings(kb, late) if "over 12 months ago" in f.message]
    assert stale and all(f.level == "warning" for f in stale)
    assert not [f for f in findings(kb, TODAY) if "over 12 months ago" in f.message]


def test_flagged_facts_are_listed_as_warnings(kb: KnowledgeBase) -> None:
    warnings = {str(f) for f in findings(kb, TODAY) if f.level == "warning"}
    assert (
        "warning: alternatives/lbcl_2l_early.yaml: glofitamab_gemox.availability.US: "
        "⚠ A new filing or approval after July 2025 is not known."
    ) in warnings
    assert (
        "warning: alternatives/lbcl_2l_early.yaml: palliative_care.start_time: "
        "⚠ confidence U (not confirmed in the sources read)"
    ) in warnings


def test_catalogue_without_a_needed_phrase_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy, "_catalogue.yaml", lambda raw: raw["phrases"].pop("grid.not_head_to_head"))
    assert _errors(kb, data_copy) == [
        "error: alternatives/_catalogue.yaml: no phrase 'grid.not_head_to_head'"
    ]


# -- the shared rows (comparison) -------------------------------------------------------------
def test_every_setting_names_a_known_shared_measure(kb: KnowledgeBase) -> None:
    alternatives = load_alternatives(kb)
    measures = {c.setting.id: c.setting.comparison for c in alternatives.settings}
    assert all(m is not None for m in measures.values())
    assert {sid: m.measure for sid, m in measures.items() if m} == {
        "ball_rr": "remission",
        "cll_double_exposed": "response",
        "fl_3l": "response",
        "lbcl_2l_early": "complete_response",
        "lbcl_2l_late": "complete_response",
        "lbcl_3l": "complete_response",
        "mcl_rr": "response",
        "mm_early": "time_without_growth",
        "mm_late": "response",
    }


def test_every_shared_figure_points_at_the_dossier(kb: KnowledgeBase) -> None:
    """Each figure keeps the dossier pointer, so the bibliography resolver can find it."""
    for compiled in load_alternatives(kb).settings:
        comparison = compiled.setting.comparison
        assert comparison is not None
        groups = [comparison.outcome, *comparison.harms.values()]
        for per_option in groups:
            for figures in per_option.values():
                for figure in figures:
                    assert re.search(r"\(alternatives\.md §\d", figure.source), figure.source
                    assert figure.confidence in ("L", "P", "N")  # no unconfirmed figure shown


def test_missing_comparison_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy, "mcl_rr.yaml", lambda raw: raw["setting"].pop("comparison"))
    assert _errors(kb, data_copy) == [
        "error: alternatives/mcl_rr.yaml: no `comparison`: every setting needs its shared rows"
    ]


def test_shared_figure_for_an_unknown_option_is_an_error(
    kb: KnowledgeBase, data_copy: Path
) -> None:
    def edit(raw: dict[str, Any]) -> None:
        outcome = raw["setting"]["comparison"]["outcome"]
        outcome["cart"] = outcome.pop("car_t")

    _edit(data_copy, "mcl_rr.yaml", edit)
    assert _errors(kb, data_copy) == [
        "error: alternatives/mcl_rr.yaml: comparison.outcome.cart: no option 'cart' in this setting"
    ]


@pytest.mark.parametrize(("value", "errors"), [(100, 0), (100.1, 1)])
def test_a_share_is_out_of_100(
    kb: KnowledgeBase, data_copy: Path, value: float, errors: int
) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["comparison"]["outcome"]["car_t"][0]["value"] = value

    _edit(data_copy, "mcl_rr.yaml", edit)
    assert len(_errors(kb, data_copy)) == errors


def test_unknown_measure_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy, "mm_late.yaml", lambda raw: raw["setting"]["comparison"].update(measure="orr"))
    (error,) = _errors(kb, data_copy)
    assert error.startswith("error: alternatives/mm_late.yaml: comparison.measure 'orr' unknown")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": None}, "give `value`, or `not_reached: true` with `follow_up`"),
        ({"not_reached": True}, "a median not reached has `follow_up` (months) and no `value`"),
        ({"low": 1}, "give both `low` and `high` (the range), or neither"),
        ({"low": 1, "high": 5}, "range 1.0 to 5.0 must hold the value 91.0"),
        (
            {"population": {"text": {"en": "x", "zh": "x"}, "age_min": 30, "age_max": 20}},
            "age_min 30 is above age_max 20",
        ),
    ],
)
def test_inconsistent_shared_figure_is_refused(
    kb: KnowledgeBase, data_copy: Path, change: dict[str, Any], message: str
) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["comparison"]["outcome"]["car_t"][0].update(change)

    _edit(data_copy, "mcl_rr.yaml", edit)
    with pytest.raises(KnowledgeBaseError, match=re.escape(message)):
        load_alternatives(kb, data_copy, use_cache=False)


def test_column_order_names_every_kind_once(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy, "_catalogue.yaml", lambda raw: raw["column_order"].pop())
    with pytest.raises(KnowledgeBaseError, match="column_order must name every kind once"):
        load_alternatives(kb, data_copy, use_cache=False)


# -- trial sizes (n) for the worked-out ranges -------------------------------------------------
def test_every_share_with_n_fits_its_trial_size(kb: KnowledgeBase) -> None:
    """Each `n` was taken from the dossier; the share must be a whole count out of it."""
    found = {w: f.n for w, f in shares_with_n(load_alternatives(kb))}
    assert len(found) == 20
    assert found["alternatives/lbcl_2l_early.yaml: comparison.outcome.car_t[2]"] == 61
    for where, figure in shares_with_n(load_alternatives(kb)):
        assert figure.n is not None and figure.value is not None
        k = round(figure.value * figure.n / 100)
        assert abs(100 * k / figure.n - figure.value) <= 0.5, where


def test_a_share_that_is_no_count_of_n_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["comparison"]["outcome"]["car_t"][2]["n"] = 60  # 54% of 60 is 32.4

    _edit(data_copy, "lbcl_2l_early.yaml", edit)
    assert _errors(kb, data_copy) == [
        "error: alternatives/lbcl_2l_early.yaml: comparison.outcome.car_t[2]: share 54% is not "
        "a count out of n=60: check `n` against the source"
    ]


def test_n_on_a_median_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["comparison"]["outcome"]["car_t"][1]["n"] = 100

    _edit(data_copy, "mm_early.yaml", edit)
    assert _errors(kb, data_copy) == [
        "error: alternatives/mm_early.yaml: comparison.outcome.car_t[1]: `n` is for a share only "
        "(this figure is a median)"
    ]


@pytest.mark.parametrize("n", [0, -1])
def test_n_below_one_is_refused(kb: KnowledgeBase, data_copy: Path, n: int) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["setting"]["comparison"]["outcome"]["car_t"][2]["n"] = n

    _edit(data_copy, "lbcl_2l_early.yaml", edit)
    with pytest.raises(KnowledgeBaseError, match="n"):
        load_alternatives(kb, data_copy, use_cache=False)


def test_the_course_without_treatment_is_said_plainly_in_every_setting(kb: KnowledgeBase) -> None:
    """Issue 14 item 8: the dossiers hold no figure for the course without treatment, so the
    supportive-care option says so, in both languages, in every setting."""
    for compiled in load_alternatives(kb).settings:
        care = [o for o in compiled.setting.options if o.kind == "supportive_care"]
        assert len(care) == 1, compiled.setting.id
        risks = care[0].serious_risks
        said = "How it goes without cancer treatment: the sources read give no figure"
        assert said in risks.text.en
        assert "不做抗癌治疗时病情会怎样：已读资料中没有这一病情阶段的数字" in risks.text.zh
        assert risks.source and risks.as_of and risks.confidence == "U"
