"""The command line reads case files as outsiders write them: warnings, notes, --strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import no_traceback, run
from tests.cli.test_input_limits import DEEP

pytestmark = pytest.mark.integration
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "outsider_cases"


def test_words_the_knowledge_base_lacks_are_warnings_and_the_case_is_assessed() -> None:
    path = CORPUS / "22_unclear_disease.yaml"
    result = run("assess", str(path), "-j", "US", "-f", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"warning: {path}: diagnosis.subtype: 'T-cell/histiocyte-rich large B-cell' is not a "
        "disease Crossroads recognises; it is kept as written in diagnosis.details and the "
        "disease stays unknown. Write it as the pathology report does, e.g. DLBCL, follicular "
        "lymphoma, myeloma. Use --strict to refuse.",
        f"warning: {path}: diagnosis.disease: 'lymphoma' does not say which disease it is; it is "
        "kept as written in diagnosis.details and the disease stays unknown. Write the disease "
        "named in the pathology report, e.g. DLBCL, follicular lymphoma, mantle cell lymphoma, "
        "B-ALL or myeloma. Use --strict to refuse.",
        f"warning: {path}: fitness.organ_dysfunction[0]: 'mild COPD' is not an organ Crossroads "
        "recognises; it is kept as an organ problem of another organ, with 'mild COPD' as its "
        "detail. Start with heart, lung, kidney, liver or marrow, e.g. 'lung: mild COPD'. "
        "Use --strict to refuse.",
    ]
    assert json.loads(result.stdout)["jurisdictions"]["US"]["category"] == "cannot_tell"


def test_strict_refuses_the_same_file_with_exit_2() -> None:
    result = run("--strict", "assess", str(CORPUS / "22_unclear_disease.yaml"))
    assert result.returncode == 2
    assert "3 problems" in result.stderr
    no_traceback(result)


def test_a_recognised_diagnosis_is_read_without_a_word() -> None:
    result = run("assess", str(CORPUS / "01_mm_igg_kappa.yaml"), "-f", "json")
    assert (result.returncode, result.stderr) == (0, "")


def test_a_subtype_read_under_another_disease_is_a_note_in_both_modes() -> None:
    path = CORPUS / "07_fl_grade_3b.yaml"
    note = (
        f"note: {path}: diagnosis.subtype: 'grade 3B' is read as large B-cell lymphoma (LBCL), "
        "the disease it is counted with on the CAR-T labels, not as follicular lymphoma (FL).\n"
    )
    for args in (("assess",), ("--strict", "assess")):
        result = run(*args, str(path), "-f", "json")
        assert (result.returncode, result.stderr) == (0, note)


def test_other_cancers_get_the_hard_stop() -> None:
    result = run("assess", str(CORPUS / "03_ptcl.yaml"), "-f", "json")
    places = json.loads(result.stdout)["jurisdictions"]
    assert {p["category"] for p in places.values()} == {"not_realistic_now"}
    assert places["US"]["hard_stop"].startswith("Crossroads does not cover this cancer.")


def test_a_jurisdiction_may_be_named() -> None:
    case = str(CORPUS / "13_dlbcl_words.yaml")
    by_name = run("assess", case, "-j", "China,欧盟", "-f", "json")
    by_code = run("assess", case, "-j", "CN,EU", "-f", "json")
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout) == json.loads(by_code.stdout)


def test_deeply_nested_yaml_exits_2_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("extensions: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    result = run("assess", str(path))
    no_traceback(result)
    assert (result.returncode, result.stderr) == (2, f"error: {path}: {DEEP}\n")
    # far deeper, the YAML reader's own limit answers first: still one line and exit 2
    path.write_text("extensions: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    result = run("assess", str(path))
    no_traceback(result)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {path}: line 1, column ")
