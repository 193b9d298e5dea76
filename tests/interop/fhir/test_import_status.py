"""FHIR import honours a record's own status: a correction is never read as a clinical fact.

A Condition marked refuted or entered in error once became the case's disease, and a medicine
given with ``status: not-done`` counted as given (a safety defect). Each status code below comes
from the FHIR R4 value set of its resource type.
"""

from __future__ import annotations

from typing import Any

import pytest

from crossroads.engine.classify import classify
from crossroads.interop.fhir import import_resources
from crossroads.interop.fhir.mcode import CS_DRUG, EXT_TREATMENT_LINE
from crossroads.kb import KnowledgeBase

pytestmark = pytest.mark.integration

SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
PATIENT = {"resourceType": "Patient", "id": "p", "birthDate": "1970-05-01"}
DLBCL = {"system": SNOMED, "code": "109969005", "display": "Diffuse large B-cell lymphoma"}
MYELOMA = {"system": SNOMED, "code": "109989006", "display": "Multiple myeloma"}


def _condition(coding: dict[str, str], verification: str | None, cid: str = "c") -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Condition",
        "id": cid,
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [coding]},
    }
    if verification is not None:
        res["verificationStatus"] = {"coding": [{"system": VERIFICATION, "code": verification}]}
    return res


@pytest.mark.parametrize("status", ["refuted", "entered-in-error"])
def test_import_ignores_a_condition_the_record_marks_as_not_so(
    kb: KnowledgeBase, status: str
) -> None:
    result = import_resources([PATIENT, _condition(DLBCL, status)], kb)
    assert result.case.diagnosis.disease is None
    assert [(n.kind, n.where, n.message) for n in result.notes] == [
        (
            "not_used",
            "Condition/c",
            f'Condition Diffuse large B-cell lymphoma is marked "{status}" in the record, '
            "so it was not used.",
        )
    ]


def test_import_takes_the_real_diagnosis_when_a_wrong_one_was_entered_in_error(
    kb: KnowledgeBase,
) -> None:
    wrong = _condition(DLBCL, "entered-in-error", cid="wrong")
    right = _condition(MYELOMA, "confirmed", cid="right")
    result = import_resources([PATIENT, wrong, right], kb)
    assert result.case.diagnosis.disease == "mm"
    assert [(n.kind, n.where) for n in result.notes] == [("not_used", "Condition/wrong")]


@pytest.mark.parametrize("status", ["unconfirmed", "provisional", "differential"])
def test_import_uses_an_unconfirmed_diagnosis_and_asks_to_confirm_it(
    kb: KnowledgeBase, status: str
) -> None:
    result = import_resources([PATIENT, _condition(DLBCL, status)], kb)
    assert result.case.diagnosis.disease == "lbcl"
    assert [(n.kind, n.where, n.message) for n in result.notes] == [
        (
            "problem",
            "Condition/c",
            f'The diagnosis Diffuse large B-cell lymphoma is marked "{status}" in the record. '
            "It was used, but ask the treating team to confirm it before relying on anything "
            "that follows from it.",
        )
    ]


@pytest.mark.parametrize("status", [None, "confirmed"])
def test_import_uses_a_confirmed_or_unmarked_diagnosis_without_a_note(
    kb: KnowledgeBase, status: str | None
) -> None:
    result = import_resources([PATIENT, _condition(DLBCL, status)], kb)
    assert (result.case.diagnosis.disease, result.notes) == ("lbcl", ())


def _line_medicine(kind: str, mid: str, status: str, agent: str) -> dict[str, Any]:
    """A medicine record placed in line 1 by the Crossroads treatment-line extension."""
    return {
        "resourceType": kind,
        "id": mid,
        "status": status,
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": {"coding": [{"system": CS_DRUG, "code": agent}]},
        "extension": [
            {"url": EXT_TREATMENT_LINE, "extension": [{"url": "position", "valueInteger": 1}]}
        ],
        "effectivePeriod": {"start": "2024-01-10", "end": "2024-05-20"},
    }


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("MedicationAdministration", "not-done"),
        ("MedicationAdministration", "entered-in-error"),
        ("MedicationStatement", "not-taken"),
        ("MedicationStatement", "entered-in-error"),
        ("MedicationRequest", "cancelled"),
        ("MedicationRequest", "entered-in-error"),
    ],
)
def test_import_never_counts_a_medicine_that_was_not_given(
    kb: KnowledgeBase, kind: str, status: str
) -> None:
    given = _line_medicine(kind, "given", "completed", "rituximab")
    not_given = _line_medicine(kind, "skipped", status, "ibrutinib")
    result = import_resources([PATIENT, given, not_given], kb)
    assert result.case.to_data()["lines"] == [
        {"agents": ["rituximab"], "kind": "systemic", "start": "2024-01-10", "end": "2024-05-20"}
    ]
    assert [(n.kind, n.where) for n in result.notes] == [("not_used", f"{kind}/skipped")]
    assert f'is marked "{status}"' in result.notes[0].message


@pytest.mark.parametrize("status", ["not-done", "entered-in-error"])
def test_import_never_counts_a_procedure_that_was_not_done(kb: KnowledgeBase, status: str) -> None:
    procedure = {
        "resourceType": "Procedure",
        "id": "t",
        "status": status,
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [{"system": SNOMED, "code": "58390007"}]},
        "performedDateTime": "2024-06-02",
    }
    result = import_resources([PATIENT, procedure], kb)
    assert result.case.transplants is None
    assert [(n.kind, n.where) for n in result.notes] == [("not_used", "Procedure/t")]


def test_a_refuted_diagnosis_cannot_make_car_t_look_established(kb: KnowledgeBase) -> None:
    """End to end: the refuted lymphoma gives no disease, so no place reads the case as LBCL."""
    result = import_resources([PATIENT, _condition(DLBCL, "refuted")], kb)
    verdicts = classify(result.case, kb)
    assert {c.jurisdiction: (c.category, c.disease) for c in verdicts.jurisdictions} == {
        "US": ("cannot_tell", None),
        "EU": ("cannot_tell", None),
        "CN": ("cannot_tell", None),
    }
