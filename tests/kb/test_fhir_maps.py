"""The FHIR code tables: look-ups, and `findings` for broken tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import MAPS_FILE, AmbiguousRow, DiseaseRow, findings, load_fhir_maps

pytestmark = pytest.mark.unit
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"


def test_fhir_maps_have_no_errors(kb: KnowledgeBase) -> None:
    found = findings(kb)
    assert [f for f in found if f.level == "error"] == []
    # The three ICD-O-3 codes the dossier did not re-verify are flagged for a reviewer.
    assert sorted(f.where for f in found) == [
        "fhir_maps: ambiguous.icdo3#9690/3",
        "fhir_maps: diseases.icdo3#9673/3",
        "fhir_maps: diseases.icdo3#9811/3",
    ]


@pytest.mark.parametrize(
    ("code", "disease", "state"),
    [
        ("C83.30", "lbcl", None),  # stem C83.3: any site
        ("C8339", "lbcl", None),  # the same code written without the dot
        ("c83.10", "mcl", None),
        ("C90.02", "mm", "relapsed"),
        ("C91.12", "cll", "relapsed"),
    ],
)
def test_disease_lookup_by_icd10cm(code: str, disease: str, state: str | None) -> None:
    row = load_fhir_maps().disease(ICD10CM, code)
    assert isinstance(row, DiseaseRow)
    assert (row.disease, row.state) == (disease, state)


def test_disease_lookup_marks_ambiguous_and_unknown_codes() -> None:
    maps = load_fhir_maps()
    assert isinstance(maps.disease(ICD10CM, "C82.49"), AmbiguousRow)  # FL: the grade decides
    assert isinstance(maps.disease(ICD10CM, "C91.00"), AmbiguousRow)  # ALL: B or T cell
    assert maps.disease(ICD10CM, "C50.911") is None  # breast cancer: not in the tables
    assert maps.disease(SNOMED, "C83.30") is None  # a code is only read in its own system


def test_export_codes_are_true_for_the_subtype() -> None:
    maps = load_fhir_maps()
    assert [r.code for r in maps.export_codes("lbcl", "dlbcl_nos")] == ["109969005"]
    assert maps.export_codes("lbcl", "pmbcl") == []  # DLBCL would not be true for PMBCL
    assert maps.export_codes("lbcl", None) == []
    assert [r.code for r in maps.export_codes("fl", None)] == ["308121000"]
    assert maps.export_codes(None, None) == []


def test_ecog_answers_cover_zero_to_five() -> None:
    maps = load_fhir_maps()
    assert [maps.ecog_answer(v).code for v in range(6)] == [  # type: ignore[union-attr]
        "LA9622-7",
        "LA9623-5",
        "LA9624-3",
        "LA9625-0",
        "LA9626-8",
        "LA9627-6",
    ]
    assert maps.ecog_value("http://loinc.org", "LA9625-0") == 3
    assert maps.ecog_value("http://loinc.org", "LA0000-0") is None


def _broken(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(MAPS_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "fhir_maps.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (
            lambda d: d["diseases"][0].update(disease="dlbcl"),
            "fhir_maps: diseases.snomed#109969005",
            "unknown disease code 'dlbcl'",
        ),
        (
            lambda d: d["diseases"][3].update(subtype="sll2"),
            "fhir_maps: diseases.snomed#277473004",
            "'sll2' is not a subtype of cll",
        ),
        (
            lambda d: d["systems"].pop("atc"),
            "fhir_maps: systems",
            "no system 'atc' (drug codes use it)",
        ),
        (
            lambda d: d["diseases"].append(dict(d["diseases"][0])),
            "fhir_maps: 109969005",
            "code is listed twice",
        ),
        (
            lambda d: d["ecog"]["answers"].pop(),
            "fhir_maps: ecog.answers",
            "values are [0, 1, 2, 3, 4], not 0-5",
        ),
        (
            lambda d: d["phrases"].pop("cds.open_case"),
            "fhir_maps: phrases",
            "no phrase 'cds.open_case'",
        ),
        (
            lambda d: d["header"].update(release="2020.1"),
            "fhir_maps: header",
            "release '2020.1' is not the knowledge-base release '2026.11.1'",
        ),
        (
            lambda d: d["procedures"][0].update(as_of="2027-01-01"),
            "fhir_maps: procedures.snomed#58776007",
            "checked 2027-01-01, after the release date",
        ),
    ],
)
def test_findings_catch_broken_tables(
    kb: KnowledgeBase, tmp_path: Path, change, where: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    found = findings(kb, path=_broken(tmp_path, change))
    assert ("error", where, message) in [(f.level, f.where, f.message) for f in found]


def test_findings_report_an_unreadable_file(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "fhir_maps.yaml"
    path.write_text("diseases: [", encoding="utf-8")
    (finding,) = findings(kb, path=path)
    assert (finding.level, finding.where) == ("error", "fhir_maps")
    assert finding.message.startswith("fhir_maps.yaml: not valid YAML")
