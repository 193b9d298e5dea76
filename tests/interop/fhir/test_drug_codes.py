"""Medicine codes come from the drug list: RxNorm, ATC and SNOMED CT in, RxNorm and ATC out.

The four RxNorm ingredient codes below are the ones issue 12 quotes as real and as "not in the
code tables" before the drug list carried codes.
"""

from __future__ import annotations

from typing import Any

import pytest

from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import export_case, import_bundle, import_resources, validate_bundle
from crossroads.interop.fhir import mcode as m
from crossroads.interop.fhir.importer import ImportResult
from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import load_fhir_maps
from crossroads.record.case import Case

pytestmark = pytest.mark.integration

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
SNOMED = "http://snomed.info/sct"
PATIENT = {"resourceType": "Patient", "id": "p"}


def _statement(concept: dict[str, Any], kind: str = "MedicationStatement") -> dict[str, Any]:
    return {
        "resourceType": kind,
        "id": "m",
        "status": "completed",
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": concept,
        "effectiveDateTime": "2025-01-01",
    }


def _unmapped(result: ImportResult, where: str) -> list[str]:
    """What the import could not read at ``where`` (a note that a line was grouped is not one)."""
    return [n.message for n in result.notes if n.where == where and n.kind == "unmapped"]


def _agents_read(result: ImportResult) -> list[str]:
    """The medicines the import understood, whether it grouped them into lines or not."""
    if result.case.lines:
        return [a for line in result.case.lines for a in (line.agents or [])]
    return [n.message for n in result.notes if n.where == "Bundle"]


@pytest.mark.parametrize(
    ("code", "agent"),
    [
        ("121191", "rituximab"),
        ("134547", "bendamustine"),
        ("342369", "lenalidomide"),
        ("358258", "bortezomib"),
    ],
)
def test_rxnorm_ingredient_codes_import_as_their_agents(
    kb: KnowledgeBase, code: str, agent: str
) -> None:
    concept = {"coding": [{"system": RXNORM, "code": code}]}
    result = import_resources([PATIENT, _statement(concept, "MedicationAdministration")], kb)
    assert _unmapped(result, "MedicationAdministration/m") == []
    assert any(agent in text for text in _agents_read(result))


@pytest.mark.parametrize(
    ("coding", "agent"),
    [
        ({"system": ATC, "code": "L01XG01", "display": "bortezomib"}, "bortezomib"),
        ({"system": ATC, "code": "l04ax04"}, "lenalidomide"),
        ({"system": SNOMED, "code": "386919002", "display": "Rituximab"}, "rituximab"),
    ],
)
def test_atc_and_snomed_coded_statements_import(
    kb: KnowledgeBase, coding: dict[str, str], agent: str
) -> None:
    result = import_resources([PATIENT, _statement({"coding": [coding]})], kb)
    assert _unmapped(result, "MedicationStatement/m") == []
    assert any(agent in text for text in _agents_read(result))


def test_an_unknown_code_stays_unmapped(kb: KnowledgeBase) -> None:
    result = import_resources(
        [PATIENT, _statement({"coding": [{"system": ATC, "code": "L01FA99"}]})], kb
    )
    code, lines = _unmapped(result, "MedicationStatement/m")
    assert code.startswith(f"{ATC}#L01FA99 is not in Crossroads' code tables")
    assert lines.startswith("The medicine records cannot be grouped into lines of treatment")


@pytest.mark.parametrize(
    ("text", "read"),
    [("Rituximab", True), ("MabThera", True), ("rituximab 375 mg/m2", False)],
)
def test_a_medicine_given_by_name_only_is_read_when_the_whole_name_is_known(
    kb: KnowledgeBase, text: str, read: bool
) -> None:
    result = import_resources([PATIENT, _statement({"text": text})], kb)
    assert (_unmapped(result, "MedicationStatement/m") == []) is read


def test_fhir_maps_read_drug_codes_from_the_drug_list(kb: KnowledgeBase) -> None:
    maps = load_fhir_maps()
    assert maps.drug(kb, RXNORM, "3002") == "cyclophosphamide"
    assert maps.drug(kb, "http://loinc.org", "3002") is None
    assert maps.drug_codings(kb, "rituximab") == [(RXNORM, "121191"), (ATC, "L01FA01")]
    assert maps.drug_codings(kb, "zuberitamab") == []  # no standard code known
    assert maps.drug_codings(kb, "not a drug") == []


# -- export ------------------------------------------------------------------------------------
def _exported(kb: KnowledgeBase, agents: list[str]) -> dict[str, Any]:
    case = Case.model_validate(
        {
            "schema": "crossroads.case/v1",
            "diagnosis": {"disease": "lbcl"},
            "lines": [{"agents": agents, "start": "2025-01", "end": "2025-05"}],
        }
    )
    return export_case(check_codes(case, kb), kb)


def _medicines(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"]["medicationCodeableConcept"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationAdministration"
    ]


def test_export_writes_standard_codes_first_and_never_the_placeholder_alone(
    kb: KnowledgeBase,
) -> None:
    agents = sorted(kb.drugs)
    bundle = _exported(kb, agents)
    assert validate_bundle(bundle) == []
    for agent, concept in zip(agents, _medicines(bundle), strict=True):
        systems = [c["system"] for c in concept.get("coding", [])]
        assert concept["text"] == kb.drugs[agent].name.en
        assert systems == [] or systems[0] in (RXNORM, ATC), agent
        assert systems != [m.CS_DRUG], agent


def test_export_of_a_medicine_without_codes_is_text_only(kb: KnowledgeBase) -> None:
    (concept,) = _medicines(_exported(kb, ["zuberitamab"]))
    assert concept == {"text": "zuberitamab"}


def test_every_medicine_survives_export_and_import(kb: KnowledgeBase) -> None:
    agents = sorted(kb.drugs)
    result = import_bundle(_exported(kb, agents), kb)
    assert result.case.lines is not None
    assert result.case.lines[0].agents == agents
