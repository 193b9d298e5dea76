"""The third-party FHIR corpus: every file imports with an exact, expected mapping report, and
every file that holds the deciding facts reaches the category a clinician gives from reading it.

The corpus is every file under tests/fixtures/fhir/mcode and tests/fixtures/fhir/outside (their
SOURCES.md name repository, path, commit and licence). None was written for Crossroads: they show
the shapes real senders produce. Each file is imported the way ``crossroads fhir import --report``
imports it; the per-resource report and the notes are compared with
tests/golden/fhir_corpus/<folder>__<file>.<lang>.txt (regenerate with CROSSROADS_UPDATE_GOLDEN=1
and review the diff). A file the importer refuses (one resource that is not a Bundle or Patient)
has its one-line refusal as the golden text: it must never end in a traceback.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from crossroads.common.errors import CrossroadsError
from crossroads.engine.classify import classify
from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import ImportResult, import_bundle, read_fhir_file
from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import load_fhir_maps
from tests.conftest import ROOT, Golden

pytestmark = pytest.mark.integration

FIXTURES = ROOT / "tests" / "fixtures" / "fhir"
GOLDEN = ROOT / "tests" / "golden" / "fhir_corpus"
TODAY = dt.date(2026, 11, 30)
PLACES = ("US", "EU", "CN")
CORPUS = sorted([*FIXTURES.glob("mcode/*.json"), *FIXTURES.glob("outside/*.json*")])

NOT_REALISTIC = {place: "not_realistic_now" for place in PLACES}
CANNOT_TELL = {place: "cannot_tell" for place in PLACES}

# What a clinician concludes from reading each file, per jurisdiction; None = the file is one
# resource, not a record, and is refused with a clear message (exit 2), so nothing is classified.
EXPECTED: dict[str, dict[str, str] | None] = {
    # Breast cancer with a lung metastasis, on abemaciclib and alpelisib -> CAR-T does not treat it.
    "mcode/ctms-eom_patient_1.json": NOT_REALISTIC,
    # Breast cancer, stage 3A, hormone therapy -> CAR-T does not treat it.
    "mcode/ctms-patient_data.json": NOT_REALISTIC,
    # Only a disease-status observation ("complete remission"), no diagnosis -> cannot tell.
    "mcode/mef-csv-cancer-disease-status-bundle.json": CANNOT_TELL,
    # One medicine order with a placeholder date, no diagnosis -> cannot tell.
    "mcode/mef-csv-medication-request-bundle.json": CANNOT_TELL,
    # TNM staging only: points to a solid tumour but names none -> cannot tell.
    "mcode/mef-csv-staging-bundle.json": CANNOT_TELL,
    # One MedicationRequest resource, not a record.
    "mcode/mef-maximal-medication-request.json": None,
    # One stage-group Observation, not a record.
    "mcode/mef-maximal-staging-resource.json": None,
    # One T-category Observation, not a record.
    "mcode/mef-tumor-category-clinical-resource.json": None,
    # Metastatic infiltrating duct carcinoma of the breast -> CAR-T does not treat it.
    "outside/ctma-TrialMatching_Patient01.json": NOT_REALISTIC,
    # Breast cancer with a bone metastasis after surgery and radiation -> not realistic.
    "outside/ctma-TrialMatching_Patient02.json": NOT_REALISTIC,
    # Uterine carcinosarcoma -> CAR-T does not treat it.
    "outside/essex-TrialMatching_Patient_Uterine.jsonc": NOT_REALISTIC,
    # One Condition resource (lung cancer), not a record.
    "outside/mcodeig-stu1-Condition-mCODEPrimaryCancerConditionExample01.json": None,
    # One MedicationStatement resource, not a record.
    "outside/mcodeig-stu1-MedicationStatement-mCODECancerRelatedMedicationStatementExample01.json": (  # noqa: E501
        None
    ),
    # A Patient alone: no diagnosis -> cannot tell.
    "outside/mcodeig-stu1-Patient-mCODEPatientExample01.json": CANNOT_TELL,
    # Hypertension, reflux, hypothyroidism, high cholesterol; no cancer named -> cannot tell.
    "outside/mef-condition-bundle-oid-systems.json": CANNOT_TELL,
    # Cancer of the tongue (ICD-10-CM C02.0) -> CAR-T does not treat it.
    "outside/mef-csv-condition-bundle.json": NOT_REALISTIC,
    # One medicine given on a placeholder date, no diagnosis -> cannot tell.
    "outside/mef-csv-medication-administration-bundle.json": CANNOT_TELL,
    # Myeloma, now prescribed melphalan-prednisone-thalidomide; earlier lines are not in the file,
    # and every myeloma CAR-T label needs prior lines with named classes -> cannot tell.
    "outside/mpd-Bundle-100A-multiitem-prescription-with-orchestration.json": CANNOT_TELL,
    # Amoxicillin for sinusitis, no cancer named -> cannot tell.
    "outside/mpd-Bundle-200A-multiitem-prescription-without-orchestration.json": CANNOT_TELL,
    # A Patient alone -> cannot tell.
    "outside/mpd-patient1.json": CANNOT_TELL,
    # One R5 MedicationRequest (melphalan for myeloma), not a record.
    "outside/mpd-r5-MedicationRequest-100C-3-medication-prescription-request2.json": None,
    # Breast cancer, stage 3A (same record as ctms-patient_data) -> not realistic.
    "outside/trialjectory-patient_data.json": NOT_REALISTIC,
}
# The Chinese report is compared for two files: one breast-cancer record, one myeloma bundle.
CHINESE = (
    "mcode/ctms-eom_patient_1.json",
    "outside/mpd-Bundle-100A-multiitem-prescription-with-orchestration.json",
)


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def import_file(path: Path, kb: KnowledgeBase, lang: str = "en") -> ImportResult | str:
    """The file imported as ``crossroads fhir import`` imports it, or the refusal it gives."""
    try:
        return import_bundle(read_fhir_file(path), kb, lang=lang, source=path.name)
    except CrossroadsError as exc:
        return str(exc).replace(str(path), path.name)


def report_text(name: str, found: ImportResult | str, lang: str) -> str:
    """The mapping report as a reviewable text: one row per resource, then every note."""
    maps = load_fhir_maps()
    lines = [f"# {name} ({lang})"]
    if isinstance(found, str):
        return "\n".join([*lines, f"refused: {found}"]) + "\n"
    lines.append("## resources")
    for row in found.report:
        outcome = maps.phrase(f"report.outcome.{row.outcome}", lang)
        lines.append(f"{row.where} | {outcome} | {row.detail}")
    lines.append("## notes")
    lines += [f"{note.kind} | {note.where} | {note.message}" for note in found.notes]
    return "\n".join(lines) + "\n"


def _golden_path(name: str, lang: str) -> Path:
    return GOLDEN / f"{name.replace('/', '__')}.{lang}.txt"


def test_the_corpus_has_at_least_15_listed_files_under_1_mb() -> None:
    names = [_name(p) for p in CORPUS]
    assert len(names) >= 15
    assert set(names) == set(EXPECTED)
    for path in CORPUS:
        assert path.stat().st_size < 1_000_000, path.name
        sources = (path.parent / "SOURCES.md").read_text(encoding="utf-8")
        assert f"| {path.name} |" in sources, f"{path.name} is not in its SOURCES.md"


@pytest.mark.parametrize("path", CORPUS, ids=_name)
def test_corpus_file_gives_its_expected_mapping_report(
    path: Path, kb: KnowledgeBase, golden: Golden
) -> None:
    name = _name(path)
    golden.check(_golden_path(name, "en"), report_text(name, import_file(path, kb), "en"))


@pytest.mark.parametrize("name", CHINESE)
def test_corpus_report_reads_in_chinese(name: str, kb: KnowledgeBase, golden: Golden) -> None:
    found = import_file(FIXTURES / name, kb, lang="zh-Hans")
    golden.check(_golden_path(name, "zh"), report_text(name, found, "zh-Hans"))


@pytest.mark.parametrize("path", CORPUS, ids=_name)
def test_corpus_file_reaches_the_category_a_clinician_gives(path: Path, kb: KnowledgeBase) -> None:
    found = import_file(path, kb)
    expected = EXPECTED[_name(path)]
    if expected is None:
        assert isinstance(found, str)
        assert "not a Bundle or a Patient" in found
        return
    assert isinstance(found, ImportResult), found
    case = check_codes(found.case, kb)
    result = classify(case, kb, PLACES, today=TODAY)
    assert {place.jurisdiction: place.category for place in result.jurisdictions} == expected


@pytest.mark.parametrize("path", CORPUS, ids=_name)
def test_cli_imports_every_corpus_file_without_a_traceback(path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crossroads", "fhir", "import", str(path), "--report"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr
    if EXPECTED[_name(path)] is None:
        assert done.returncode == 2
        assert done.stdout == ""
        assert done.stderr.startswith(f"error: {path}: the file holds one ")
        assert done.stderr.endswith(
            "Export the patient's record as a FHIR Bundle (all "
            "resources about one patient) and import that.\n"
        )
    else:
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("# Imported by Crossroads from ")
        assert "What became of each record in the file" in done.stderr
