"""Reading a written diagnosis into codes (kb/terms.py): what is read, what stays unknown.

Each rule of the module docstring has a case here; the property tests say that reading never
fails, never guesses between two subtypes, and that a code written exactly stays that code.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.kb import KnowledgeBase
from crossroads.kb.terms import findings, organ_code, qualifier_text, read_diagnosis, term_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("disease", "subtype", "read"),
    [
        # myeloma isotype and light chain, in English, Greek letters and Chinese
        ("mm", "IgG kappa", ("mm", None, {"isotype": "igg", "light_chain": "kappa"})),
        ("multiple myeloma", "IgA-λ", ("mm", None, {"isotype": "iga", "light_chain": "lambda"})),
        (
            "Multiple Myeloma, IgG kappa",
            None,
            ("mm", None, {"isotype": "igg", "light_chain": "kappa"}),
        ),
        ("多发性骨髓瘤", "IgG κ型", ("mm", None, {"isotype": "igg", "light_chain": "kappa"})),
        (
            "mm",
            "light chain only, lambda",
            ("mm", None, {"isotype": "light_chain_only", "light_chain": "lambda"}),
        ),
        ("mm", "non-secretory", ("mm", None, {"isotype": "non_secretory"})),
        ("mm", "k", ("mm", None, {"light_chain": "kappa"})),
        (None, "IgG kappa", ("mm", None, {"isotype": "igg", "light_chain": "kappa"})),
        # MCL variants
        ("mcl", "MCL classic", ("mcl", None, {"variant": "classic"})),
        ("套细胞淋巴瘤", "母细胞样变异型", ("mcl", None, {"variant": "blastoid"})),
        ("mcl", "leukemic non-nodal", ("mcl", None, {"variant": "leukaemic_non_nodal"})),
        # FL grades; 3B is counted with LBCL
        ("fl", "grade 3A", ("fl", "fl_grade1_3a", {"grade": "3a"})),
        ("follicular lymphoma grade 2", None, ("fl", "fl_grade1_3a", {"grade": "2"})),
        ("fl", "grade 3B", ("lbcl", "fl3b", {})),
        ("FL", "transformed", ("fl", None, {})),
        # MZL sites, B-ALL Ph status
        ("mzl", "gastric MALT", ("mzl", "extranodal", {"site": "stomach"})),
        ("mzl", "lung", ("mzl", "extranodal", {"site": "lung"})),
        ("SMZL", None, ("mzl", "splenic", {})),
        ("ball", "Ph-like", ("ball", "ph_negative", {"genetic_group": "ph_like"})),
        ("B-ALL", "Ph+", ("ball", "ph_positive", {})),
        ("ALL", "Ph+", ("ball", "ph_positive", {})),
        ("Ph- ALL", None, ("ball", "ph_negative", {})),
        # LBCL words
        ("DLBCL", None, ("lbcl", "dlbcl_nos", {})),
        ("lbcl", "DLBCL, GCB type", ("lbcl", "dlbcl_nos", {"cell_of_origin": "gcb"})),
        ("弥漫大B细胞淋巴瘤", "非生发中心型", ("lbcl", "dlbcl_nos", {"cell_of_origin": "non_gcb"})),
        ("relapsed DLBCL, double hit", None, ("lbcl", "hgbcl", {})),
        ("lymphoma", "transformed FL", ("lbcl", "tfl", {})),
        ("CLL", "Richter transformation", ("lbcl", "transformed_other", {})),
        # other lymphomas and solid tumours: named other diseases
        ("PTCL", None, ("other", "ptcl", {})),
        ("other", "breast cancer", ("other", "breast", {})),
        ("other", "lung", ("other", "lung", {})),
        ("other", "Hodgkin lymphoma", ("hodgkin", None, {})),
        ("non-Hodgkin lymphoma", "DLBCL", ("lbcl", "dlbcl_nos", {})),
        ("Waldenström", None, ("other", "lpl", {})),
        ("T-ALL", None, ("other", "t_all", {})),
        ("AML", None, ("aml", None, {})),
        # codes written exactly keep working
        ("lbcl", "dlbcl_nos", ("lbcl", "dlbcl_nos", {})),
        ("LBCL", "PMBCL", ("lbcl", "pmbcl", {})),
        ("cll", None, ("cll", None, {})),
        ("ball", "ph_positive", ("ball", "ph_positive", {})),
        (None, "pcnsl", ("lbcl", "pcnsl", {})),
    ],
)
def test_written_diagnoses_are_read_into_codes(
    kb: KnowledgeBase,
    disease: str | None,
    subtype: str | None,
    read: tuple[str | None, str | None, dict[str, str]],
) -> None:
    reading = read_diagnosis(kb, disease, subtype)
    assert (reading.disease, reading.subtype, reading.qualifiers) == read
    assert [w.location for w in reading.warnings if not w.note] == (
        ["diagnosis.subtype"] if (disease, subtype) == ("FL", "transformed") else []
    )


def test_a_subtype_counted_with_another_disease_moves_it_with_a_note(kb: KnowledgeBase) -> None:
    reading = read_diagnosis(kb, "fl", "grade 3B")
    assert [(n.location, n.message, n.note) for n in reading.notes] == [
        (
            "diagnosis.subtype",
            "'grade 3B' is read as large B-cell lymphoma (LBCL), the disease it is counted with "
            "on the CAR-T labels, not as follicular lymphoma (FL).",
            True,
        )
    ]
    assert reading.warnings == []


@pytest.mark.parametrize(
    ("disease", "subtype", "read", "details", "message"),
    [
        (
            "lymphoma",
            None,
            (None, None),
            ["lymphoma"],
            "'lymphoma' does not say which disease it is; it is kept as written in "
            "diagnosis.details and the disease stays unknown.",
        ),
        (
            "ALL",
            None,
            (None, None),
            ["ALL"],
            "'ALL' does not say which disease it is; it is kept as written in diagnosis.details "
            "and the disease stays unknown.",
        ),
        (
            "lbcl",
            "T-cell/histiocyte-rich",
            ("lbcl", None),
            ["T-cell/histiocyte-rich"],
            "'T-cell/histiocyte-rich' was not read as a subtype of large B-cell lymphoma (LBCL); "
            "it is kept as written in diagnosis.details and the subtype stays unknown.",
        ),
        (
            "lbcl",
            "nodal",
            ("lbcl", None),
            ["nodal"],
            "'nodal' was not read as a subtype of large B-cell lymphoma (LBCL); it is kept as "
            "written in diagnosis.details and the subtype stays unknown.",
        ),
        (
            "NSCLC",
            "stage IV",
            ("other", "lung"),
            ["stage IV"],
            "'stage IV' was not read as a subtype of other cancer; it is kept as written in "
            "diagnosis.details and the subtype stays unknown.",
        ),
        (
            "zorbulous neoplasia",
            None,
            (None, None),
            ["zorbulous neoplasia"],
            "'zorbulous neoplasia' is not a disease Crossroads recognises; it is kept as written "
            "in diagnosis.details and the disease stays unknown.",
        ),
    ],
)
def test_what_is_not_understood_stays_unknown_and_is_kept_as_written(
    kb: KnowledgeBase,
    disease: str,
    subtype: str | None,
    read: tuple[str | None, str | None],
    details: list[str],
    message: str,
) -> None:
    reading = read_diagnosis(kb, disease, subtype)
    assert (reading.disease, reading.subtype) == read
    assert reading.details == details
    assert [w.message for w in reading.warnings] == [message]


def test_a_misspelt_disease_is_warned_with_close_matches(kb: KnowledgeBase) -> None:
    warning = read_diagnosis(kb, "lbcx", None).warnings[0]
    assert (warning.location, warning.hint) == ("diagnosis.disease", "Did you mean 'lbcl'?")


@pytest.mark.parametrize(
    ("disease", "warning"),
    [
        (
            "relapsed DLBCL, HGBCL",
            "the record names two subtypes (diffuse large B-cell lymphoma, the common type "
            "(DLBCL NOS) and high-grade B-cell lymphoma (HGBCL)); the subtype stays "
            "unknown until the pathology report settles it.",
        ),
        (
            "IgG kappa light chain myeloma",
            "the type of paraprotein (isotype) is written as igg and light_chain_only; it stays "
            "unknown until one is confirmed.",
        ),
    ],
)
def test_two_subtypes_or_two_values_are_never_chosen_between(
    kb: KnowledgeBase, disease: str, warning: str
) -> None:
    reading = read_diagnosis(kb, disease, None)
    assert reading.subtype is None and "isotype" not in reading.qualifiers
    assert [w.message for w in reading.warnings] == [warning]


def test_a_text_naming_two_diseases_leaves_the_disease_unknown(kb: KnowledgeBase) -> None:
    reading = read_diagnosis(kb, "mantle cell lymphoma and multiple myeloma", None)
    assert (reading.disease, [w.location for w in reading.warnings]) == (
        None,
        ["diagnosis.disease"],
    )


def test_qualifiers_written_as_a_field_are_read_or_kept(kb: KnowledgeBase) -> None:
    reading = read_diagnosis(kb, "mm", None, {"isotype": "IgD", "light_chain": "λ", "grade": "2"})
    assert reading.qualifiers == {"isotype": "igd", "light_chain": "lambda"}
    assert reading.details == ["grade: 2"]
    assert [w.location for w in reading.warnings] == ["diagnosis.qualifiers.grade"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Ph-negative", "ph negative"),
        ("Ph-", "ph-"),
        ("Ph+ ALL", "ph+ all"),
        ("弥漫大 B 细胞淋巴瘤", "弥漫大b细胞淋巴瘤"),
        ("IgG-κ", "igg κ"),
        ("CLL/SLL", "cll sll"),
        ("Sézary", "sezary"),
    ],
)
def test_term_key(text: str, key: str) -> None:
    assert term_key(text) == key


def test_short_terms_do_not_match_inside_words(kb: KnowledgeBase) -> None:
    """ "l" (lambda) is not read in "large", nor "carcinoma" in "adenocarcinoma"."""
    reading = read_diagnosis(kb, "mm", "large")
    assert reading.qualifiers == {}
    assert read_diagnosis(kb, "other", "adenocarcinoma").subtype is None


@pytest.mark.parametrize(
    ("word", "organ"),
    [
        ("heart", "heart"),
        ("Cardiac", "heart"),
        ("renal", "kidney"),
        ("肺", "lung"),
        ("bone marrow", "marrow"),
        ("hepatic", "liver"),
        ("COPD", None),
    ],
)
def test_organ_words(kb: KnowledgeBase, word: str, organ: str | None) -> None:
    assert organ_code(kb, word) == organ


def test_qualifier_text_in_both_languages(kb: KnowledgeBase) -> None:
    assert qualifier_text(kb, "mm", "light_chain", "kappa") == "light chain: kappa"
    assert qualifier_text(kb, "mm", "isotype", "igg", "zh-Hans") == "M 蛋白类型（同种型）: IgG 型"
    assert qualifier_text(kb, "mm", "unknown_key", "x") == "unknown key: x"


def test_the_shipped_terms_have_no_errors(kb: KnowledgeBase) -> None:
    assert [f for f in findings(kb) if f.level == "error"] == []


WORDS = st.sampled_from(
    [
        "IgG",
        "kappa",
        "DLBCL",
        "MCL",
        "classic",
        "grade 3A",
        "lymphoma",
        "Ph+",
        "lung",
        "type",
        "淋巴瘤",
        "多发性骨髓瘤",
        "x",
        "-",
        "/",
        "stage IV",
        "GCB",
        "PTCL",
        "and",
        "3b",
        "κ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.lists(WORDS, max_size=5).map(" ".join)),
    st.one_of(st.none(), st.lists(WORDS, max_size=5).map(" ".join), st.text(max_size=30)),
)
def test_reading_never_fails_and_gives_only_known_codes(
    kb: KnowledgeBase, disease: str | None, subtype: str | None
) -> None:
    reading = read_diagnosis(kb, disease, subtype)
    if reading.disease is not None:
        known = kb.diseases[reading.disease]
        assert reading.subtype is None or reading.subtype in known.subtypes
        assert all(
            key in known.qualifiers and value in known.qualifiers[key].values
            for key, value in reading.qualifiers.items()
        )
    else:
        assert reading.subtype is None and reading.qualifiers == {}


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_code_written_exactly_is_read_as_itself(kb: KnowledgeBase, data: st.DataObject) -> None:
    disease = data.draw(st.sampled_from(sorted(kb.diseases)))
    subtypes = sorted(kb.diseases[disease].subtypes)
    subtype = data.draw(st.sampled_from([None, *subtypes]))
    reading = read_diagnosis(kb, disease, subtype)
    assert (reading.disease, reading.subtype, reading.warnings) == (disease, subtype, [])


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_filler_words_around_a_term_change_nothing(kb: KnowledgeBase, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(["DLBCL", "IgG kappa myeloma", "MCL blastoid", "PTCL"]))
    filler = data.draw(st.sampled_from(["relapsed", "refractory", "type", "复发难治"]))
    plain, padded = read_diagnosis(kb, text, None), read_diagnosis(kb, f"{filler} {text}", None)
    assert (padded.disease, padded.subtype, padded.qualifiers, padded.warnings) == (
        plain.disease,
        plain.subtype,
        plain.qualifiers,
        plain.warnings,
    )
