"""The validator finds each broken rule: structure (fhir.resources) and FHIRPath invariants."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crossroads.interop.fhir import export_case, validate_bundle
from crossroads.interop.fhir import mcode as m
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case

pytestmark = pytest.mark.unit

Json = dict[str, Any]
CASE = {
    "patient": {"name": "Test Person", "record_numbers": [{"value": "1"}], "sex": "male"},
    "diagnosis": {"disease": "mm"},
    "lines": [{"regimen": "VRd", "agents": ["bortezomib"], "start": "2025-01"}],
    "disease_status": {"state": "relapsed", "last_progression": "2026-02"},
    "fitness": {"ecog": 1},
    "prior_cellular_therapy": [],
}


@pytest.fixture(scope="module")
def good(kb: KnowledgeBase) -> Json:
    return export_case(Case.model_validate(CASE), kb)


def _first(bundle: Json, kind: str, profile: str | None = None) -> Json:
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == kind and (
            profile is None or profile in res.get("meta", {}).get("profile", [])
        ):
            return res  # type: ignore[no-any-return]
    raise AssertionError(kind)


def _no_reason(b: Json) -> None:
    del _first(b, "MedicationAdministration")["reasonReference"]


def _ecog_seven(b: Json) -> None:
    _first(b, "Observation", m.ECOG_PERFORMANCE_STATUS)["valueInteger"] = 7


def _ecog_wrong_answer(b: Json) -> None:
    _first(b, "Observation", m.ECOG_PERFORMANCE_STATUS)["interpretation"][0]["coding"][0][
        "code"
    ] = "LA0000-0"


def _status_wrong_value(b: Json) -> None:
    obs = _first(b, "Observation", m.CANCER_DISEASE_STATUS)
    obs["valueCodeableConcept"]["coding"][0]["code"] = "1234"


def _extension_with_both(b: Json) -> None:
    _first(b, "Patient").setdefault("extension", []).append(
        {
            "url": "http://example.org/x",
            "valueString": "a",
            "extension": [{"url": "y", "valueString": "b"}],
        }
    )


def _nested_extension_empty(b: Json) -> None:
    _first(b, "MedicationAdministration")["extension"][0]["extension"].append({"url": "empty"})


def _dangling_reference(b: Json) -> None:
    _first(b, "Condition")["subject"] = {
        "reference": "urn:uuid:00000000-0000-0000-0000-000000000000"
    }


def _claim_patient(b: Json) -> Json:
    patient = _first(b, "Patient")
    patient["meta"] = {"profile": [m.CANCER_PATIENT]}
    patient["name"] = [{"family": "Person", "given": ["Test"]}]
    return patient


def _no_name(b: Json) -> None:
    del _claim_patient(b)["name"]


def _text_name_only(b: Json) -> None:
    _claim_patient(b)["name"] = [{"text": "Test Person"}]


def _identifier_without_system(b: Json) -> None:
    _claim_patient(b)["identifier"] = [{"value": "1"}]


def _ecog_no_effective(b: Json) -> None:
    obs = _first(b, "Observation", m.ECOG_PERFORMANCE_STATUS)
    obs.pop("effectiveDateTime", None)
    obs.pop("_effectiveDateTime", None)


def _empty_list_with_entries(b: Json) -> None:
    lst = _first(b, "List")
    lst["emptyReason"] = {"coding": [{"system": m.LIST_EMPTY_REASON, "code": "nilknown"}]}


def _bad_gender(b: Json) -> None:
    _first(b, "Patient")["gender"] = 5


def _duplicate_full_url(b: Json) -> None:
    b["entry"][1]["fullUrl"] = b["entry"][0]["fullUrl"]


def _two_patients(b: Json) -> None:
    b["meta"] = {"profile": [m.PATIENT_BUNDLE]}
    b["entry"].append(
        {
            "fullUrl": "urn:uuid:11111111-1111-1111-1111-111111111111",
            "resource": {"resourceType": "Patient", "id": "11111111-1111-1111-1111-111111111111"},
        }
    )


@pytest.mark.parametrize(
    ("break_it", "rule"),
    [
        (_no_reason, "mcode-reason-required"),
        (_ecog_seven, "mcode-ecog-value"),
        (_ecog_wrong_answer, "mcode-ecog-interpretation"),
        (_status_wrong_value, "mcode-status-value"),
        (_extension_with_both, "ext-1"),
        (_nested_extension_empty, "ext-1"),
        (_dangling_reference, "reference"),
        (_no_name, "us-core-patient"),
        (_text_name_only, "us-core-patient"),
        (_identifier_without_system, "us-core-patient"),
        (_ecog_no_effective, "mcode-ecog-effective"),
        (_empty_list_with_entries, "lst-1"),
        (_bad_gender, "structure"),
        (_duplicate_full_url, "bdl-7"),
        (_two_patients, "mcode-bundle"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_validate_finds_the_broken_rule(
    good: Json, break_it: Callable[[Json], None], rule: str
) -> None:
    assert validate_bundle(good) == []
    broken = copy.deepcopy(good)
    break_it(broken)
    assert rule in {issue.rule for issue in validate_bundle(broken)}


def test_validate_accepts_a_claimed_patient_that_meets_us_core(good: Json) -> None:
    bundle = copy.deepcopy(good)
    _claim_patient(bundle)
    assert validate_bundle(bundle) == []


def test_validate_names_the_entry_and_the_rule(good: Json) -> None:
    broken = copy.deepcopy(good)
    _no_reason(broken)
    issues = [i for i in validate_bundle(broken) if i.rule == "mcode-reason-required"]
    ma = _first(broken, "MedicationAdministration")
    index = next(i for i, e in enumerate(broken["entry"]) if e["resource"] is ma)
    assert [str(i) for i in issues] == [
        f"error: entry[{index}] MedicationAdministration/{ma['id']}: [mcode-reason-required] "
        "one of reasonCode or reasonReference SHALL be present"
    ]


def test_validate_checks_a_single_resource_too() -> None:
    assert [
        i.rule for i in validate_bundle({"resourceType": "Patient", "birthDate": "1990-13"})
    ] == ["structure"]
    assert validate_bundle({"resourceType": "Patient", "gender": "female"}) == []


def test_only_the_fhir_package_imports_fhir_libraries() -> None:
    """Standards at the edge: the rest of Crossroads speaks in case-record terms."""
    import crossroads

    src = Path(crossroads.__file__).parent
    users = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if any(
            line.lstrip().startswith(
                ("import fhir", "from fhir.", "from fhirpathpy", "import fhirpathpy")
            )
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    assert users == ["interop/fhir/validate.py"]
