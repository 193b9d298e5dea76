"""Trial search for example cases: which studies appear, and what each criterion says.

The study set is the one shipped with Crossroads: the real PALLAS record (breast cancer, closed)
and four made-up Chinese CAR-T records (NCT9000000x, marked synthetic). Expected results were
worked out by reading each record's fields and eligibility text against each case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crossroads.common.errors import BadOptionError
from crossroads.interop.trials import SearchOptions, load_studies, render_text, search, search_data
from crossroads.interop.trials.eligibility import CriterionResult, age_outcome
from crossroads.interop.trials.search import StudySet, default_study_paths
from crossroads.kb import KnowledgeBase
from crossroads.kb.trial_terms import load_trial_terms
from crossroads.record.case import Case
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, Golden

from .make_studies import write_studies

pytestmark = pytest.mark.integration
TODAY = dt.date(2026, 11, 30)
GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "trials"


@pytest.fixture(scope="module")
def shipped() -> StudySet:
    return load_studies(default_study_paths())


def _case(kb: KnowledgeBase, name: str) -> Case:
    return prepare_case(EXAMPLES / f"{name}.yaml", kb)


def _run(kb: KnowledgeBase, studies: StudySet, name: str, **options: object):  # type: ignore[no-untyped-def]
    return search(_case(kb, name), studies, kb, SearchOptions(today=TODAY, **options))  # type: ignore[arg-type]


def test_shipped_set_holds_the_real_record_and_marked_examples(shipped: StudySet) -> None:
    assert [(s.study_id, s.synthetic) for s in shipped.studies] == [
        ("NCT02513394", False),
        ("NCT90000001", True),
        ("NCT90000002", True),
        ("NCT90000003", True),
        ("NCT90000004", True),
    ]
    assert all(s.title.startswith("[Synthetic example]") for s in shipped.studies if s.synthetic)


def test_search_dlbcl_after_two_lines_finds_the_cd19_study(
    kb: KnowledgeBase, shipped: StudySet
) -> None:
    result = _run(kb, shipped, "lbcl_dlbcl_third_line_cn_patient_cross_border")
    assert [r.study.study_id for r in result.shown] == ["NCT90000001"]
    assert result.shown[0].criteria == (
        CriterionResult("status", "match", "RECRUITING", ""),
        CriterionResult(
            "condition",
            "match",
            "Diffuse Large B-cell Lymphoma, High-grade B-cell Lymphoma",
            "large B-cell lymphoma (LBCL)",
            "covers",
        ),
        CriterionResult(
            "age", "match", "18 Years / 75 Years", "54", "range", ("18 Years", "75 Years")
        ),
        CriterionResult(
            "prior_lines",
            "match",
            "Relapsed or refractory large B-cell lymphoma after at least 2 prior lines of therapy",
            "2",
        ),
        CriterionResult("prior_car_t", "match", "Prior CAR-T therapy", "none", "excluded"),
    )
    # PALLAS is closed; the myeloma, B-ALL and after-CAR-T studies each fail on a point.
    assert (
        result.hidden_closed,
        result.hidden_other,
        result.hidden_fail,
        result.outside_place,
    ) == (1, 0, 3, 0)


def test_search_myeloma_after_three_lines_finds_the_bcma_study(
    kb: KnowledgeBase, shipped: StudySet
) -> None:
    result = _run(kb, shipped, "mm_three_lines_triple_class_exposed")
    assert [r.study.study_id for r in result.shown] == ["NCT90000002"]
    outcomes = [(c.criterion, c.outcome, c.case_has) for c in result.shown[0].criteria]
    assert outcomes == [
        ("status", "match", ""),
        ("condition", "match", "multiple myeloma (MM)"),
        ("age", "match", "67"),
        ("prior_lines", "match", "3"),  # maintenance does not count as a line
        ("prior_car_t", "match", "none"),  # the study excludes earlier BCMA CAR-T; she had none
    ]


def test_search_child_with_b_all_fits_the_paediatric_study(
    kb: KnowledgeBase, shipped: StudySet
) -> None:
    result = _run(kb, shipped, "ball_child_8_second_relapse_cn")
    assert [r.study.study_id for r in result.shown] == ["NCT90000003"]
    assert [(c.criterion, c.outcome, c.note) for c in result.shown[0].criteria] == [
        ("status", "match", ""),
        ("condition", "match", "covers"),
        ("age", "match", "range"),
        ("prior_car_t", "match", "allowed"),
    ]


def test_search_never_shows_a_study_whose_age_range_excludes_the_patient(
    kb: KnowledgeBase, shipped: StudySet
) -> None:
    result = _run(kb, shipped, "ball_age_20_first_relapse_pcar_19b_age_uncertain")
    assert result.shown == ()
    assert result.hidden_fail == 4
    everything = _run(
        kb, shipped, "ball_age_20_first_relapse_pcar_19b_age_uncertain", show_all=True
    )
    paediatric = next(r for r in everything.shown if r.study.study_id == "NCT90000003")
    age = next(c for c in paediatric.criteria if c.criterion == "age")
    assert (age.outcome, age.values, age.case_has) == ("fail", ("1 Year", "18 Years"), "20")


def test_search_after_cd19_car_t_finds_the_study_that_requires_it(
    kb: KnowledgeBase, shipped: StudySet
) -> None:
    result = _run(kb, shipped, "lbcl_prior_cd19_car_t_team_question")
    assert [r.study.study_id for r in result.shown] == ["NCT90000004"]
    assert [(c.criterion, c.outcome, c.case_has) for c in result.shown[0].criteria] == [
        ("status", "unknown", ""),  # not yet recruiting
        ("condition", "match", "large B-cell lymphoma (LBCL)"),
        ("age", "match", "45"),
        ("prior_lines", "match", "2"),
        ("prior_car_t", "match", "CD19"),
    ]
    everything = _run(kb, shipped, "lbcl_prior_cd19_car_t_team_question", show_all=True)
    excluded = next(r for r in everything.shown if r.study.study_id == "NCT90000001")
    assert [c.outcome for c in excluded.criteria if c.criterion == "prior_car_t"] == ["fail"]


def test_search_with_unknown_facts_keeps_the_study_and_says_unknown(
    kb: KnowledgeBase, shipped: StudySet
) -> None:
    result = search(
        Case.model_validate({"diagnosis": {"disease": "lbcl"}}),
        shipped,
        kb,
        SearchOptions(today=TODAY),
    )
    assert [r.study.study_id for r in result.shown] == ["NCT90000001", "NCT90000004"]
    first = result.shown[0]
    assert [(c.criterion, c.outcome) for c in first.criteria] == [
        ("status", "match"),
        ("condition", "match"),
        ("age", "unknown"),
        ("prior_lines", "unknown"),
        ("prior_car_t", "unknown"),
    ]


@pytest.mark.parametrize(
    ("country", "city", "shown", "outside"),
    [
        ("CN", None, ["NCT90000001"], 1),
        ("cn", "beijing", ["NCT90000001"], 3),
        ("US", None, [], 4),
        (None, "Hangzhou", [], 4),
    ],
)
def test_search_filters_by_place(
    kb: KnowledgeBase,
    shipped: StudySet,
    country: str | None,
    city: str | None,
    shown: list[str],
    outside: int,
) -> None:
    result = _run(
        kb, shipped, "lbcl_dlbcl_third_line_cn_patient_cross_border", country=country, city=city
    )
    assert [r.study.study_id for r in result.shown] == shown
    assert result.outside_place == outside


def test_search_refuses_a_country_it_cannot_read(kb: KnowledgeBase, shipped: StudySet) -> None:
    with pytest.raises(
        BadOptionError, match=r"'Chna' is not a country .* Did you mean China \(CN\)"
    ):
        _run(kb, shipped, "lbcl_dlbcl_third_line_cn_patient_cross_border", country="Chna")


@pytest.mark.parametrize("written", ["CN", "cn", "China", "中国", "PRC", "CHN"])
def test_search_reads_a_country_by_name(kb: KnowledgeBase, shipped: StudySet, written: str) -> None:
    by_code = _run(kb, shipped, "lbcl_dlbcl_third_line_cn_patient_cross_border", country="CN")
    by_name = _run(kb, shipped, "lbcl_dlbcl_third_line_cn_patient_cross_border", country=written)
    assert [r.study.study_id for r in by_name.shown] == [r.study.study_id for r in by_code.shown]


def test_search_sorts_by_fit_count_not_by_quality(kb: KnowledgeBase, shipped: StudySet) -> None:
    result = _run(kb, shipped, "mm_three_lines_triple_class_exposed", show_all=True)
    keys = [(-r.count("match"), r.count("fail"), r.study.study_id) for r in result.shown]
    assert keys == sorted(keys)
    assert result.shown[0].study.study_id == "NCT90000002"


def test_search_over_generated_records_keeps_its_promises(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    write_studies(tmp_path, count=300, seed=11)
    studies = load_studies([tmp_path])
    case = _case(kb, "lbcl_dlbcl_third_line_cn_patient_cross_border")
    result = search(case, studies, kb, SearchOptions(today=TODAY))
    assert (
        len(result.shown) + result.hidden_closed + result.hidden_other + result.hidden_fail == 300
    )
    assert result.shown  # the mix holds open CAR-T studies for LBCL
    age = Case.model_validate({"patient": {"age_years": 54}})
    for found in result.shown:
        assert found.study.is_open and found.relevant and found.count("fail") == 0
        assert age_outcome(found.study.minimum_age, found.study.maximum_age, _age(age)) != "fail"


def _age(case: Case):  # type: ignore[no-untyped-def]
    from crossroads.common.dates import Interval

    return Interval(case.patient.age_years or 0, case.patient.age_years or 0)


def test_search_reads_each_study_once(kb: KnowledgeBase, shipped: StudySet) -> None:
    terms = load_trial_terms(kb)
    assert shipped.profiles(terms) is shipped.profiles(terms)


def test_search_data_follows_its_shape(kb: KnowledgeBase, shipped: StudySet) -> None:
    data = search_data(_run(kb, shipped, "mm_three_lines_triple_class_exposed"), kb)
    assert data["schema"] == "crossroads.trials/v1"
    assert data["hidden"] == {
        "closed": 1,
        "not_about_this_disease_or_car_t": 0,
        "do_not_fit": 3,
        "outside_place_or_phase": 0,
    }
    (study,) = data["studies"]
    assert (study["id"], study["synthetic"], study["car_t"], study["car_t_interventions"]) == (
        "NCT90000002",
        True,
        True,
        ["Anti-BCMA CAR-T cells"],
    )
    assert study["counts"] == {"match": 5, "unknown": 0, "fail": 0}
    assert study["criteria"][2] == {
        "criterion": "age",
        "label": "Age",
        "outcome": "match",
        "study_says": "18 Years / 70 Years",
        "case_has": "67",
        "text": "ages 18 Years to 70 Years; this case: 67 years",
    }


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_render_text_golden(
    kb: KnowledgeBase, shipped: StudySet, lang: str, golden: Golden
) -> None:
    result = _run(kb, shipped, "lbcl_prior_cd19_car_t_team_question")
    golden.check(
        GOLDEN / f"lbcl_prior_cd19_car_t_team_question.{lang}.txt", render_text(result, kb, lang)
    )
