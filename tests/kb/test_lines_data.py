"""The line-of-therapy parameters (kb/data/lines.yaml): cited, and checked against the drug list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossroads.kb import KnowledgeBase
from crossroads.kb.base import DATA_DIR
from crossroads.kb.lines import findings

pytestmark = pytest.mark.unit


def _broken(tmp_path: Path, change: Callable[[dict[str, Any]], object]) -> Path:
    data = yaml.safe_load((DATA_DIR / "lines.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "lines.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_parameters_have_no_errors(kb: KnowledgeBase) -> None:
    found = findings(kb)
    assert [f for f in found if f.level == "error"] == []
    # the two facts whose numbers Crossroads chose or read from an example say so
    warned = {f.where for f in found if f.message.startswith("⚠")}
    assert warned == {"lines: conditioning_days", "lines: myeloma.tandem_days"}


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (
            lambda d: d["maintenance"]["agents"].append("rituxumab"),
            "lines: maintenance",
            "unknown drug code 'rituxumab'",
        ),
        (
            lambda d: d["substitutions"]["pairs"].append(["cisplatin", "nedaplatinum"]),
            "lines: substitutions",
            "unknown drug code 'nedaplatinum'",
        ),
        (
            lambda d: d["steroid_classes"]["classes"].append("glucocorticoid"),
            "lines: steroid_classes",
            "unknown drug class 'glucocorticoid'",
        ),
        (
            lambda d: d["myeloma"]["diseases"].append("myeloma"),
            "lines: myeloma",
            "unknown disease code 'myeloma'",
        ),
        (
            lambda d: d["header"].update(release="2020.1"),
            "lines: header",
            "release '2020.1' is not the knowledge-base release '2026.12.1'",
        ),
    ],
)
def test_findings_catch_broken_parameters(
    kb: KnowledgeBase,
    tmp_path: Path,
    change: Callable[[dict[str, Any]], object],
    where: str,
    message: str,
) -> None:
    found = findings(kb, path=_broken(tmp_path, change))
    assert ("error", where, message) in [(f.level, f.where, f.message) for f in found]


def test_a_class_no_drug_has_yet_is_a_warning(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["not_line_classes"]["classes"].append("no_such_class"))
    found = [(f.level, f.where, f.message) for f in findings(kb, path=path)]
    assert ("warning", "lines: not_line_classes", "no drug has class 'no_such_class' yet") in found


def test_a_rule_the_engine_does_not_implement_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["dropped_agents_start_a_line"].update(value=True))
    (finding,) = findings(kb, path=path)
    assert (finding.level, finding.where) == ("error", "lines")
    assert "dropped_agents_start_a_line.value" in finding.message


def test_an_unreadable_file_is_one_error(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "lines.yaml"
    path.write_text("gap_days: [", encoding="utf-8")
    (finding,) = findings(kb, path=path)
    assert (finding.level, finding.where) == ("error", "lines")
    assert finding.message.startswith("lines.yaml: not valid YAML")
