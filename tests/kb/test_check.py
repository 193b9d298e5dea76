"""``crossroads kb check`` refuses broken releases and passes the real one."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb import KnowledgeBase
from crossroads.kb.base import load_kb
from crossroads.kb.check import check, satisfiable, witness
from crossroads.logic.rules import compile_criterion

pytestmark = pytest.mark.unit


def _edit_product(data: Path, name: str, edit: object) -> None:
    path = data / "products" / name
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(raw)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def test_real_release_has_no_errors(kb: KnowledgeBase) -> None:
    errors = [f for f in check(kb, dt.date(2026, 11, 30)) if f.level == "error"]
    assert errors == []


def test_fact_without_source_is_refused(data_copy: Path) -> None:
    _edit_product(
        data_copy, "tisagenlecleucel.yaml", lambda raw: raw["indications"][0].pop("source")
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"^products/tisagenlecleucel.yaml: indications\[0\].source: Field required",
    ):
        load_kb(data_copy, use_cache=False)


def test_fact_without_date_is_refused(data_copy: Path) -> None:
    _edit_product(
        data_copy, "tisagenlecleucel.yaml", lambda raw: raw["indications"][0].pop("as_of")
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"^products/tisagenlecleucel.yaml: indications\[0\].as_of: Field required",
    ):
        load_kb(data_copy, use_cache=False)


def test_unknown_subtype_code_is_an_error(data_copy: Path) -> None:
    def edit(raw: dict) -> None:  # type: ignore[type-arg]
        raw["indications"][1]["criteria"]["all"].append({"fact": "subtype", "in": ["dlbcl_xx"]})

    _edit_product(data_copy, "axicabtagene_ciloleucel.yaml", edit)
    findings = check(load_kb(data_copy, use_cache=False), dt.date(2026, 11, 30))
    assert [str(f) for f in findings if f.level == "error"] == [
        "error: products/axicabtagene ciloleucel: us_axi_cel_lbcl_3l: "
        "unknown subtype code 'dlbcl_xx'",
        "error: products/axicabtagene ciloleucel: us_axi_cel_lbcl_3l: "
        "no case could ever meet these criteria",
    ]


def test_contradictory_ages_are_an_error(data_copy: Path) -> None:
    def edit(raw: dict) -> None:  # type: ignore[type-arg]
        raw["indications"][0]["criteria"]["all"].append({"fact": "age_years", "le": 10})

    _edit_product(data_copy, "axicabtagene_ciloleucel.yaml", edit)
    errors = [f for f in check(load_kb(data_copy, use_cache=False)) if f.level == "error"]
    assert [e.message for e in errors] == ["no case could ever meet these criteria"]


def test_unknown_fact_in_criteria_is_refused(data_copy: Path) -> None:
    def edit(raw: dict) -> None:  # type: ignore[type-arg]
        raw["indications"][0]["criteria"]["all"].append({"fact": "shoe_size", "ge": 40})

    _edit_product(data_copy, "axicabtagene_ciloleucel.yaml", edit)
    with pytest.raises(KnowledgeBaseError, match="unknown fact 'shoe_size'"):
        load_kb(data_copy, use_cache=False)


def test_stale_facts_warn_after_twelve_months(kb: KnowledgeBase) -> None:
    fresh = check(kb, dt.date(2027, 11, 24))
    stale = check(kb, dt.date(2027, 11, 26))
    assert not any("over 12 months ago" in f.message for f in fresh)
    assert any("over 12 months ago" in f.message and f.level == "warning" for f in stale)


def test_flagged_facts_are_listed_as_warnings(kb: KnowledgeBase) -> None:
    flagged = {f.where for f in check(kb, dt.date(2026, 11, 30)) if f.message.startswith("⚠")}
    assert "products/pcar-19b: cn_pcar_19b_ball_rr" in flagged
    assert "logistics: eu_driving" in flagged


def test_witness_finds_a_satisfying_assignment() -> None:
    kinds = {"n": "number", "b": "bool"}
    node = compile_criterion({"all": [{"fact": "n", "ge": 26}, {"fact": "b", "is": False}]}, kinds)
    found = witness(node, kinds, {})
    assert found is not None
    assert node.evaluate(found).result is True
    impossible = compile_criterion(
        {"all": [{"fact": "n", "ge": 26}, {"fact": "n", "le": 25}]}, kinds
    )
    assert not satisfiable(impossible, kinds, {})
