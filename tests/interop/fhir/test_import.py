"""FHIR import: every fixture file either imports or says exactly what was not mapped.

The fixtures are real mCODE files from public repositories (tests/fixtures/fhir/mcode/SOURCES.md).
They describe breast cancer, which Crossroads does not cover: the disease and the breast-cancer
medicines must come out as "not mapped", never as a guess. Expected notes were worked out by
reading each fixture resource by resource.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from crossroads.common.errors import FhirInputError
from crossroads.interop.fhir import ImportResult, import_bundle, import_resources, read_fhir_file
from crossroads.interop.fhir.export import case_data_extension
from crossroads.kb import KnowledgeBase

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "fhir" / "mcode"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"


def _import(kb: KnowledgeBase, name: str) -> ImportResult:
    return import_bundle(read_fhir_file(FIXTURES / name), kb)


def _notes(result: ImportResult) -> list[tuple[str, str]]:
    return [(n.kind, n.where) for n in result.notes]


def _data(result: ImportResult) -> dict[str, Any]:
    """The imported case without the sections that stay at their defaults."""
    keep = ("patient", "diagnosis", "disease_status", "fitness", "lines", "transplants")
    return {
        k: v
        for k, v in result.case.to_data().items()
        if k in keep and v not in ({}, {"record_numbers": []})
    }


def test_import_eom_patient_reads_breast_cancer_as_another_disease(kb: KnowledgeBase) -> None:
    result = _import(kb, "ctms-eom_patient_1.json")
    assert _data(result) == {
        "patient": {
            "name": "CC Ancora",
            "birth_date": "1987-01-01",
            "record_numbers": [{"system": "Medical Record Number", "value": "Ancora-13"}],
            "sex": "female",
        },
        "diagnosis": {"disease": "other"},  # SNOMED 372137005 breast cancer (the histology
        # code 1187425009 sits next to it and is not needed once the disease is known)
        "fitness": {"ecog": 3},
    }
    assert _notes(result) == [
        ("not_used", "Patient/Ancora-13.extension"),  # us-core-birthsex
        ("not_used", "Condition/conditionId-2"),  # secondary cancer (lung metastasis)
        ("not_used", "Observation/cancerDiseaseStatusId-1"),  # "improved" settles no field
        (
            "not_used",
            "Observation/546d75a171ad7f90983a6f32e7fb3da7511534dd4229d6d3fd9e493b22c6f3c7",
        ),
        ("not_used", "Observation/tnm-clinical-primary-tumor-category-cT3"),
        ("not_used", "Observation/tnm-clinical-regional-nodes-category-cN3"),
        ("not_used", "Observation/tnm-clinical-distant-metastases-category-cM0"),
        ("not_used", "Observation/tumor-marker-test-her2-jenny-m"),
        ("not_used", "Observation/tumor-marker-test-er-jenny-m"),
        ("not_used", "Observation/tumor-marker-test-pr-jenny-m"),
        ("unmapped", "MedicationStatement/medicationId-1"),  # abemaciclib
        ("unmapped", "MedicationStatement/medicationId-2"),  # alpelisib
        ("not_used", "Observation/observation-id-3"),
        ("not_used", "Observation/observation-id-4"),
        ("not_used", "Observation/observation-id-5"),
        ("not_used", "Condition/conditionId-1.extension"),  # condition-assertedDate
        # Both medicines are unidentified and start outside any line: the lines stay unknown.
        ("unmapped", "MedicationStatement/medicationId-1, MedicationStatement/medicationId-2"),
    ]
    unmapped = [n.message for n in result.unmapped]
    assert unmapped[0] == (
        f"{RXNORM}#1946827 (abemaciclib Oral Product) is not in Crossroads' code tables, so the "
        "medicine stays unknown."
    )
    assert len(unmapped) == 3  # two medicines and the lines they leave unknown


PACLITAXEL_RECORDS = ", ".join(
    f"MedicationStatement/{i}"
    for i in (
        "6556b6b3-678c-4fd6-9309-8df7742f6e4e",
        "6cb316ef-0e5a-4e33-9c03-6a9954150c91",
        "3ca6685f-7bb0-4714-93cb-ca2488438fcc",
    )
)


def test_import_synthea_bundle_keeps_only_this_patients_data(kb: KnowledgeBase) -> None:
    result = _import(kb, "ctms-patient_data.json")
    assert _data(result) == {
        "patient": {
            "name": "Wava789 Corwin846",
            "birth_date": "1966-08-03",
            "record_numbers": [
                {
                    "system": "https://github.com/synthetichealth/synthea",
                    "value": "1e208b6b-77f1-4808-a32b-9f9caf1ec334",
                },
                {
                    "system": "Medical Record Number",
                    "value": "1e208b6b-77f1-4808-a32b-9f9caf1ec334",
                },
                {"system": "Social Security Number", "value": "999-91-4216"},
                {"system": "Driver's License", "value": "S99925554"},
                {"system": "Passport Number", "value": "X88633069X"},
            ],
            "contact": {"phone": "555-286-3105", "address": "1023 Rodriguez Port"},
            "sex": "female",
            "country": "US",
            "city": "Newburyport",
            "language": "en",
        },
        # SNOMED 254837009 breast cancer: another cancer, so the plain out-of-scope answer shows
        "diagnosis": {"disease": "other", "diagnosed": "2017-07-21"},  # local date of the dateTime
    }
    # The ECOG and Karnofsky observations name another patient: not used, and ECOG stays unknown.
    assert ("not_used", "Observation/mCODEECOGPerformanceStatusExample") in _notes(result)
    assert result.case.fitness.ecog is None
    assert [n.where for n in result.unmapped] == [
        "MedicationStatement/6556b6b3-678c-4fd6-9309-8df7742f6e4e",  # paclitaxel (RxNorm 583214)
        "MedicationStatement/6cb316ef-0e5a-4e33-9c03-6a9954150c91",
        "MedicationStatement/3ca6685f-7bb0-4714-93cb-ca2488438fcc",
        "MedicationStatement/6cb316ef-0e5a-4e33-9c03-6a9954150c91",  # the file repeats these two
        "MedicationStatement/3ca6685f-7bb0-4714-93cb-ca2488438fcc",
        "Condition/4dee068c-5ffe-4977-8677-4ff9b518e763.stage",  # two different stage groups
        PACLITAXEL_RECORDS,  # unidentified medicines outside any line: lines stay unknown
    ]
    assert "lines" not in _data(result)


def test_import_synthea_bundle_lists_every_note(kb: KnowledgeBase) -> None:
    result = _import(kb, "ctms-patient_data.json")
    patient = "Patient/1e208b6b-77f1-4808-a32b-9f9caf1ec334.extension"
    condition = "Condition/4dee068c-5ffe-4977-8677-4ff9b518e763"
    assert _notes(result) == [
        *[("not_used", patient)]
        * 7,  # race, ethnicity, maiden name, birth sex, birthplace, DALY, QALY
        ("not_used", "Observation/95d74cb0-15d5-44dd-a289-b622bfed80be"),  # HER2
        ("not_used", "Observation/79930cdd-7eb4-44e3-8e5e-f45892813d04"),  # HER2
        ("not_used", "Observation/576e8b5e-4f9e-418c-842b-f86d6e7ce795"),  # ER
        ("not_used", "Observation/479386ba-79c4-494f-b70f-4368694a4b15"),  # TNM stage group
        ("unmapped", "MedicationStatement/6556b6b3-678c-4fd6-9309-8df7742f6e4e"),  # paclitaxel
        ("not_used", "Observation/6556b6b3-678c-4fd6-9309-8df77xxxxxxx"),  # another patient
        ("unmapped", "MedicationStatement/6cb316ef-0e5a-4e33-9c03-6a9954150c91"),
        ("unmapped", "MedicationStatement/3ca6685f-7bb0-4714-93cb-ca2488438fcc"),
        ("not_used", "Procedure/4ea56d5b-3d96-41c0-b126-918ceabf34c7"),  # surgical procedure
        ("not_used", "Observation/6556b6b3-678c-4fd6-9309-8df77xxxxxxx"),
        ("unmapped", "MedicationStatement/6cb316ef-0e5a-4e33-9c03-6a9954150c91"),
        ("unmapped", "MedicationStatement/3ca6685f-7bb0-4714-93cb-ca2488438fcc"),
        ("not_used", "Procedure/4ea56d5b-3d96-41c0-b126-918ceabf34c7"),
        ("not_used", "Procedure/4d705ed3-bbdd-47f3-804d-18f0e094eda2"),
        ("not_used", "Procedure/92df8252-84bd-4cbe-b1dc-f80a9f28d1cc"),  # radiation procedures
        ("not_used", "Procedure/6a401855-9277-4b01-ac59-48ac734eece6"),
        ("not_used", "Procedure/4f022991-251b-4e84-8dd3-730d3557e872"),
        ("not_used", "Condition/4dee068c-5ffe-4977-8677-4ff9b518e763x"),  # secondary cancer
        ("not_used", "Procedure/6a401855-9277-4b01-ac59-48ac734eece6xxx"),
        ("not_used", "Condition/4dee068c-5ffe-4977-8677-4ff9b518e763x"),
        ("not_used", "Observation/479386ba-79c4-494f-b70f-4368694a4b15x"),
        ("not_used", "Observation/mCODEKarnofskyPerformanceStatusExample"),  # another patient
        ("not_used", "Observation/mCODEECOGPerformanceStatusExample"),  # another patient
        ("unmapped", f"{condition}.stage"),
        ("unmapped", PACLITAXEL_RECORDS),
    ]


def test_import_disease_status_bundle_without_a_patient(kb: KnowledgeBase) -> None:
    result = _import(kb, "mef-csv-cancer-disease-status-bundle.json")
    assert _data(result) == {}
    assert _notes(result) == [
        ("problem", "Bundle"),
        (
            "unmapped",
            "Observation/e8293a0d18fb20d6b1749009032a26f2d34d8418369c87c8345f6c988fa0fc33",
        ),
    ]
    assert result.notes[1].message == (
        "The value Cancer in complete remission(finding) cannot be used for where the disease "
        "stands now, so it stays unknown."
    )


def test_import_medication_request_bundle_reports_the_example_code(kb: KnowledgeBase) -> None:
    result = _import(kb, "mef-csv-medication-request-bundle.json")
    request = "MedicationRequest/requestId-1"
    assert _notes(result) == [
        ("problem", "Bundle"),
        ("unmapped", request),
        ("problem", request),  # authoredOn is the placeholder "YYYY-MM-DD"
        ("unmapped", request),  # so it cannot be placed in a line: lines unknown
    ]
    assert result.notes[1].message.startswith(
        "example-code-system#example-code (Example Text) is not"
    )
    assert "1 record(s) have no date" in result.notes[3].message
    assert result.case.lines is None


def test_import_staging_bundle_has_nothing_crossroads_keeps(kb: KnowledgeBase) -> None:
    result = _import(kb, "mef-csv-staging-bundle.json")
    assert [k for k, _ in _notes(result)] == [
        "problem",
        "not_used",
        "not_used",
        "not_used",
        "not_used",
    ]
    assert _data(result) == {}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("mef-maximal-medication-request.json", "MedicationRequest"),
        ("mef-maximal-staging-resource.json", "Observation"),
        ("mef-tumor-category-clinical-resource.json", "Observation"),
    ],
)
def test_import_refuses_a_lone_resource_with_a_fix(name: str, kind: str) -> None:
    with pytest.raises(FhirInputError) as raised:
        read_fhir_file(FIXTURES / name)
    assert str(raised.value) == (
        f"{FIXTURES / name}: the file holds one {kind} resource, not a Bundle or a Patient. "
        "Export the patient's record as a FHIR Bundle (all resources about one patient) and "
        "import that."
    )


def test_import_covers_every_fixture_file() -> None:
    tested = {
        "ctms-eom_patient_1.json",
        "ctms-patient_data.json",
        "mef-csv-cancer-disease-status-bundle.json",
        "mef-csv-medication-request-bundle.json",
        "mef-csv-staging-bundle.json",
        "mef-maximal-medication-request.json",
        "mef-maximal-staging-resource.json",
        "mef-tumor-category-clinical-resource.json",
    }
    assert {p.name for p in FIXTURES.glob("*.json")} == tested


def test_import_refuses_text_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{\n  'single quotes'\n}", encoding="utf-8")
    with pytest.raises(FhirInputError, match="not JSON \\(line 2, column 3"):
        read_fhir_file(path)


def test_import_refuses_a_bundle_of_two_patients(kb: KnowledgeBase) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "a"}},
            {"resource": {"resourceType": "Patient", "id": "b"}},
        ],
    }
    with pytest.raises(FhirInputError, match="the file holds 2 patients"):
        import_bundle(bundle, kb)


# -- mappings through the knowledge-base tables ----------------------------------------------
def _condition(*codings: dict[str, str], **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": "c",
        "code": {"coding": list(codings)},
        "subject": {"reference": "Patient/p"},
        **more,
    }


PATIENT = {"resourceType": "Patient", "id": "p"}


@pytest.mark.parametrize(
    ("coding", "disease", "subtype", "state"),
    [
        ({"system": SNOMED, "code": "109969005"}, "lbcl", None, None),
        ({"system": SNOMED, "code": "277473004"}, "cll", "cll", None),
        ({"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C83.38"}, "lbcl", None, None),
        ({"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C90.02"}, "mm", None, "relapsed"),
        (
            {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C91.11"},
            "cll",
            "cll",
            "remission",
        ),
        ({"system": "http://hl7.org/fhir/sid/icd-10", "code": "C90.0"}, "mm", None, None),
        (
            {"system": "http://terminology.hl7.org/CodeSystem/icd-o-3", "code": "9732/3"},
            "mm",
            None,
            None,
        ),
    ],
)
def test_import_maps_disease_codes_through_the_tables(
    kb: KnowledgeBase, coding: dict[str, str], disease: str, subtype: str | None, state: str | None
) -> None:
    result = import_resources([PATIENT, _condition(coding)], kb)
    assert (
        result.case.diagnosis.disease,
        result.case.diagnosis.subtype,
        result.case.disease_status.state,
    ) == (
        disease,
        subtype,
        state,
    )
    assert result.notes == ()


def test_import_leaves_an_ungraded_follicular_lymphoma_unknown(kb: KnowledgeBase) -> None:
    result = import_resources([PATIENT, _condition({"system": SNOMED, "code": "308121000"})], kb)
    assert result.case.diagnosis.disease is None
    assert [(n.kind, n.where) for n in result.notes] == [("ambiguous", "Condition/c")]
    assert (
        "Grade 3B follicular lymphoma counts as large B-cell lymphoma here"
        in result.notes[0].message
    )


def test_import_keeps_the_relapse_of_an_all_code_but_not_the_cell_type(kb: KnowledgeBase) -> None:
    coding = {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C91.02"}
    result = import_resources([PATIENT, _condition(coding)], kb)
    assert (result.case.diagnosis.disease, result.case.disease_status.state) == (None, "relapsed")
    assert [n.kind for n in result.notes] == ["ambiguous"]


def test_import_reports_codes_that_disagree(kb: KnowledgeBase) -> None:
    condition = _condition(
        {"system": SNOMED, "code": "109969005"}, {"system": SNOMED, "code": "109989006"}
    )
    result = import_resources([PATIENT, condition], kb)
    assert result.case.diagnosis.disease is None
    assert [(n.kind, n.message) for n in result.notes] == [
        (
            "problem",
            "The record points to different things (lbcl, mm), so the disease stays unknown.",
        )
    ]


def test_import_reads_clinical_status_and_the_latest_progression(kb: KnowledgeBase) -> None:
    condition = _condition(
        {"system": SNOMED, "code": "109989006"},
        clinicalStatus={
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "relapse",
                }
            ]
        },
        onsetDateTime="2021-03-04T10:00:00+08:00",
    )

    def status(day: str, code: str) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "id": day,
            "status": "final",
            "code": {"coding": [{"system": LOINC, "code": "97509-4"}]},
            "subject": {"reference": "Patient/p"},
            "effectiveDateTime": day,
            "valueCodeableConcept": {"coding": [{"system": SNOMED, "code": code}]},
        }

    result = import_resources(
        [
            PATIENT,
            condition,
            status("2025-02", "271299001"),
            status("2026-05-10", "271299001"),
            status("2026-07", "268910001"),
        ],
        kb,
    )
    assert result.case.disease_status.state == "relapsed"
    assert str(result.case.disease_status.last_progression) == "2026-05-10"
    assert str(result.case.diagnosis.diagnosed) == "2021-03-04"
    assert [(n.kind, n.where) for n in result.notes] == [("not_used", "Observation/2026-07")]


def _ecog(obs_id: str, date: str | None, **value: Any) -> dict[str, Any]:
    out = {
        "resourceType": "Observation",
        "id": obs_id,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "89247-1"}]},
        "subject": {"reference": "Patient/p"},
        **value,
    }
    if date:
        out["effectiveDateTime"] = date
    return out


def test_import_takes_the_latest_ecog_and_reads_loinc_answers(kb: KnowledgeBase) -> None:
    answer = {"valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA9625-0"}]}}
    result = import_resources(
        [PATIENT, _ecog("a", "2026-01-01", valueInteger=1), _ecog("b", "2026-03-01", **answer)], kb
    )
    assert result.case.fitness.ecog == 3
    assert result.notes == ()


def test_import_refuses_ecog_five_and_undated_disagreement(kb: KnowledgeBase) -> None:
    five = import_resources([PATIENT, _ecog("a", None, valueInteger=5)], kb)
    assert five.case.fitness.ecog is None
    assert [n.kind for n in five.notes] == ["unmapped"]
    mixed = import_resources(
        [PATIENT, _ecog("a", None, valueInteger=1), _ecog("b", None, valueInteger=2)], kb
    )
    assert mixed.case.fitness.ecog is None
    assert [(n.kind, n.where) for n in mixed.notes] == [("problem", "Observation/a, Observation/b")]


def test_import_groups_medicines_but_leaves_a_line_with_an_unknown_medicine_open(
    kb: KnowledgeBase,
) -> None:
    def med(med_id: str, code: str) -> dict[str, Any]:
        return {
            "resourceType": "MedicationAdministration",
            "id": med_id,
            "status": "completed",
            "subject": {"reference": "Patient/p"},
            "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": code}]},
            "effectiveDateTime": "2025-01-01",
        }

    result = import_resources(
        [PATIENT, med("m1", "3002"), med("m2", "11202"), med("m3", "999999")], kb
    )
    # One line (same day), but its medicines stay unknown: m3 could not be identified.
    assert result.case.to_data()["lines"] == [
        {"kind": "systemic", "start": "2025-01-01", "end": "2025-01-01"}
    ]
    records = ", ".join(f"MedicationAdministration/m{i}" for i in (1, 2, 3))
    assert [(n.kind, n.where) for n in result.notes] == [
        ("unmapped", "MedicationAdministration/m3"),
        ("problem", records),
    ]
    assert result.notes[1].message == (
        "Line 1, put together by Crossroads from these medicine records: medicines not all "
        "identified, from 2025-01-01 to 2025-01-01. It starts with the first cancer medicine in "
        "the records (cyclophosphamide, 2025-01-01); medicines started within the following 28 "
        "days belong to it. 1 medicine record(s) in this line could not be identified, so its "
        "medicines stay unknown. The records do not say which medicines formed one line; "
        "Crossroads grouped them by a published rule. Ask the treating team to confirm this line."
    )


@pytest.mark.parametrize(
    ("code", "transplant"),
    [("58776007", "autologous"), ("58390007", "allogeneic")],
)
def test_import_reads_transplant_procedures(kb: KnowledgeBase, code: str, transplant: str) -> None:
    procedure = {
        "resourceType": "Procedure",
        "id": "t",
        "status": "completed",
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [{"system": SNOMED, "code": code}]},
        "performedPeriod": {"start": "2024-06-02"},
    }
    result = import_resources([PATIENT, procedure], kb)
    assert result.case.to_data()["transplants"] == [{"type": transplant, "date": "2024-06-02"}]


def test_import_leaves_a_transplant_of_unknown_type_unknown(kb: KnowledgeBase) -> None:
    procedure = {
        "resourceType": "Procedure",
        "id": "t",
        "status": "completed",
        "subject": {"reference": "Patient/p"},
        "code": {
            "coding": [
                {
                    "system": SNOMED,
                    "code": "234336002",
                    "display": "Hemopoietic stem cell transplant",
                }
            ]
        },
    }
    result = import_resources([PATIENT, procedure], kb)
    assert result.case.transplants is None
    assert [(n.kind, n.message) for n in result.notes] == [
        (
            "unmapped",
            f"{SNOMED}#234336002 (Hemopoietic stem cell transplant) is not in Crossroads' code "
            "tables, "
            "so the transplant or cell therapy stays unknown.",
        )
    ]


@pytest.mark.parametrize(
    ("code", "language", "notes"),
    [
        ("en-GB", "en", 0),
        ("zh-CN", "zh-Hans", 0),
        ("zh-Hans", "zh-Hans", 0),
        ("zh-TW", None, 1),
        ("nl", None, 1),
    ],
)
def test_import_maps_only_languages_it_can_serve(
    kb: KnowledgeBase, code: str, language: str | None, notes: int
) -> None:
    patient = copy.deepcopy(PATIENT) | {
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]}}]
    }
    result = import_resources([patient], kb)
    assert (result.case.patient.language, len(result.notes)) == (language, notes)


def test_import_reports_a_country_name_it_cannot_code(kb: KnowledgeBase) -> None:
    patient = PATIENT | {"address": [{"city": "Anytown", "country": "United States"}]}
    result = import_resources([patient], kb)
    assert (result.case.patient.country, result.case.patient.city) == (None, "Anytown")
    assert [(n.kind, n.where) for n in result.notes] == [
        ("unmapped", "Patient/p.address[0].country")
    ]


def test_import_drops_a_value_the_case_format_refuses_and_says_so(kb: KnowledgeBase) -> None:
    patient = PATIENT | {"name": [{"text": "x" * 300}], "gender": "male"}
    result = import_resources([patient], kb)
    assert (result.case.patient.name, result.case.patient.sex) == (None, "male")
    assert [(n.kind, n.where) for n in result.notes] == [("problem", "patient.name")]


def test_import_gives_chinese_messages(kb: KnowledgeBase) -> None:
    result = import_bundle(
        read_fhir_file(FIXTURES / "mef-csv-medication-request-bundle.json"), kb, lang="zh-Hans"
    )
    assert result.notes[0].message == "文件中没有 Patient 资源，因此姓名、出生日期和性别仍未知。"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("extensions", {"crossroads_web": {"dont_know": 5}, "other_tool": {"x": 1}}),
        ("extensions.crossroads_web", {"decided": {"on": "2020-01-01", "ready": True}}),
        ("extensions.crossroads_web.jurisdictions", ["CN"]),
    ],
)
def test_import_never_writes_an_applications_internal_notes(
    kb: KnowledgeBase, path: str, value: Any
) -> None:
    """Issue 17 M3: a case-data extension cannot set the web app's notes; it is reported."""
    patient = PATIENT | {"extension": [case_data_extension(path, value)]}
    result = import_resources([patient], kb)
    kept = {"other_tool": {"x": 1}} if path == "extensions" else {}
    assert (result.case.extensions, [(n.kind, n.where, n.message) for n in result.notes]) == (
        kept,
        [
            (
                "not_used",
                "Patient.extension",
                "extensions.crossroads_web: Crossroads does not keep this, so it was not used.",
            )
        ],
    )
