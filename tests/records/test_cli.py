"""``crossroads records``: extract, add (only what is accepted), evaluate; bad files exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.records.conftest import CORPUS

pytestmark = pytest.mark.integration


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crossroads", "records", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_extract_json() -> None:
    result = run("extract", str(CORPUS / "zh_dis_02.pdf"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["kind"], data["lang"], data["needs_ocr"]) == (
        "discharge_summary",
        "zh-Hans",
        False,
    )
    ecog = next(p for p in data["proposals"] if p["path"] == "fitness.ecog")
    assert ecog["value"] == 2
    assert ecog["source"]["text"] == "ECOG评分2分"
    assert ecog["source"]["page"] == 1


def test_extract_text_shows_the_source() -> None:
    result = run("extract", str(CORPUS / "en_lab_01.pdf"))
    assert result.returncode == 0, result.stderr
    assert "fitness.egfr = 63.0  (90%)" in result.stdout
    assert "en_lab_01.pdf p.1" in result.stdout and "«eGFR 63»" in result.stdout


def test_bad_file_exits_2_with_the_message(tmp_path: Path) -> None:
    fake = tmp_path / "scan.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    result = run("extract", str(fake))
    assert result.returncode == 2
    assert result.stderr == (
        "error: scan.pdf: is not a PDF, JPEG or PNG file (its content says so, whatever its "
        "name); save or scan the record as PDF, or photograph it as JPEG or PNG.\n"
    )


def _case(tmp_path: Path) -> Path:
    case = tmp_path / "case.yaml"
    case.write_text(
        "schema: crossroads.case/v1\n# kept comment\npatient:\n  age_years: 60\n"
        "assessment_date: 2025-11-01\n",
        encoding="utf-8",
    )
    return case


def test_add_writes_only_what_is_accepted(tmp_path: Path) -> None:
    case = _case(tmp_path)
    result = run("add", str(case), str(CORPUS / "en_lab_01.pdf"), stdin="n\ny\n")
    assert result.returncode == 0, result.stderr
    text = case.read_text(encoding="utf-8")
    assert "# kept comment" in text
    data = yaml.safe_load(text)
    assert data["fitness"] == {"egfr": 63.0}
    assert "records" not in data  # refused
    assert [p["field"] for p in data["provenance"]] == ["fitness.egfr"]
    assert data["provenance"][0]["text"] == "eGFR 63"


def test_add_accept_fields_for_scripts(tmp_path: Path) -> None:
    case = _case(tmp_path)
    result = run(
        "add",
        str(case),
        str(CORPUS / "en_dis_02.pdf"),
        str(CORPUS / "en_lab_01.pdf"),
        "--accept",
        "lines,diagnosis.disease",
    )
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert data["diagnosis"] == {"disease": "mm"}
    assert [line["regimen"] for line in data["lines"]] == ["VRd", "DKd"]
    assert "fitness" not in data


def test_add_does_not_choose_between_documents(tmp_path: Path) -> None:
    case = _case(tmp_path)
    result = run(
        "add",
        str(case),
        str(CORPUS / "en_dis_01.pdf"),
        str(CORPUS / "en_tx_01.pdf"),
        "--accept",
        "fitness",
    )
    assert result.returncode == 0, result.stderr
    assert (
        "Documents disagree on fitness.lvef_percent: 58.0 (en_dis_01.pdf p.1); "
        "55.0 (en_tx_01.pdf p.1)"
    ) in result.stdout
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert data["fitness"] == {"ecog": 1}  # the only fitness value both agree on


def test_add_with_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    case = _case(tmp_path)
    before = case.read_text(encoding="utf-8")
    bad = tmp_path / "x.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    result = run("add", str(case), str(CORPUS / "en_lab_01.pdf"), str(bad), "--accept", "all")
    assert result.returncode == 2
    assert "x.png: is a damaged or cut-short image" in result.stderr
    assert case.read_text(encoding="utf-8") == before


def test_evaluate_prints_the_table() -> None:
    result = run("evaluate", str(CORPUS), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"]["documents"] == 30
    assert data["total"]["precision"] >= 0.95
    assert data["total"]["recall"] >= 0.85
    assert len(data["groups"]) == 14
