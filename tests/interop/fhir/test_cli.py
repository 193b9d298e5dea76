"""`crossroads fhir export` and `crossroads fhir import` as a person uses them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crossroads.interop.fhir import validate_bundle
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.integration
FIXTURES = ROOT / "tests" / "fixtures" / "fhir" / "mcode"
CASE = EXAMPLES / "lbcl_dlbcl_third_line_cn_patient_cross_border.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crossroads", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_export_then_import_gives_the_same_case(kb: KnowledgeBase, tmp_path: Path) -> None:
    bundle_file = tmp_path / "case.fhir.json"
    exported = run("fhir", "export", str(CASE), "-o", str(bundle_file))
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == f"Wrote {bundle_file}\n"
    assert validate_bundle(json.loads(bundle_file.read_text(encoding="utf-8"))) == []
    imported = run("fhir", "import", str(bundle_file))
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr == "Everything in the file was imported.\n"
    assert imported.stdout.startswith(
        "# Imported by Crossroads from case.fhir.json. Check every field.\n"
    )
    back = Case.model_validate(yaml.safe_load(imported.stdout))
    assert back == prepare_case(CASE, kb)


def test_cli_export_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("keep me", encoding="utf-8")
    result = run("fhir", "export", str(CASE), "-o", str(target))
    assert result.returncode == 2
    assert "already exists; choose another name or add --force" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"


def test_cli_import_warns_and_exits_zero_when_something_is_not_mapped(tmp_path: Path) -> None:
    target = tmp_path / "imported.yaml"
    result = run("fhir", "import", str(FIXTURES / "ctms-eom_patient_1.json"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Not mapped (left unknown): 3"
    assert "Not used (Crossroads does not keep it): 14" in result.stdout
    assert result.stderr.splitlines()[-1] == "warning: 3 item(s) not mapped; see the list above."
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["fitness"] == {"ecog": 3}
    assert data["diagnosis"] == {"disease": "other"}  # breast cancer: another disease
    assert "lines" not in data  # two unidentified medicines: left out, not filled with a guess


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "mef-maximal-staging-resource.json",
            "the file holds one Observation resource, not a Bundle",
        ),
        ("SOURCES.md", "not JSON (line 1, column 1"),
    ],
)
def test_cli_import_exits_2_on_a_file_that_is_not_a_bundle(name: str, message: str) -> None:
    result = run("fhir", "import", str(FIXTURES / name))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_import_report_shows_one_row_per_record(tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p", "birthDate": "1970-05-01"}},
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": "c",
                    "subject": {"reference": "Patient/p"},
                    "code": {
                        "coding": [{"system": "urn:oid:2.16.840.1.113883.6.90", "code": "C83.30"}]
                    },
                }
            },
            {"resource": {"resourceType": "Encounter", "id": "v"}},
        ],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = run("fhir", "import", str(path), "--report")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stderr.splitlines() if line.startswith("│")]
    assert [[cell.strip() for cell in row.strip("│").split("│")] for row in rows] == [
        ["Patient/p", "used", "used for the patient's details"],
        ["Condition/c", "used", "used for the disease"],
        ["Encounter/v", "ignored", "Encounter: Crossroads does not keep this, so it was not used."],
    ]
    assert "What became of each record in the file" in result.stderr
    assert "diagnosis:\n  disease: lbcl\n" in result.stdout
