"""The FHIR code tables: look-ups, and `findings` for broken tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import MAPS_FILE, AmbiguousRow, DiseaseRow, findings, load_fhir_maps

pytestmark = pytest.mark.unit
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10GM = "http://fhir.de/CodeSystem/bfarm/icd-10-gm"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
SNOMED = "http://snomed.info/sct"


def test_fhir_maps_have_no_errors(kb: KnowledgeBase) -> None:
    found = findings(kb)
    assert [f for f in found if f.level == "error"] == []
    # ICD-O-3 codes read only from ranges, and the one ICD-10-GM OID, are flagged for a reviewer.
    assert sorted(f.where for f in found) == [
        "fhir_maps: ambiguous.icdo3#9690/3",
        "fhir_maps: diseases.icdo3#9673/3",
        "fhir_maps: diseases.icdo3#9679/3",
        "fhir_maps: diseases.icdo3#9699/3",
        "fhir_maps: diseases.icdo3#9811/3",
        "fhir_maps: diseases.icdo3#9812/3",
        "fhir_maps: system_aliases.icd10gm urn:oid:1.2.276.0.76.5.409",
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


def _settles(system: str, code: str) -> tuple[str, str | None, str | None] | None:
    row = load_fhir_maps().disease(system, code)
    return (row.disease, row.subtype, row.state) if isinstance(row, DiseaseRow) else None


@pytest.mark.parametrize(
    ("system", "code", "expected"),
    [
        # follicular lymphoma: the grade in the code decides (3B counts as large B-cell lymphoma)
        (ICD10CM, "C82.09", ("fl", "fl_grade1_3a", None)),
        (ICD10CM, "C82.18", ("fl", "fl_grade1_3a", None)),
        (ICD10CM, "C82.30", ("fl", "fl_grade1_3a", None)),
        (ICD10CM, "C82.49", ("lbcl", "fl3b", None)),  # the longer stem C82.4 beats C82
        (ICD10, "C82.4", ("lbcl", "fl3b", None)),
        (ICD10GM, "C82.3", ("fl", "fl_grade1_3a", None)),
        (ICD10CM, "C85.22", ("lbcl", "pmbcl", None)),
        (ICD10CM, "C88.4", ("mzl", "extranodal", None)),
        (ICD10CM, "C90.0", ("mm", None, None)),  # 4-character form, remission not given
        (ICD10CM, "C91.1", ("cll", "cll", None)),
        # ICD-10 sent with an OID, an older URL, without the dot or with GM marks
        ("urn:oid:2.16.840.1.113883.6.90", "C83.30", ("lbcl", None, None)),
        ("urn:oid:2.16.840.1.113883.6.3", "C833", ("lbcl", None, None)),
        ("urn:oid:1.2.276.0.76.5.409", "C83.1", ("mcl", None, None)),
        ("http://fhir.de/CodeSystem/dimdi/icd-10-gm", "c83.3+", ("lbcl", None, None)),
        (ICD10GM, "C90.00", ("mm", None, None)),
        (ICD10GM, "C90.01", ("mm", None, "remission")),  # GM: 1 = complete remission
        (ICD10GM, "C91.11", ("cll", "cll", "remission")),
        # ICD-O-3 morphology, written with or without the slash
        (ICDO3, "9680/3", ("lbcl", None, None)),
        (ICDO3, "M-96803", ("lbcl", None, None)),
        (ICDO3, "9812/3", ("ball", "ph_positive", None)),
        # SNOMED CT subtypes
        (SNOMED, "444910004", ("lbcl", "pmbcl", None)),
        (SNOMED, "763666008", ("mzl", "splenic", None)),
        ("urn:oid:2.16.840.1.113883.6.96", "726721002", ("mzl", "nodal", None)),
        # out of scope: their own disease, so the plain hard stop shows
        (ICD10CM, "C81.10", ("hodgkin", None, None)),
        (ICD10, "C92.0", ("aml", None, None)),
        (ICD10CM, "C50.911", ("other", None, None)),
        (ICD10CM, "C84.40", ("other", None, None)),
        (SNOMED, "118599009", ("hodgkin", None, None)),
        (SNOMED, "91861009", ("aml", None, None)),
        (SNOMED, "254837009", ("other", None, None)),
    ],
)
def test_disease_lookup_reads_every_system_and_form(
    system: str, code: str, expected: tuple[str, str | None, str | None]
) -> None:
    assert _settles(system, code) == expected


def test_disease_lookup_marks_ambiguous_and_unknown_codes() -> None:
    maps = load_fhir_maps()
    assert isinstance(maps.disease(ICD10CM, "C82.99"), AmbiguousRow)  # FL: the grade decides
    assert isinstance(maps.disease(ICD10CM, "C82.29"), AmbiguousRow)  # grade 3, A or B?
    assert isinstance(maps.disease(ICD10CM, "C83.07"), AmbiguousRow)  # SLL, MZL or LPL
    assert isinstance(maps.disease(ICD10CM, "C91.00"), AmbiguousRow)  # ALL: B or T cell
    assert isinstance(maps.disease(ICD10GM, "C91.01"), AmbiguousRow)
    assert isinstance(maps.disease(ICD10CM, "C90.10"), AmbiguousRow)  # plasma cell leukaemia
    assert isinstance(maps.disease(SNOMED, "363346000"), AmbiguousRow)  # "a cancer"
    assert isinstance(maps.disease(ICD10CM, "C88.0"), AmbiguousRow)  # a cancer not placed
    assert isinstance(maps.disease(ICD10GM, "C96.4"), AmbiguousRow)
    assert maps.disease(ICD10CM, "D47.2") is None  # MGUS: not a cancer code
    assert maps.disease(ICD10CM, "I10") is None  # high blood pressure
    assert maps.disease(SNOMED, "C83.30") is None  # a code is only read in its own system
    assert maps.disease("urn:oid:1.2.3", "C83.30") is None  # an unknown system


def test_procedure_lookup_knows_car_t_and_transplants() -> None:
    maps = load_fhir_maps()
    car_t = maps.procedure(SNOMED, "1156961008")
    assert car_t is not None and (car_t.cellular, car_t.transplant) == ("car_t", None)
    auto = maps.procedure("urn:oid:2.16.840.1.113883.6.96", "58776007")
    assert auto is not None and auto.transplant == "autologous"
    assert maps.cellular_code("car_t") == car_t
    assert maps.procedure(SNOMED, "0000") is None


def test_export_codes_are_true_for_the_subtype() -> None:
    maps = load_fhir_maps()
    assert [r.code for r in maps.export_codes("lbcl", "dlbcl_nos")] == ["109969005"]
    # DLBCL would not be true for PMBCL, which has its own code
    assert [r.code for r in maps.export_codes("lbcl", "pmbcl")] == ["444910004"]
    assert maps.export_codes("lbcl", "tfl") == []
    assert [r.code for r in maps.export_codes("mzl", "splenic")] == ["763666008"]
    assert maps.export_codes("mzl", None) == []
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
            lambda d: d["diseases"][4].update(subtype="sll2"),
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
            "release '2020.1' is not the knowledge-base release '2026.12.1'",
        ),
        (
            lambda d: d["procedures"][0].update(cellular="car_t"),
            "fhir_maps: procedures.snomed#58776007",
            "set exactly one of transplant or cellular",
        ),
        (
            lambda d: d["system_aliases"][0].update(system="icd9"),
            "fhir_maps: system_aliases urn:oid:2.16.840.1.113883.6.90",
            "no system 'icd9'",
        ),
        (
            lambda d: d["system_aliases"][0].update(uri="http://snomed.info/sct"),
            "fhir_maps: system_aliases http://snomed.info/sct",
            "alias is already a canonical system URI",
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


_ICD_ROWS = [
    row
    for row in [*load_fhir_maps().data.diseases, *load_fhir_maps().data.ambiguous]
    if row.system.startswith("icd10")
]
_ALIASES = {a.system: a.uri for a in load_fhir_maps().data.system_aliases}


@settings(max_examples=200, deadline=None)
@given(
    row=st.sampled_from(_ICD_ROWS),
    suffix=st.text(alphabet="0123456789", max_size=2),
    dotted=st.booleans(),
    lower=st.booleans(),
    alias=st.booleans(),
)
def test_icd_lookup_does_not_depend_on_how_the_code_is_written(
    row: DiseaseRow | AmbiguousRow, suffix: str, dotted: bool, lower: bool, alias: bool
) -> None:
    """A code and its longer forms (a stem's site digits) read the same with or without the dot,
    in either case, and with the system's OID: senders differ, the meaning does not."""
    maps = load_fhir_maps()
    code = row.code + (suffix if row.prefix else "")
    canonical = maps.disease(maps.uri(row.system), code)
    written = code if dotted else code.replace(".", "")
    written = written.lower() if lower else written
    system = _ALIASES.get(row.system, maps.uri(row.system)) if alias else maps.uri(row.system)
    assert maps.disease(system, written) == canonical
    assert canonical is not None
    if not row.prefix or not suffix:
        assert canonical == row  # the row itself wins for its own code


@pytest.mark.parametrize(
    ("code", "disease"),
    [
        ("C83.3", "lbcl"),  # the stem itself
        ("C83.39", "lbcl"),
        ("C83.2", None),  # next to the stem: not DLBCL (a cancer the tables do not place)
        ("C83.4", None),
        ("C82.4", "lbcl"),  # grade IIIb
        ("C82.3", "fl"),  # grade IIIa, one below
        ("C82.5", None),  # diffuse follicle centre: grade not in the code
    ],
)
def test_icd_stem_boundaries(code: str, disease: str | None) -> None:
    row = load_fhir_maps().disease(ICD10CM, code)
    assert row is not None  # every C code is at least "a cancer"
    assert (row.disease if isinstance(row, DiseaseRow) else None) == disease
