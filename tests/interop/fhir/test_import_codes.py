"""FHIR import reads the code tables as hospitals send them, and reports every resource.

Diagnoses arrive as ICD-10-CM, WHO ICD-10 or ICD-10-GM, often with an OID for a system and with
or without the dot; CAR-T arrives as a SNOMED CT procedure. The mapping report gives one row per
resource: used (for which field), ignored (and why) or not understood (which code).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.interop.fhir import ImportResult, ResourceReport, import_resources
from crossroads.kb import KnowledgeBase

pytestmark = pytest.mark.integration

SNOMED = "http://snomed.info/sct"
ICD10CM_OID = "urn:oid:2.16.840.1.113883.6.90"
ICD10GM = "http://fhir.de/CodeSystem/bfarm/icd-10-gm"
CS_DRUG = "http://crossroads.example.org/fhir/CodeSystem/drug"
PATIENT = {"resourceType": "Patient", "id": "p", "birthDate": "1970-05-01"}
CAR_T = {"system": SNOMED, "code": "1156961008", "display": "CAR T-cell immunotherapy"}


def _condition(system: str, code: str, cid: str = "c") -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": cid,
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [{"system": system, "code": code}]},
    }


def _procedure(used: list[dict[str, Any]] | None = None, pid: str = "car") -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": pid,
        "status": "completed",
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [CAR_T]},
        "performedDateTime": "2025-03-04",
    }
    if used is not None:
        res["usedCode"] = used
    return res


def _rows(result: ImportResult) -> list[tuple[str, str, str]]:
    return [(r.where, r.outcome, r.detail) for r in result.report]


@pytest.mark.parametrize(
    ("system", "code", "disease", "subtype", "state"),
    [
        (ICD10CM_OID, "C83.38", "lbcl", None, None),
        (ICD10CM_OID, "C8338", "lbcl", None, None),
        ("urn:oid:2.16.840.1.113883.6.3", "C85.2", "lbcl", "pmbcl", None),
        (ICD10GM, "C90.01", "mm", None, "remission"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "C82.41", "lbcl", "fl3b", None),
    ],
)
def test_import_reads_icd10_in_every_form(
    kb: KnowledgeBase,
    system: str,
    code: str,
    disease: str,
    subtype: str | None,
    state: str | None,
) -> None:
    result = import_resources([PATIENT, _condition(system, code)], kb)
    assert result.case.diagnosis.disease == disease
    assert result.case.diagnosis.subtype == subtype
    assert result.case.disease_status.state == state
    assert result.unmapped == ()


def test_import_gives_an_out_of_scope_cancer_its_own_code(kb: KnowledgeBase) -> None:
    result = import_resources([PATIENT, _condition(SNOMED, "118599009")], kb)
    assert result.case.diagnosis.disease == "hodgkin"  # the plain hard stop, not "unknown"


@pytest.mark.parametrize(
    "code",
    [
        "372137005",  # Primary malignant neoplasm of breast (mCODE IG, clinical-trial-matching)
        "408643008",  # Infiltrating duct carcinoma of breast (clinical-trial-matching-app)
        "702369008",  # Carcinosarcoma of uterus (EssexManagement clinical-trial-matching-app)
    ],
)
def test_import_reads_solid_tumour_codes_of_the_corpus_as_another_disease(
    kb: KnowledgeBase, code: str
) -> None:
    result = import_resources([PATIENT, _condition(SNOMED, code)], kb)
    assert result.case.diagnosis.disease == "other"
    assert result.unmapped == ()


def test_import_prefers_the_covered_cancer_over_an_older_other_cancer(kb: KnowledgeBase) -> None:
    breast = _condition(SNOMED, "254837009", cid="breast")
    dlbcl = _condition(ICD10CM_OID, "C83.30", cid="dlbcl")
    result = import_resources([PATIENT, breast, dlbcl], kb)
    assert result.case.diagnosis.disease == "lbcl"
    assert ("not_used", "Condition/breast") in [(n.kind, n.where) for n in result.notes]


def test_import_keeps_two_covered_cancers_as_a_conflict(kb: KnowledgeBase) -> None:
    dlbcl = _condition(ICD10CM_OID, "C83.30", cid="a")
    myeloma = _condition(SNOMED, "109989006", cid="b")
    result = import_resources([PATIENT, dlbcl, myeloma], kb)
    assert result.case.diagnosis.disease is None
    assert [(n.kind, n.where) for n in result.notes] == [("problem", "Condition/a, Condition/b")]


def test_import_reads_a_car_t_procedure_with_its_product(kb: KnowledgeBase) -> None:
    used = [{"coding": [{"system": CS_DRUG, "code": "idecabtagene vicleucel"}]}]
    result = import_resources([PATIENT, _procedure(used)], kb)
    therapies = result.case.prior_cellular_therapy or []
    assert [(t.target, t.product, str(t.date)) for t in therapies] == [
        ("BCMA", "idecabtagene vicleucel", "2025-03-04")
    ]
    assert _rows(result)[1] == ("Procedure/car", "used", "used for the earlier cell therapy")


def test_import_reads_the_car_t_product_from_its_brand_name(kb: KnowledgeBase) -> None:
    result = import_resources([PATIENT, _procedure([{"text": "Kymriah"}])], kb)
    assert [t.target for t in result.case.prior_cellular_therapy or []] == ["CD19"]


@pytest.mark.parametrize("used", [None, [{"text": "an investigational CAR-T"}]])
def test_import_never_guesses_the_target_of_a_car_t_without_a_known_product(
    kb: KnowledgeBase, used: list[dict[str, Any]] | None
) -> None:
    result = import_resources([PATIENT, _procedure(used)], kb)
    assert result.case.prior_cellular_therapy is None  # unknown, not "none" and not CD19
    assert _rows(result)[1] == (
        "Procedure/car",
        "not_understood",
        "CAR T-cell immunotherapy: a CAR-T treatment is recorded, but not which product, so "
        "the target of the cell therapy stays unknown.",
    )


def test_mapping_report_has_one_row_per_resource(kb: KnowledgeBase) -> None:
    other = dict(_condition(SNOMED, "109969005", cid="x"), subject={"reference": "Patient/q"})
    refuted = dict(
        _condition(SNOMED, "109989006", cid="r"),
        verificationStatus={"coding": [{"code": "refuted"}]},
    )
    ecog = {
        "resourceType": "Observation",
        "id": "e",
        "status": "final",
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [{"system": "http://loinc.org", "code": "89247-1"}]},
        "valueInteger": 1,
        "effectiveDateTime": "2026-01-05",
    }
    weight = {
        "resourceType": "Observation",
        "id": "w",
        "subject": {"reference": "Patient/p"},
        "code": {"text": "Body weight"},
    }
    unknown = _condition("http://hl7.org/fhir/sid/icd-10-cm", "C88.0", cid="u")
    encounter = {"resourceType": "Encounter", "id": "v", "subject": {"reference": "Patient/p"}}
    resources = [PATIENT, _condition(ICD10CM_OID, "C83.30"), other, refuted, ecog, weight]
    result = import_resources([*resources, unknown, encounter], kb)
    assert result.report == (
        ResourceReport("Patient/p", "used", "used for the patient's details"),
        ResourceReport("Condition/c", "used", "used for the disease"),
        ResourceReport(
            "Condition/x",
            "ignored",
            "This belongs to another patient (Patient/q), so it was not used.",
        ),
        ResourceReport(
            "Condition/r",
            "ignored",
            'Condition 109989006 is marked "refuted" in the record, so it was not used.',
        ),
        ResourceReport("Observation/e", "used", "used for the ECOG score"),
        ResourceReport(
            "Observation/w",
            "ignored",
            "observation Body weight: Crossroads does not keep this, so it was not used.",
        ),
        ResourceReport(
            "Condition/u",
            "not_understood",
            "http://hl7.org/fhir/sid/icd-10-cm#C88.0: This is a cancer code that Crossroads' "
            "tables do not place (for example Waldenström macroglobulinaemia or Burkitt lymphoma)."
            " The treating team can say which disease it is. So the disease stays unknown.",
        ),
        ResourceReport(
            "Encounter/v",
            "ignored",
            "Encounter: Crossroads does not keep this, so it was not used.",
        ),
    )


def test_mapping_report_speaks_chinese(kb: KnowledgeBase) -> None:
    result = import_resources([PATIENT, _condition(ICD10CM_OID, "C83.30")], kb, lang="zh-Hans")
    assert _rows(result) == [
        ("Patient/p", "used", "用于患者基本信息"),
        ("Condition/c", "used", "用于疾病类型"),
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                ("http://hl7.org/fhir/sid/icd-10-cm", "C83.30"),
                (SNOMED, "254837009"),
                (SNOMED, "118599009"),
                (ICD10GM, "C90.01"),
                ("http://hl7.org/fhir/sid/icd-10-cm", "C88.0"),
                (SNOMED, "363346000"),
            ]
        ),
        max_size=4,
    )
)
def test_mapping_report_always_has_exactly_one_row_per_resource(
    kb: KnowledgeBase, codes: list[tuple[str, str]]
) -> None:
    conditions = [_condition(s, c, cid=f"c{i}") for i, (s, c) in enumerate(codes)]
    result = import_resources([PATIENT, *conditions], kb)
    assert [r.where for r in result.report] == [
        "Patient/p",
        *(f"Condition/c{i}" for i in range(len(codes))),
    ]
    assert {r.outcome for r in result.report} <= {"used", "ignored", "not_understood"}
