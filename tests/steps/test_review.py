"""Step 5: triage rules (each fires, does not fire, or waits for a fact), the case-level facts,
the specific-question builder, the knowledge-base checks of the new data files, and goldens.

The base case is a first relapse of DLBCL 6 months after R-CHOP ended: CAR-T is on label in every
jurisdiction (examples/expected.yaml, us_axi_cel_second_line_early_relapse), so no triage rule
fires until a test changes one fact.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossroads.common.errors import KnowledgeBaseError
from crossroads.engine.classify import Classification, classify
from crossroads.engine.codes import check_codes
from crossroads.kb import KnowledgeBase
from crossroads.kb.base import DATA_DIR
from crossroads.kb.review_data import findings, load_review_data
from crossroads.record.case import Case
from crossroads.record.load import case_from_data
from crossroads.steps.assess import prepare_case
from crossroads.steps.review import (
    EXTRA_FACTS,
    cross_border,
    extra_facts,
    overall_category,
    proposed_questions,
    question_proposals,
    review_data,
    specific_question,
    triage,
)
from tests.conftest import TODAY, Golden, example_files

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "review"

BASE: dict[str, Any] = {
    "patient": {"age_years": 57, "sex": "female", "country": "US", "language": "en"},
    "diagnosis": {
        "disease": "lbcl",
        "subtype": "dlbcl_nos",
        "diagnosed": "2025-10",
        "cns_involvement": False,
    },
    "lines": [
        {
            "regimen": "R-CHOP",
            "agents": ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"],
            "start": "2025-11",
            "end": "2026-03",
            "best_response": "CR",
            "progression": "2026-09",
            "refractory": False,
        }
    ],
    "disease_status": {"state": "relapsed", "relapse_number": 1, "last_progression": "2026-09"},
    "transplants": [],
    "transplant_eligible": True,
    "prior_cellular_therapy": [],
    "fitness": {"ecog": 1, "active_infection": False, "organ_dysfunction": []},
    "assessment_date": "2026-11-01",
    "logistics": {"treatment_country": "US"},
    "review": {"conflicting_advice": False, "second_opinion_requested": False},
    "decision": {
        "sure": {
            "sure_of_choice": True,
            "understand_information": True,
            "risks_and_benefits_clear": True,
            "enough_support": True,
        }
    },
}


def _end_known_to_the_year_only(d: dict[str, Any]) -> None:
    """First line ended some time in 2025, start unknown: 8 to 21 months before the relapse."""
    d["lines"][0].update(end="2025")
    del d["lines"][0]["start"]


def make(kb: KnowledgeBase, edit: Any = None) -> tuple[Case, Classification]:
    data = copy.deepcopy(BASE)
    if edit is not None:
        edit(data)
    case = check_codes(case_from_data(data), kb)
    return case, classify(case, kb, today=TODAY)


def outcome(kb: KnowledgeBase, edit: Any = None) -> dict[str, bool | None]:
    case, result = make(kb, edit)
    return {r.rule.id: r.result for r in triage(case, kb, result)}


def fired(kb: KnowledgeBase, edit: Any = None) -> list[str]:
    return [rule for rule, result in outcome(kb, edit).items() if result is True]


def test_base_case_fires_no_rule(kb: KnowledgeBase) -> None:
    assert outcome(kb) == {
        "borderline_eligibility": False,
        "fitness_in_question": False,
        "conflicting_advice": False,
        "many_prior_lines": False,
        "prior_car_t": False,
        "prior_cd19_therapy_failed": False,
        "first_line_window_reading": False,
        "cns_disease": False,
        "cross_border": False,
        "answer_differs_by_place": False,
        "fast_disease": None,
        "second_opinion_requested": False,
        "decisional_conflict": False,
    }


# -- each rule ----------------------------------------------------------------------------------
def test_borderline_eligibility_fires_when_relapse_month_unknown(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        # the end only known to the year and the start unknown: the relapse came 8 to 21 months
        # after the end, so the 12-month window cannot be told
        d["lines"][0]["end"] = "2025"
        del d["lines"][0]["start"]

    assert fired(kb, edit) == ["borderline_eligibility"]


def test_fitness_in_question_boundary_at_ecog_two(kb: KnowledgeBase) -> None:
    def ecog(value: int) -> Any:
        return lambda d: d["fitness"].update(ecog=value)

    assert "fitness_in_question" not in fired(kb, ecog(1))
    assert "fitness_in_question" in fired(kb, ecog(2))


def test_fitness_in_question_fires_on_infection_or_organ_problem(kb: KnowledgeBase) -> None:
    assert "fitness_in_question" in fired(kb, lambda d: d["fitness"].update(active_infection=True))
    assert "fitness_in_question" in fired(
        kb, lambda d: d["fitness"].update(organ_dysfunction=["heart"])
    )


def test_fitness_in_question_unknown_when_fitness_unknown(kb: KnowledgeBase) -> None:
    assert outcome(kb, lambda d: d.update(fitness={}))["fitness_in_question"] is None


def test_conflicting_advice_fires_only_when_stated(kb: KnowledgeBase) -> None:
    assert fired(kb, lambda d: d["review"].update(conflicting_advice=True)) == [
        "conflicting_advice"
    ]
    assert outcome(kb, lambda d: d.update(review={}))["conflicting_advice"] is None


def test_many_prior_lines_boundary_at_three(kb: KnowledgeBase) -> None:
    def lines(n: int) -> Any:
        def edit(d: dict[str, Any]) -> None:
            first = d["lines"][0]
            undated = {k: v for k, v in first.items() if k not in ("start", "end", "progression")}
            d["lines"] = [dict(undated, regimen=f"line {i}") for i in range(n)]

        return edit

    assert "many_prior_lines" not in fired(kb, lines(2))
    assert "many_prior_lines" in fired(kb, lines(3))
    assert outcome(kb, lambda d: d.pop("lines"))["many_prior_lines"] is None


def test_prior_car_t_fires_after_earlier_car_t(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["prior_cellular_therapy"] = [{"target": "CD19", "date": "2025-01"}]

    assert "prior_car_t" in fired(kb, edit)
    assert outcome(kb, lambda d: d.pop("prior_cellular_therapy"))["prior_car_t"] is None


@pytest.mark.parametrize(
    "agents",
    [
        ["blinatumomab"],
        ["tafasitamab", "lenalidomide"],
        ["loncastuximab tesirine"],
    ],
)
def test_prior_cd19_therapy_failed_fires_after_any_cd19_directed_drug(
    kb: KnowledgeBase, agents: list[str]
) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["lines"].append(
            {"agents": agents, "start": "2026-09", "end": "2026-10", "best_response": "PD"}
        )
        d["disease_status"]["state"] = "refractory"

    result = outcome(kb, edit)
    assert result["prior_cd19_therapy_failed"] is True
    assert result["prior_car_t"] is False  # not a CAR-T, yet a review is advised


def test_prior_cd19_therapy_failed_fires_after_cd19_car_t(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["prior_cellular_therapy"] = [{"target": "CD19", "date": "2026-05"}]

    assert {"prior_car_t", "prior_cd19_therapy_failed"} <= set(fired(kb, edit))


def test_prior_cd19_therapy_failed_unknown_when_agents_unknown(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["lines"][0].pop("agents")
        d["lines"][0].pop("regimen", None)  # a known regimen name would give the medicines

    assert outcome(kb, edit)["prior_cd19_therapy_failed"] is None


def test_first_line_window_reading_fires_even_when_on_label(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["diagnosis"]["diagnosed"] = "2025-07"
        d["lines"][0]["start"] = "2025-08"  # start to relapse 13 months, end to relapse 6

    _case, result = make(kb, edit)
    assert [r.category for r in result.jurisdictions] == ["established"] * 3
    assert fired(kb, edit) == ["first_line_window_reading"]


def test_first_line_window_reading_not_fired_when_both_readings_agree(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["lines"][0]["start"] = "2025-10"  # start to relapse 11 months: inside either way

    assert outcome(kb, edit)["first_line_window_reading"] is False


def test_first_line_window_reading_unknown_when_start_unknown(kb: KnowledgeBase) -> None:
    case, result = make(kb, lambda d: d["lines"][0].pop("start"))
    rule = next(r for r in triage(case, kb, result) if r.rule.id == "first_line_window_reading")
    assert rule.result is None
    assert rule.missing() == ["months_first_line_start_to_relapse"]


def test_cns_disease_fires_on_cns_involvement_or_pcnsl(kb: KnowledgeBase) -> None:
    assert "cns_disease" in fired(kb, lambda d: d["diagnosis"].update(cns_involvement=True))
    assert "cns_disease" in fired(kb, lambda d: d["diagnosis"].update(subtype="pcnsl"))
    unknown = outcome(kb, lambda d: d["diagnosis"].pop("cns_involvement"))
    assert unknown["cns_disease"] is None  # not PCNSL, but CNS involvement not known: unknown


def test_cross_border_fires_when_treatment_country_is_not_home(kb: KnowledgeBase) -> None:
    def abroad(d: dict[str, Any]) -> None:
        d["logistics"]["treatment_country"] = "CN"

    assert fired(kb, abroad) == ["cross_border"]


def test_answer_differs_by_place_fires_for_mcl_after_one_line(kb: KnowledgeBase) -> None:
    # examples/expected.yaml: brexu-cel is on label in the US only for MCL after one line
    def edit(d: dict[str, Any]) -> None:
        d["diagnosis"] = {"disease": "mcl", "diagnosed": "2025-10"}
        d["lines"][0]["agents"] = ["bendamustine", "rituximab"]
        d["lines"][0]["regimen"] = "BR"

    _case, result = make(kb, edit)
    assert [r.category for r in result.jurisdictions] == ["established", "trial", "trial"]
    assert "answer_differs_by_place" in fired(kb, edit)


def test_fast_disease_fires_when_team_says_so(kb: KnowledgeBase) -> None:
    edit = lambda d: d["disease_status"].update(rapid_progression=True)  # noqa: E731
    assert fired(kb, edit) == ["fast_disease"]
    assert (
        outcome(kb, lambda d: d["disease_status"].update(rapid_progression=False))["fast_disease"]
        is False
    )


def test_second_opinion_requested_fires_when_asked(kb: KnowledgeBase) -> None:
    edit = lambda d: d["review"].update(second_opinion_requested=True)  # noqa: E731
    assert fired(kb, edit) == ["second_opinion_requested"]


def test_decisional_conflict_fires_on_any_sure_no(kb: KnowledgeBase) -> None:
    for item in (
        "sure_of_choice",
        "understand_information",
        "risks_and_benefits_clear",
        "enough_support",
    ):
        edit = lambda d, i=item: d["decision"]["sure"].update({i: False})  # noqa: E731
        assert fired(kb, edit) == ["decisional_conflict"], item


def test_decisional_conflict_unknown_while_sure_unanswered(kb: KnowledgeBase) -> None:
    edit = lambda d: d["decision"]["sure"].update(enough_support=None)  # noqa: E731
    assert outcome(kb, edit)["decisional_conflict"] is None


# -- case-level facts ---------------------------------------------------------------------------
def test_extra_facts_match_the_yaml_declaration(kb: KnowledgeBase) -> None:
    declared = [f.code for f in load_review_data(kb).triage.extra_facts]
    assert declared == list(EXTRA_FACTS)
    case, result = make(kb)
    assert extra_facts(case, result) == {
        "conflicting_advice": False,
        "second_opinion_requested": False,
        "cross_border": False,
        "car_t_cannot_tell": False,
        "car_t_differs_by_place": False,
        "sure_has_no": False,
    }


@pytest.mark.parametrize(
    ("country", "treatment", "considering", "expected"),
    [
        (None, "US", None, None),
        ("US", None, None, None),
        ("US", "US", None, False),
        ("US", "CN", None, True),
        ("CN", None, ["CN", "US"], True),
        ("CN", None, ["cn"], False),
        ("CN", "CN", ["SG"], True),
    ],
)
def test_cross_border_truth_table(
    country: str | None, treatment: str | None, considering: list[str] | None, expected: bool | None
) -> None:
    data: dict[str, Any] = {"patient": {"country": country}, "logistics": {}}
    if treatment:
        data["logistics"]["treatment_country"] = treatment
    if considering is not None:
        data["extensions"] = {"travel": {"considering": considering}}
    assert cross_border(case_from_data(data)) is expected


def test_because_names_the_deciding_fact(kb: KnowledgeBase) -> None:
    case, result = make(kb, lambda d: d["fitness"].update(ecog=3))
    data = review_data(case, kb, result, "en")
    fitness = next(item for item in data["triage"] if item["id"] == "fitness_in_question")
    assert fitness["because"] == [
        "performance status (ECOG, 0 = fully active, 4 = in bed all day): 3"
    ]
    zh = review_data(case, kb, result, "zh-Hans")
    fitness_zh = next(item for item in zh["triage"] if item["id"] == "fitness_in_question")
    assert fitness_zh["because"] == ["体能状态（ECOG，0 = 活动完全正常，4 = 完全卧床）：3"]


def test_undecided_rule_says_what_would_settle_it(kb: KnowledgeBase) -> None:
    case, result = make(kb, lambda d: d.update(review={}))
    data = review_data(case, kb, result, "en")
    assert [(i["id"], i["missing"]) for i in data["may_apply"]] == [
        (
            "conflicting_advice",
            [
                {
                    "fact": "conflicting_advice",
                    "ask": "whether different doctors have suggested different next steps",
                }
            ],
        ),
        (
            "fast_disease",
            [
                {
                    "fact": "rapid_progression",
                    "ask": "whether the treating team thinks the disease is growing fast",
                }
            ],
        ),
        (
            "second_opinion_requested",
            [
                {
                    "fact": "second_opinion_requested",
                    "ask": "whether the person has asked for a second opinion",
                }
            ],
        ),
    ]


# -- the specific question ----------------------------------------------------------------------
def test_question_for_established_case_names_disease_and_places(kb: KnowledgeBase) -> None:
    case, result = make(kb)
    assert overall_category(result) == ("established", ["US", "EU", "CN"])
    assert proposed_questions(case, kb, result) == [
        "CAR-T fits an approved use for large B-cell lymphoma (LBCL) in the US, the EU and China. "
        "Is CAR-T the right next step now, or should some other treatment come first?"
    ]


def test_question_for_open_case_names_what_is_missing(kb: KnowledgeBase) -> None:
    case, result = make(kb, _end_known_to_the_year_only)
    assert proposed_questions(case, kb, result) == [
        "It is not clear yet if CAR-T is approved for this case in the US, the EU and China. It "
        "still needs the month the first treatment ended and the month the disease came back. "
        "Once that is known, could CAR-T be a real choice now?",
        "Which missing facts matter most, and could CAR-T be a real choice once they are known?",
    ]


def test_question_adds_one_focus_per_fired_rule_in_chinese(kb: KnowledgeBase) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["logistics"]["treatment_country"] = "CN"
        d["prior_cellular_therapy"] = [{"target": "CD19"}]

    case, result = make(kb, edit)
    assert question_proposals(case, kb, result, "zh-Hans") == [
        "在美国、欧盟和中国，CAR-T 符合大 B 细胞淋巴瘤（LBCL）的获批用途。现在 CAR-T 是否是合适的"
        "下一步？还是应先进行其他治疗？",
        "在接受过 CAR-T 之后，哪种治疗仍可能有效：再次 CAR-T、针对其他靶点的治疗，还是其他方案？",
        "针对 CD19 的治疗失效后，肿瘤细胞上是否仍有 CD19（需重新活检或检测）？哪种治疗仍可能有效："
        "CD19 CAR-T、针对其他靶点的治疗，还是其他方案？",
        "对这位患者来说，去国外治疗是否安全可行？回国后如何把照护交还给本地医生？",
    ]


def test_persons_own_question_wins(kb: KnowledgeBase) -> None:
    own = "Should I wait for the transplant work-up before deciding on CAR-T?"
    case, result = make(kb, lambda d: d["review"].update(specific_question=f"  {own} "))
    assert proposed_questions(case, kb, result) == [own]
    assert specific_question(case, kb, result).by == "person"
    assert specific_question(case, kb, result).text == own
    assert len(question_proposals(case, kb, result)) == 1  # proposals are still available


def test_review_json_shape(kb: KnowledgeBase) -> None:
    case, result = make(kb, lambda d: d["review"].update(conflicting_advice=True))
    data = review_data(case, kb, result, "en")
    assert data["review_advised"] is True
    assert [i["id"] for i in data["triage"]] == ["conflicting_advice"]
    assert data["triage"][0]["source"].startswith("decision-guide.txt")
    assert data["triage"][0]["confidence"] == "N"
    assert data["category"] == "established"
    assert data["specific_question"] is None


# -- knowledge-base checks ----------------------------------------------------------------------
def test_real_review_data_has_no_errors_and_five_flags(kb: KnowledgeBase) -> None:
    found = findings(kb, today=dt.date(2026, 11, 30))
    assert [f.level for f in found] == ["warning"] * 5
    assert [f.where for f in found] == [
        "glossary: ihc",  # no source read expands these three: confidence U
        "glossary: median",
        "glossary: pet_ct",
        "supportive: always.no_car_t_source",
        "triage: many_prior_lines",
    ]


def test_stale_review_facts_are_warned(kb: KnowledgeBase) -> None:
    found = findings(kb, today=dt.date(2028, 1, 1))
    stale = [f for f in found if "over 12 months ago" in f.message]
    data = load_review_data(kb)
    assert len(stale) == (
        len(data.triage.rules) + 3 + len(data.supportive.cautions) + len(data.glossary.terms)
    )


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, edit: Any) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def test_triage_rule_with_unknown_fact_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(
        data_copy / "triage.yaml", lambda r: r["rules"][0].update(when={"fact": "mood", "is": True})
    )
    with pytest.raises(
        KnowledgeBaseError, match=r"^triage/borderline_eligibility.when: unknown fact 'mood'$"
    ):
        load_review_data(kb, data_copy)


def test_triage_rule_without_source_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy / "triage.yaml", lambda r: r["rules"][2].pop("source"))
    with pytest.raises(
        KnowledgeBaseError, match=r"^triage.yaml: rules\[2\].source: Field required"
    ):
        load_review_data(kb, data_copy)


def test_triage_rule_that_can_never_fire_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    never = {"all": [{"fact": "ecog", "ge": 3}, {"fact": "ecog", "le": 1}]}
    _edit(data_copy / "triage.yaml", lambda r: r["rules"][1].update(when=never))
    errors = [f for f in findings(kb, load_review_data(kb, data_copy)) if f.level == "error"]
    assert [(f.where, f.message) for f in errors] == [
        ("triage: fitness_in_question", "this rule can never fire")
    ]


def test_broken_template_placeholder_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    def edit(raw: dict[str, Any]) -> None:
        raw["options"]["trial"]["en"] = "In {place}, trials only."

    _edit(data_copy / "sentences.yaml", edit)
    errors = [f for f in findings(kb, load_review_data(kb, data_copy)) if f.level == "error"]
    assert [(f.where, f.message) for f in errors] == [
        ("templates: options.trial.en", "unknown placeholder(s) ['place']")
    ]


def test_caution_naming_an_unknown_drug_is_an_error(kb: KnowledgeBase, data_copy: Path) -> None:
    _edit(data_copy / "supportive.yaml", lambda r: r["cautions"][-1].update(drugs=["venetoklax"]))
    errors = [f for f in findings(kb, load_review_data(kb, data_copy)) if f.level == "error"]
    assert [(f.where, f.message) for f in errors] == [
        ("supportive: venetoclax_foods", "unknown drug code 'venetoklax'")
    ]


# -- goldens ------------------------------------------------------------------------------------
@pytest.mark.integration
@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_review_json_golden(kb: KnowledgeBase, case_file: Path, golden: Golden) -> None:
    case = prepare_case(case_file, kb)
    data = review_data(case, kb, classify(case, kb, today=TODAY), "en")
    golden.check(
        GOLDEN / f"{case_file.stem}.review.json",
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
    )
