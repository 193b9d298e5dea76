"""Named regimens: the data, the loose name look-up, and the checks ``kb check`` runs on them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.kb import KnowledgeBase
from crossroads.kb.regimens import (
    REGIMENS_FILE,
    findings,
    load_regimens,
    normalise_regimen,
)
from crossroads.kb.release import check_release

pytestmark = pytest.mark.unit
TODAY = dt.date(2026, 11, 30)
REGIMENS = load_regimens()


def test_the_regimens_have_no_errors(kb: KnowledgeBase) -> None:
    assert [f for f in findings(kb, TODAY) if f.level == "error"] == []


def test_kb_check_includes_the_regimens(kb: KnowledgeBase) -> None:
    # the unconfirmed (U) regimens are listed for a reviewer, as every other area's are
    wheres = {f.where for f in check_release(kb, TODAY)}
    assert "regimens: tec-dara" in wheres


def test_there_are_at_least_85_regimens_across_the_diseases() -> None:
    per_disease = Counter(d for r in REGIMENS.all for d in r.diseases)
    assert len(REGIMENS.all) >= 85
    assert {d for d, n in per_disease.items() if n >= 5} >= {
        "lbcl",
        "fl",
        "mcl",
        "cll",
        "mzl",
        "ball",
        "mm",
        "hodgkin",
        "other",
    }
    kinds = Counter(r.kind for r in REGIMENS.all)
    assert kinds["conditioning"] >= 10
    assert kinds["lymphodepletion"] >= 1


@pytest.mark.parametrize(
    ("name", "agents"),
    [
        ("R-CHOP", ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"]),
        (
            "Pola-R-CHP",
            ["polatuzumab vedotin", "rituximab", "cyclophosphamide", "doxorubicin", "prednisone"],
        ),
        ("R-ICE", ["rituximab", "ifosfamide", "carboplatin", "etoposide"]),
        ("R-DHAP", ["rituximab", "dexamethasone", "cytarabine", "cisplatin"]),
        ("R-GemOx", ["rituximab", "gemcitabine", "oxaliplatin"]),
        ("BR", ["bendamustine", "rituximab"]),
        (
            "hyper-CVAD",
            [
                "cyclophosphamide",
                "vincristine",
                "doxorubicin",
                "dexamethasone",
                "methotrexate",
                "cytarabine",
            ],
        ),
        ("VRd", ["bortezomib", "lenalidomide", "dexamethasone"]),
        ("DRd", ["daratumumab", "lenalidomide", "dexamethasone"]),
        ("KRd", ["carfilzomib", "lenalidomide", "dexamethasone"]),
        ("Dara-VRd", ["daratumumab", "bortezomib", "lenalidomide", "dexamethasone"]),
        ("Isa-KRd", ["isatuximab", "carfilzomib", "lenalidomide", "dexamethasone"]),
        ("Tec-Dara", ["teclistamab", "daratumumab"]),
        ("BEAM", ["carmustine", "etoposide", "cytarabine", "melphalan"]),
        ("BEAC", ["carmustine", "etoposide", "cytarabine", "cyclophosphamide"]),
        ("Flu/Cy", ["fludarabine", "cyclophosphamide"]),
        ("Bu/Cy", ["busulfan", "cyclophosphamide"]),
        ("Flu/Mel", ["fludarabine", "melphalan"]),
        ("Mel200", ["melphalan"]),
    ],
)
def test_named_regimens_give_their_medicines(name: str, agents: list[str]) -> None:
    regimen = REGIMENS.resolve(name)
    assert regimen is not None
    assert regimen.agents == agents


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("R-CHOP-21", "r-chop"),
        ("RCHOP", "r-chop"),
        ("R CHOP", "r-chop"),
        ("r-chop x6", "r-chop"),
        ("R-CHOP ×6", "r-chop"),
        ("6x R-CHOP", "r-chop"),
        ("R-CHOP 方案", "r-chop"),
        ("R-CHOP regimen", "r-chop"),
        ("Pola-R-CHP", "pola-r-chp"),
        ("BR", "br"),
        ("BendaR", "br"),
        ("VRd", "vrd"),
        ("RVD", "vrd"),
        ("D-VRd", "dara-vrd"),
        ("Dara-VRd", "dara-vrd"),
        ("Isa-KRd", "isa-krd"),
        ("Tec-Dara", "tec-dara"),
        ("7+3", "seven-plus-three"),
        ("3 + 7", "seven-plus-three"),
        ("Flu / Cy", "flu-cy"),
        ("FC", "fc"),
        ("Mel 140", "mel200"),
    ],
)
def test_spellings_people_write_find_the_regimen(written: str, code: str) -> None:
    regimen = REGIMENS.resolve(written)
    assert regimen is not None and regimen.code == code


@pytest.mark.parametrize(
    "written", ["R-CHOPP", "CHOP-like", "rituximab", "x6", "R-ICE then ASCT", ""]
)
def test_other_words_find_no_regimen(written: str) -> None:
    assert REGIMENS.resolve(written) is None


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("R-CHOP x6", "rchop"),
        ("R-CHOP x 6", "rchop"),
        ("6 x R-CHOP", "rchop"),
        ("x6", "x6"),  # a cycle count alone is not stripped to nothing
        ("regimen", "regimen"),  # nor is the word "regimen" alone
        ("方案", "方案"),
        ("R-DHAX", "rdhax"),  # a name ending in x without a count keeps its x
        ("Mel200", "mel200"),
        ("（R）-CHOP", "rchop"),
    ],
)
def test_normalising_boundaries(name: str, key: str) -> None:
    assert normalise_regimen(name) == key


@settings(max_examples=80, deadline=None)
@given(
    index=st.integers(0, len(REGIMENS.all) - 1),
    upper=st.lists(st.booleans(), min_size=40, max_size=40),
    separator=st.sampled_from([" ", "-", "/", "+", "", " - "]),
)
def test_case_and_separators_never_change_the_regimen(
    index: int, upper: list[bool], separator: str
) -> None:
    regimen = REGIMENS.all[index]
    name = regimen.names.en
    cased = "".join(c.upper() if u else c.lower() for c, u in zip(name, upper * 4, strict=False))
    written = cased.replace("-", separator)
    found = REGIMENS.resolve(written)
    assert found is not None and found.code == regimen.code


def _write(tmp_path: Path, edit: dict[str, object]) -> Path:
    data = yaml.safe_load(REGIMENS_FILE.read_text(encoding="utf-8"))
    first = data["regimens"][0]
    first.update(edit)
    path = tmp_path / "regimens.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _errors(kb: KnowledgeBase, path: Path) -> list[str]:
    return [str(f) for f in findings(kb, TODAY, path) if f.level == "error"]


@pytest.mark.parametrize(
    ("alias", "medicine"),
    [
        ("Rituxan", "'Rituxan' (rituximab)"),
        ("rituximab", "'rituximab' (rituximab)"),
        ("R", "'R' (rituximab)"),
        ("VP 16", "'VP-16' (etoposide)"),  # spaces and hyphens do not matter
        ("Zevalin regimen", "'Zevalin' (ibritumomab tiuxetan)"),  # nor does "regimen"
        ("利妥昔单抗", "'利妥昔单抗' (rituximab)"),
    ],
)
def test_kb_check_refuses_a_regimen_name_that_reads_as_a_medicine(
    kb: KnowledgeBase, tmp_path: Path, alias: str, medicine: str
) -> None:
    path = _write(tmp_path, {"aliases": ["RCHOP", alias]})
    assert _errors(kb, path) == [
        f"error: regimens: r-chop: name {alias!r} reads as the medicine {medicine}"
    ]


def test_kb_check_refuses_a_name_two_regimens_share(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _write(tmp_path, {"aliases": ["R CHOP", "RVD"]})
    assert _errors(kb, path) == [
        "error: regimens: vrd: name 'RVD' is also a name of regimen 'r-chop'"
    ]


def test_kb_check_refuses_unknown_medicines_and_diseases(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _write(tmp_path, {"agents": ["rituximab", "exampletinib"], "diseases": ["burkitt"]})
    assert _errors(kb, path) == [
        "error: regimens: r-chop: unknown drug code 'exampletinib'",
        "error: regimens: r-chop: unknown disease code 'burkitt'",
    ]


def test_kb_check_refuses_an_uncited_regimen(kb: KnowledgeBase, tmp_path: Path) -> None:
    data = yaml.safe_load(REGIMENS_FILE.read_text(encoding="utf-8"))
    del data["regimens"][0]["source"]
    path = tmp_path / "regimens.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert _errors(kb, path) == [
        "error: regimens: regimens.yaml: regimens[0].source: Field required (1 problem(s))"
    ]


def test_kb_check_refuses_another_release(kb: KnowledgeBase, tmp_path: Path) -> None:
    data = yaml.safe_load(REGIMENS_FILE.read_text(encoding="utf-8"))
    data["header"]["release"] = "2000.1.1"
    path = tmp_path / "regimens.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert _errors(kb, path) == [
        "error: regimens: header: release '2000.1.1' is not the knowledge-base release "
        f"{kb.release.version!r}"
    ]


def test_close_to_offers_each_regimen_once_by_its_usual_name() -> None:
    assert REGIMENS.close_to("R-ICEE") == ["R-ICE", "ICE", "R-MINE"]
    assert REGIMENS.close_to("zzzz") == []
