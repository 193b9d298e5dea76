"""The drug list is every file of kb/data/drugs/, merged; a clash or a bad code is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb import KnowledgeBase
from crossroads.kb.base import load_kb
from crossroads.kb.check import check, duplicate_drug_codes
from crossroads.kb.drug_list import DrugFile, merge_drug_files, normalise_name
from crossroads.kb.models import Drug, DrugClass

pytestmark = pytest.mark.unit

CITED = {"source": "test source text", "as_of": "2026-12-06", "confidence": "P"}


def _drug(code: str, **more: Any) -> dict[str, Any]:
    return {"code": code, "name": {"en": code, "zh": f"{code}药"}, **CITED, **more}


def _write(data: Path, name: str, body: dict[str, Any]) -> Path:
    path = data / "drugs" / name
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def _haematology(data: Path) -> dict[str, Any]:
    text = (data / "drugs" / "haematology.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


# -- the real list ------------------------------------------------------------------------------
def test_the_folder_holds_the_haematology_list(kb: KnowledgeBase) -> None:
    assert "rituximab" in kb.drugs
    assert kb.resolve_drug("MabThera") == "rituximab"
    assert kb.classes_of("ibrutinib") == frozenset({"btk_inhibitor"})


def test_haematology_list_covers_at_least_200_agents(data_copy: Path) -> None:
    assert len(_haematology(data_copy)["drugs"]) >= 200


def test_every_drug_code_is_given_to_one_drug_only(kb: KnowledgeBase) -> None:
    assert duplicate_drug_codes(kb) == []


@pytest.mark.parametrize(
    ("system", "code", "drug"),
    [
        ("rxnorm", "121191", "rituximab"),
        ("rxnorm", " 134547 ", "bendamustine"),  # trimmed as FHIR senders write it
        ("atc", "L01FA01", "rituximab"),
        ("atc", "l01xg01", "bortezomib"),  # ATC in any case
        ("snomed", "386919002", "rituximab"),
        ("rxnorm", "L01FA01", None),  # a code is only read in its own system
        ("atc", "L01FA99", None),
        ("icd10", "121191", None),
    ],
)
def test_drug_by_code(kb: KnowledgeBase, system: str, code: str, drug: str | None) -> None:
    assert kb.drug_by_code(system, code) == drug


# -- merging several files ----------------------------------------------------------------------
def test_files_are_merged_in_name_order(data_copy: Path) -> None:
    _write(
        data_copy,
        "zz_extra.yaml",
        {
            "header": {"release": "x", "as_of": "2026-12-06"},
            "classes": [{"code": "example_class", "name": {"en": "example", "zh": "示例类"}}],
            "drugs": [_drug("exampletinib", classes=["example_class", "antimetabolite"])],
        },
    )
    _write(data_copy, "aa_first.yaml", {"drugs": [_drug("samplemab", classes=["example_class"])]})
    kb = load_kb(data_copy, use_cache=False)
    assert next(iter(kb.drugs)) == "samplemab"  # aa_first.yaml before haematology.yaml
    assert list(kb.drugs)[-1] == "exampletinib"
    assert kb.classes_of("samplemab") == frozenset({"example_class"})  # class from a later file
    assert kb.code_name("example_class", "zh") == "示例类"


@pytest.mark.parametrize(
    ("drug", "message"),
    [
        (
            _drug("rituximab biosimilar x", brands=["Rituxan"]),
            "drug list: drugs/zz_extra.yaml: drugs[0] (rituximab biosimilar x): 'Rituxan' is "
            "also a name of drugs/haematology.yaml: drugs[0] (rituximab)",
        ),
        (
            _drug("new drug", aliases=["ritux-imab"]),  # hyphen and case do not matter
            "drug list: drugs/zz_extra.yaml: drugs[0] (new drug): 'ritux-imab' is also a name "
            "of drugs/haematology.yaml: drugs[0] (rituximab)",
        ),
        (
            _drug("new drug", classes=["example_class"]),
            "drug list: drugs/zz_extra.yaml: drugs[0] (new drug): unknown drug class "
            "'example_class' "
            "(define it in the classes list of one file in drugs/)",
        ),
    ],
)
def test_a_clash_or_unknown_class_names_file_and_entry(
    data_copy: Path, drug: dict[str, Any], message: str
) -> None:
    _write(data_copy, "zz_extra.yaml", {"drugs": [drug]})
    with pytest.raises(KnowledgeBaseError) as caught:
        load_kb(data_copy, use_cache=False)
    assert str(caught.value) == message


def test_every_clash_is_listed_at_once(data_copy: Path) -> None:
    _write(
        data_copy,
        "zz_extra.yaml",
        {
            "classes": [{"code": "imid", "name": {"en": "again", "zh": "再次"}}],
            "drugs": [_drug("lenalidomide"), _drug("pomalidomide")],
        },
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_kb(data_copy, use_cache=False)
    lines = str(caught.value).splitlines()
    assert lines[0] == "drug list: 3 problems"
    assert lines[1].startswith(
        "  - drugs/zz_extra.yaml: classes[0] (imid): class code is also defined at "
        "drugs/haematology.yaml: classes["
    )
    assert lines[2].startswith(
        "  - drugs/zz_extra.yaml: drugs[0] (lenalidomide): 'lenalidomide' is also a name of "
        "drugs/haematology.yaml: drugs["
    )
    assert len(lines) == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"classes": []}, "drugs/zz_extra.yaml: no 'drugs' section (the file must have 'drugs:')"),
        (
            {"drugs": [], "regimens": []},
            "drugs/zz_extra.yaml: unknown section 'regimens' (a drug file has header, classes, "
            "drugs)",
        ),
        ({"drugs": {"a": 1}}, "drugs/zz_extra.yaml: 'drugs' must be a list"),
        (
            {"drugs": [_drug("x1", rxnorm="RX121191", codes_source="test", codes_confidence="P")]},
            "drugs/zz_extra.yaml: drugs[0].rxnorm: Value error, 'RX121191' is not an RxNorm "
            'code: write the ingredient RXCUI in digits, quoted (e.g. "121191")',
        ),
    ],
)
def test_a_misshapen_file_names_itself(data_copy: Path, body: Any, message: str) -> None:
    _write(data_copy, "zz_extra.yaml", body)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_kb(data_copy, use_cache=False)
    assert str(caught.value).startswith(message)


def test_an_empty_folder_is_an_empty_list() -> None:
    assert merge_drug_files([]) == ([], [])


# -- the code fields ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "where", "says"),
    [
        ({"rxnorm": "12a"}, "rxnorm", "is not an RxNorm code"),
        ({"rxnorm": "12345678901"}, "rxnorm", "is not an RxNorm code"),  # 11 digits
        ({"atc": ["L01FA1"]}, "atc", "is not a full ATC code"),  # 6 characters
        ({"atc": ["L01F"]}, "atc", "is not a full ATC code"),  # a group, not a substance
        ({"atc": ["Z01FA01"]}, "atc", "is not a full ATC code"),  # no Z anatomical group
        ({"snomed": "12345"}, "snomed", "is not a SNOMED CT concept id"),  # 5 digits
        ({"rxnorm": "121191"}, "codes_source", "required when rxnorm, atc or snomed is given"),
        (
            {"atc": ["L01FA01"], "codes_source": "a public file"},
            "codes_confidence",
            "required when rxnorm, atc or snomed is given",
        ),
        ({"codes_source": "a public file"}, "codes_source", "given without any code"),
        ({"codes_confidence": "U"}, "codes_confidence", "given without any code"),
    ],
)
def test_codes_are_checked(fields: dict[str, Any], where: str, says: str) -> None:
    with pytest.raises(ValueError) as caught:
        Drug.model_validate(_drug("x", **fields))
    errors = caught.value.errors()  # type: ignore[attr-defined]
    assert (errors[0]["loc"], says in errors[0]["msg"]) == ((where,), True)


@pytest.mark.parametrize(
    "fields",
    [
        {"rxnorm": "1", "codes_source": "a public file", "codes_confidence": "P"},  # 1 digit
        {"rxnorm": "1234567890", "codes_source": "a public file", "codes_confidence": "U"},
        {"atc": ["L01FA01", "L04AG12"], "codes_source": "a public file", "codes_confidence": "P"},
        {"snomed": "123456", "codes_source": "a public file", "codes_confidence": "N"},
        {"snomed": "123456789012345678", "codes_source": "a public file", "codes_confidence": "L"},
        {},
    ],
)
def test_codes_at_the_boundaries_are_accepted(fields: dict[str, Any]) -> None:
    drug = Drug.model_validate(_drug("x", **fields))
    assert drug.standard_codes() == [
        *([("rxnorm", fields["rxnorm"])] if "rxnorm" in fields else []),
        *[("atc", c) for c in fields.get("atc", [])],
        *([("snomed", fields["snomed"])] if "snomed" in fields else []),
    ]


def test_kb_check_reports_a_code_used_twice(data_copy: Path) -> None:
    codes = {"codes_source": "a public file", "codes_confidence": "P"}
    _write(
        data_copy,
        "zz_extra.yaml",
        {"drugs": [_drug("new drug", rxnorm="121191", atc=["L01XG01"], **codes)]},
    )
    found = check(load_kb(data_copy, use_cache=False), dt.date(2026, 12, 6))
    assert [str(f) for f in found if f.level == "error"] == [
        "error: drugs: new drug: rxnorm code '121191' is also given to rituximab",
        "error: drugs: new drug: atc code 'L01XG01' is also given to bortezomib",
    ]


# -- property: the merge never depends on how the drugs are split over files ----------------------
NAMES = st.lists(
    st.text(alphabet="abcdefgh", min_size=3, max_size=6), min_size=1, max_size=8, unique=True
)


@given(names=NAMES, split=st.integers(min_value=0, max_value=8))
def test_splitting_a_clean_list_over_files_changes_nothing(names: list[str], split: int) -> None:
    cls = DrugClass.model_validate({"code": "c", "name": {"en": "c", "zh": "c"}})
    drugs = [Drug.model_validate(_drug(n, classes=["c"])) for n in names]
    one = merge_drug_files([DrugFile("drugs/a.yaml", [cls], drugs)])
    two = merge_drug_files(
        [
            DrugFile("drugs/a.yaml", [cls], drugs[:split]),
            DrugFile("drugs/b.yaml", [], drugs[split:]),
        ]
    )
    assert one == two == ([cls], drugs)


@given(names=NAMES, which=st.integers(min_value=0, max_value=7))
def test_a_repeated_name_is_refused_in_any_file(names: list[str], which: int) -> None:
    cls = DrugClass.model_validate({"code": "c", "name": {"en": "c", "zh": "c"}})
    drugs = [Drug.model_validate(_drug(n)) for n in names]
    again = names[which % len(names)]
    copy = Drug.model_validate(_drug(f"other {again}", brands=[again.upper()]))
    with pytest.raises(KnowledgeBaseError) as caught:
        merge_drug_files(
            [DrugFile("drugs/a.yaml", [cls], drugs), DrugFile("drugs/b.yaml", [], [copy])]
        )
    assert f"is also a name of drugs/a.yaml: drugs[{names.index(again)}]" in str(caught.value)
    assert normalise_name(again.upper()) == normalise_name(again)
