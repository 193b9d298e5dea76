"""The knowledge-base check reads diagnosis words, organs and countries; leniently what it does
not understand stays unknown with a warning, strictly (pipelines, the API) it is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.common.errors import UnknownCodeError
from crossroads.engine.classify import classify
from crossroads.engine.codes import check_case, check_codes
from crossroads.kb import KnowledgeBase
from crossroads.record.load import case_from_data, load_case
from tests.conftest import TODAY, example_files

pytestmark = pytest.mark.unit


def test_lenient_reading_turns_words_into_codes_and_keeps_the_rest(kb: KnowledgeBase) -> None:
    case = case_from_data(
        {
            "patient": {"country": "Narnia"},
            "diagnosis": {"disease": "Multiple myeloma", "subtype": "IgG kappa, R-ISS II"},
            "fitness": {"organ_dysfunction": ["renal: CKD 3", "mild COPD"]},
        }
    )
    read, warnings = check_case(case, kb, strict=False)
    assert read.diagnosis.model_dump(exclude_none=True) == {
        "disease": "mm",
        "qualifiers": {"isotype": "igg", "light_chain": "kappa"},
        "details": "IgG kappa, R-ISS II",
    }
    assert read.patient.country is None
    assert [o.model_dump(exclude_none=True) for o in read.fitness.organ_dysfunction or []] == [
        {"organ": "kidney", "detail": "CKD 3"},
        {"organ": "other", "detail": "mild COPD"},
    ]
    assert [str(w) for w in warnings] == [
        "diagnosis.subtype: only part of 'IgG kappa, R-ISS II' was read (as multiple myeloma "
        "(MM)); 'r iss ii' is kept as written in diagnosis.details.",
        "fitness.organ_dysfunction[1]: 'mild COPD' is not an organ Crossroads recognises; it is "
        "kept as an organ problem of another organ, with 'mild COPD' as its detail. Start with "
        "heart, lung, kidney, liver or marrow, e.g. 'lung: mild COPD'.",
        "patient.country: 'Narnia' is not a country Crossroads can read; the country stays "
        "unknown. Did you mean Armenia (AM), Denmark (DK), Hungary (HU)? Write its name "
        "(China, 中国, Deutschland) or code (CN, US, DE).",
    ]


def test_strict_reading_refuses_what_it_does_not_understand(kb: KnowledgeBase) -> None:
    case = case_from_data({"diagnosis": {"disease": "lbcx"}, "lines": [{"agents": ["ritux"]}]})
    with pytest.raises(UnknownCodeError) as raised:
        check_codes(case, kb, "case.yaml")
    assert [p.location for p in raised.value.problems] == [
        "diagnosis.disease",
        "lines[0].agents[0]",
    ]
    assert raised.value.problems[0].hint == "Did you mean 'lbcl'?"


def test_strict_reading_accepts_every_recognised_diagnosis(kb: KnowledgeBase) -> None:
    case = case_from_data({"diagnosis": {"disease": "other", "subtype": "breast cancer"}})
    assert check_codes(case, kb).diagnosis.subtype == "breast"


def test_a_note_is_given_in_both_modes_and_never_refused(kb: KnowledgeBase) -> None:
    case = case_from_data({"diagnosis": {"disease": "fl", "subtype": "grade 3B"}})
    for strict in (True, False):
        read, said = check_case(case, kb, strict=strict)
        assert (read.diagnosis.disease, read.diagnosis.subtype) == ("lbcl", "fl3b")
        assert [(p.location, p.note) for p in said] == [("diagnosis.subtype", True)]


def test_written_details_are_kept_next_to_what_was_not_read(kb: KnowledgeBase) -> None:
    case = case_from_data(
        {"diagnosis": {"disease": "lbcl", "subtype": "THRLBCL", "details": "biopsy 2024"}}
    )
    read, _ = check_case(case, kb, strict=False)
    assert read.diagnosis.details == "biopsy 2024; THRLBCL"


def test_an_unread_subtype_leaves_the_label_subtype_criteria_open(kb: KnowledgeBase) -> None:
    """An LBCL subtype Crossroads cannot read is unknown, never "not DLBCL"."""
    data = {"diagnosis": {"disease": "lbcl", "subtype": "THRLBCL"}, "lines": []}
    read, _ = check_case(case_from_data(data), kb, strict=False)
    facts = classify(read, kb, today=TODAY).facts.values
    assert (facts["disease"], facts["subtype"]) == ("lbcl", None)


EXAMPLES = example_files()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_reads_the_same_as_before(kb: KnowledgeBase, path: object) -> None:
    """Codes keep working: the shipped examples read with no warning and unchanged diagnosis."""
    case = load_case(path)  # type: ignore[arg-type]
    read, said = check_case(case, kb, strict=False)
    assert said == []
    assert read.diagnosis == case.diagnosis


UNREADABLE = st.sampled_from(["THRLBCL", "stage IV", "zorbulous", "R-ISS II", "bulky"])


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(EXAMPLES), UNREADABLE)
def test_adding_unreadable_words_never_turns_a_status_into_its_opposite(
    kb: KnowledgeBase, path: object, words: str
) -> None:
    """Words Crossroads cannot read go to details; a definite status may become "needs
    information", never the opposite definite answer."""
    case = check_codes(load_case(path), kb)  # type: ignore[arg-type]
    before = classify(case, kb, today=dt.date(2026, 11, 30))
    written = case.diagnosis.model_copy(
        update={"subtype": f"{case.diagnosis.subtype or ''} {words}".strip()}
    )
    read, _ = check_case(case.model_copy(update={"diagnosis": written}), kb, strict=False)
    after = classify(read, kb, today=dt.date(2026, 11, 30))
    flips = {("on_label", "not_on_label"), ("not_on_label", "on_label")}
    old = {i.indication_id: i.status for p in before.jurisdictions for i in p.indications}
    new = {i.indication_id: i.status for p in after.jurisdictions for i in p.indications}
    assert not [k for k in old if (old[k], new.get(k, old[k])) in flips]
