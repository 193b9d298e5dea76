"""FHIR export: which resource carries which fact, and that every export passes validation."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import export_case, import_bundle, validate_bundle
from crossroads.interop.fhir import mcode as m
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case
from crossroads.steps.assess import prepare_case
from tests.conftest import example_files

pytestmark = pytest.mark.unit

SNOMED, LOINC, RXNORM = (
    "http://snomed.info/sct",
    "http://loinc.org",
    "http://www.nlm.nih.gov/research/umls/rxnorm",
)
ATC = "http://www.whocc.no/atc"
SD = "http://crossroads.example.org/fhir/StructureDefinition/"

CASE: dict[str, Any] = {
    "schema": "crossroads.case/v1",
    "patient": {
        "birth_date": "1969-04",
        "record_numbers": [{"system": "hospital MRN", "value": "X1"}],
        "contact": {"phone": "+31 6 0000 0000"},
        "sex": "female",
        "country": "NL",
        "city": "Utrecht",
        "language": "zh-Hans",
    },
    "diagnosis": {
        "disease": "lbcl",
        "subtype": "dlbcl_nos",
        "stage": "IV",
        "diagnosed": "2025",
        "cns_involvement": False,
        "target_antigens": {"cd19": "positive"},
    },
    "lines": [
        {
            "regimen": "R-CHOP",
            "agents": ["rituximab", "cyclophosphamide"],
            "start": "2025-01",
            "end": "2025-05",
            "best_response": "CR",
            "progression": "2025-11",
            "refractory": False,
        },
        {"regimen": "salvage (medicines not recorded)", "start": "2025-12"},
    ],
    "disease_status": {"state": "refractory", "relapse_number": 1, "last_progression": "2026-03"},
    "transplants": [{"type": "autologous", "date": "2026-01"}],
    "transplant_eligible": False,
    "transplant_ineligible_reasons": ["age", "comorbidity"],
    "prior_cellular_therapy": [],
    "fitness": {"ecog": 2, "active_infection": False, "organ_dysfunction": []},
    "assessment_date": "2026-11-01",
    "preferences": {"main_goal": "cure"},
}


@pytest.fixture(scope="module")
def bundle(kb: KnowledgeBase) -> dict[str, Any]:
    return export_case(check_codes(Case.model_validate(CASE), kb), kb)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _ext(resource: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [e for e in resource.get("extension", []) if e["url"] == SD + name]


def test_export_lists_resources_in_a_fixed_order(bundle: dict[str, Any]) -> None:
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == [
        "Patient",
        "Condition",
        "Observation",
        "Observation",
        "MedicationAdministration",
        "MedicationAdministration",
        "MedicationAdministration",
        "List",
        "Procedure",
        "List",
        "List",
    ]
    assert bundle["type"] == "collection"
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])


def test_export_patient_uses_standard_elements_first(bundle: dict[str, Any]) -> None:
    patient = _resources(bundle, "Patient")[0]
    assert patient["gender"] == "female"
    assert patient["birthDate"] == "1969-04"  # a partial date stays partial
    # Identifier.system is always there; a label that is not a URI goes in type.text
    assert patient["identifier"] == [
        {"type": {"text": "hospital MRN"}, "system": m.SID_RECORD_NUMBER, "value": "X1"}
    ]
    assert patient["telecom"] == [{"system": "phone", "value": "+31 6 0000 0000"}]
    assert patient["address"] == [{"city": "Utrecht", "country": "NL"}]
    assert patient["communication"] == [
        {
            "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "zh-Hans"}]},
            "preferred": True,
        }
    ]
    assert "meta" not in patient  # no name: CancerPatient (US Core) would not hold, so not claimed
    assert [
        (e["url"].removeprefix(SD), e.get("valueCode", e.get("valueBoolean", e.get("valueDate"))))
        for e in patient["extension"][:5]
    ] == [
        ("assessment-date", "2026-11-01"),
        ("transplant-eligible", False),
        ("transplant-ineligible-reason", "age"),
        ("transplant-ineligible-reason", "comorbidity"),
        ("active-infection", False),
    ]
    rest = [
        (e["extension"][0]["valueString"], e["extension"][1]["valueString"])
        for e in _ext(patient, "case-data")
    ]
    assert rest == [("fitness.organ_dysfunction", "[]"), ("preferences", '{"main_goal":"cure"}')]


def test_export_condition_carries_codes_stage_and_status(bundle: dict[str, Any]) -> None:
    condition = _resources(bundle, "Condition")[0]
    assert condition["meta"] == {"profile": [m.PRIMARY_CANCER_CONDITION]}
    assert condition["code"]["coding"] == [
        {
            "system": SNOMED,
            "code": "109969005",
            "display": "Diffuse large B-cell malignant lymphoma (disorder)",
        },
        {
            "system": m.CS_DIAGNOSIS,
            "code": "lbcl.dlbcl_nos",
            "display": "diffuse large B-cell lymphoma, the common type (DLBCL NOS)",
        },
    ]
    assert condition["clinicalStatus"] == {
        "coding": [{"system": m.CONDITION_CLINICAL, "code": "active"}]
    }
    assert _ext(condition, "disease-state") == [
        {"url": SD + "disease-state", "valueCode": "refractory"}
    ]
    assert condition["onsetDateTime"] == "2025"
    assert condition["stage"] == [{"summary": {"text": "IV"}}]
    assert _ext(condition, "relapse-number")[0]["valueInteger"] == 1
    assert _ext(condition, "target-antigen") == [
        {
            "url": SD + "target-antigen",
            "extension": [
                {"url": "antigen", "valueCode": "cd19"},
                {"url": "result", "valueCode": "positive"},
            ],
        }
    ]


def test_export_observations_follow_mcode(bundle: dict[str, Any]) -> None:
    ecog, status = _resources(bundle, "Observation")
    assert ecog["code"]["coding"][0]["code"] == "89247-1"
    assert ecog["valueInteger"] == 2
    assert ecog["interpretation"][0]["coding"][0]["code"] == "LA9624-3"  # LL529-9 answer for 2
    assert status["code"]["coding"][0]["code"] == "97509-4"
    assert status["effectiveDateTime"] == "2026-03"
    assert status["valueCodeableConcept"]["coding"][0]["code"] == "271299001"  # worsened
    condition_url = bundle["entry"][1]["fullUrl"]
    assert status["focus"] == [{"reference": condition_url}]


def test_export_one_medication_administration_per_agent(bundle: dict[str, Any]) -> None:
    rituximab, cyclophosphamide, unknown = _resources(bundle, "MedicationAdministration")
    assert rituximab["medicationCodeableConcept"] == {
        "coding": [
            {"system": RXNORM, "code": "121191", "display": "rituximab"},
            {"system": ATC, "code": "L01FA01", "display": "rituximab"},
            {"system": m.CS_DRUG, "code": "rituximab", "display": "rituximab"},
        ],
        "text": "rituximab",
    }
    assert cyclophosphamide["medicationCodeableConcept"]["coding"][0] == {
        "system": RXNORM,
        "code": "3002",
        "display": "cyclophosphamide",
    }
    assert rituximab["effectivePeriod"] == {"start": "2025-01", "end": "2025-05"}
    assert rituximab["status"] == "completed"
    assert rituximab["reasonReference"] == [{"reference": bundle["entry"][1]["fullUrl"]}]
    line = _ext(rituximab, "treatment-line")[0]["extension"]
    assert line == [
        {"url": "position", "valueInteger": 1},
        {"url": "regimen", "valueString": "R-CHOP"},
        {"url": "kind", "valueCode": "systemic"},
        {"url": "bestResponse", "valueCode": "CR"},
        {"url": "progression", "valueDateTime": "2025-11"},
        {"url": "refractory", "valueBoolean": False},
    ]
    assert unknown["medicationCodeableConcept"] == {
        "extension": [{"url": m.DATA_ABSENT_REASON, "valueCode": "unknown"}],
        "text": "medicines not recorded",
    }
    assert unknown["status"] == "unknown"
    assert unknown["effectivePeriod"] == {"start": "2025-12"}


def test_export_procedures_and_known_empty_lists(bundle: dict[str, Any]) -> None:
    transplant = _resources(bundle, "Procedure")[0]
    assert transplant["code"]["coding"][0] == {
        "system": SNOMED,
        "code": "58776007",
        "display": "Autologous bone marrow transplant (procedure)",
    }
    assert transplant["performedDateTime"] == "2026-01"
    lists = {item["code"]["coding"][0]["code"]: item for item in _resources(bundle, "List")}
    assert sorted(lists) == ["cellular-therapy", "lines", "transplants"]
    assert lists["cellular-therapy"]["emptyReason"]["coding"][0]["code"] == "nilknown"
    assert len(lists["lines"]["entry"]) == 3


def test_export_is_deterministic(kb: KnowledgeBase) -> None:
    case = check_codes(Case.model_validate(CASE), kb)
    assert export_case(case, kb) == export_case(case, kb)


def test_export_never_claims_cancer_patient_for_a_name_kept_as_text(kb: KnowledgeBase) -> None:
    """US Core Patient needs a family or given name; a case keeps the name as written, so which
    part is the family name is unknown and the profile is not claimed (nor the mCODE bundle)."""
    data = copy.deepcopy(CASE)
    data["patient"]["name"] = "Test Person"
    bundle = export_case(check_codes(Case.model_validate(data), kb), kb)
    patient = bundle["entry"][0]["resource"]
    assert patient["name"] == [{"text": "Test Person"}]
    assert "meta" not in patient and "meta" not in bundle
    assert validate_bundle(bundle) == []


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "https://github.com/synthetichealth/synthea",
            {"system": "https://github.com/synthetichealth/synthea", "value": "7"},
        ),
        ("urn:oid:1.2.3", {"system": "urn:oid:1.2.3", "value": "7"}),
        (None, {"system": m.SID_RECORD_NUMBER, "value": "7"}),
    ],
)
def test_export_record_numbers_always_have_a_system(
    kb: KnowledgeBase, label: str | None, expected: dict[str, Any]
) -> None:
    case = Case.model_validate({"patient": {"record_numbers": [{"system": label, "value": "7"}]}})
    bundle = export_case(case, kb)
    assert bundle["entry"][0]["resource"]["identifier"] == [expected]
    back = import_bundle(bundle, kb).case
    assert back.patient.record_numbers == case.patient.record_numbers


def test_export_ecog_holds_at_the_assessment_date_or_says_unknown(kb: KnowledgeBase) -> None:
    def ecog(data: dict[str, Any]) -> dict[str, Any]:
        bundle = export_case(Case.model_validate(data), kb)
        (obs,) = [
            e["resource"]
            for e in bundle["entry"]
            if m.ECOG_PERFORMANCE_STATUS in e["resource"].get("meta", {}).get("profile", [])
        ]
        assert validate_bundle(bundle) == []
        return obs

    dated = ecog({"fitness": {"ecog": 1}, "assessment_date": "2026-11-01"})
    assert dated["effectiveDateTime"] == "2026-11-01"
    undated = ecog({"fitness": {"ecog": 1}})
    assert "effectiveDateTime" not in undated
    assert undated["_effectiveDateTime"] == {
        "extension": [{"url": m.DATA_ABSENT_REASON, "valueCode": "unknown"}]
    }


def test_export_of_an_empty_case_is_a_lone_patient(kb: KnowledgeBase) -> None:
    bundle = export_case(Case(), kb)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]
    assert validate_bundle(bundle) == []


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_export_validates_for_every_example(kb: KnowledgeBase, case_file: Path) -> None:
    assert validate_bundle(export_case(prepare_case(case_file, kb), kb)) == []


def test_export_validates_for_the_hand_made_case(bundle: dict[str, Any]) -> None:
    assert validate_bundle(bundle) == []


@pytest.mark.parametrize(
    ("product", "codes"),
    [
        ("Kymriah", ["1156961008", "cellular-therapy"]),  # a CAR-T product: SNOMED CT says so
        ("an investigational product", ["cellular-therapy"]),  # unknown: only Crossroads' code
        (None, ["cellular-therapy"]),
    ],
)
def test_export_codes_car_t_only_for_a_named_car_t_product(
    kb: KnowledgeBase, product: str | None, codes: list[str]
) -> None:
    item = {"target": "CD19", "date": "2024-05", **({"product": product} if product else {})}
    case = Case.model_validate({"prior_cellular_therapy": [item]})
    bundle = export_case(case, kb)
    (proc,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"
    ]
    assert [c["code"] for c in proc["code"]["coding"]] == codes
    assert validate_bundle(bundle) == []
    assert import_bundle(bundle, kb).case.prior_cellular_therapy == case.prior_cellular_therapy
