"""The what-to-ask-instead file: cited, release-stamped, only for diseases outside CAR-T."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crossroads.kb import KnowledgeBase
from crossroads.kb.scope import findings, load_scope

TODAY = dt.date(2026, 12, 6)


def test_the_shipped_file_has_no_errors(kb: KnowledgeBase) -> None:
    assert [f for f in findings(kb, TODAY) if f.level == "error"] == []
    data = load_scope()
    assert set(data.by_disease) == {"aml", "hodgkin"}
    assert len(data.general) == 4


def _edited(data_copy: Path, old: str, new: str) -> Path:
    path = data_copy / "scope.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_disease_in_scope_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    path = _edited(data_copy, "  hodgkin:\n", "  lbcl:\n")
    found = [str(f) for f in findings(kb, TODAY, path) if f.level == "error"]
    assert found == ["error: scope: by_disease.lbcl: this disease is in scope"]


def test_an_unknown_disease_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    path = _edited(data_copy, "  hodgkin:\n", "  hodgkins:\n")
    found = [str(f) for f in findings(kb, TODAY, path) if f.level == "error"]
    assert found == ["error: scope: by_disease: unknown disease 'hodgkins'"]


def test_a_fact_dated_after_the_release_is_refused(kb: KnowledgeBase, data_copy: Path) -> None:
    path = _edited(data_copy, "    as_of: 2026-11-24\n", "    as_of: 2026-12-07\n")
    found = [str(f) for f in findings(kb, TODAY, path) if f.level == "error"]
    assert found == [
        "error: scope: general.ask_options: checked 2026-12-07, after the release date"
    ]


def test_a_broken_file_is_one_error_naming_it(kb: KnowledgeBase, data_copy: Path) -> None:
    path = _edited(data_copy, "title: ", "titel: ")
    found = findings(kb, TODAY, path)
    assert len(found) == 1 and found[0].level == "error" and found[0].where == "scope"
    assert "title" in found[0].message
