"""Removing one resource from a bundle never turns a definite answer into its opposite.

A record with one resource less says less, never the contrary: the category per jurisdiction may
fall from "established" or "not realistic now" to "cannot tell", but an "established" must never
become "not realistic now" or "trial" (nor the reverse) because a record went missing. Unknown is
not no. Checked exhaustively for every corpus file that reaches a definite category, and with
hypothesis for generated hospital-style bundles (a diagnosis, medicine records, a transplant and
sometimes a CAR-T procedure, as in test_import_lines).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.common.errors import FhirInputError
from crossroads.engine.classify import classify
from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import ImportResult, import_bundle, read_fhir_file
from crossroads.kb import KnowledgeBase, load_kb
from tests.interop.fhir.test_corpus import CORPUS, EXPECTED, PLACES, TODAY
from tests.interop.fhir.test_import_lines import CONDITION, PATIENT, _history

pytestmark = pytest.mark.integration

ESTABLISHED = "established"
NOT_ON_LABEL = {"not_realistic_now", "trial"}
SNOMED = "http://snomed.info/sct"


def categories(bundle: dict[str, Any], kb: KnowledgeBase) -> dict[str, str]:
    """The category per jurisdiction for a bundle, as the corpus test computes it; a bundle the
    importer refuses with a clear message (records of several patients and no Patient to say
    whose) gives no answer, which counts as "cannot tell"."""
    try:
        found: ImportResult = import_bundle(bundle, kb)
    except FhirInputError:
        return dict.fromkeys(PLACES, "cannot_tell")
    result = classify(check_codes(found.case, kb), kb, PLACES, today=TODAY)
    return {place.jurisdiction: place.category for place in result.jurisdictions}


def without(bundle: dict[str, Any], index: int) -> dict[str, Any]:
    smaller = copy.deepcopy(bundle)
    del smaller["entry"][index]
    return smaller


def assert_never_opposite(before: dict[str, str], after: dict[str, str], what: str) -> None:
    for place, was in before.items():
        now = after[place]
        flipped = (was == ESTABLISHED and now in NOT_ON_LABEL) or (
            was in NOT_ON_LABEL and now == ESTABLISHED
        )
        assert not flipped, f"{what}: {place} went from {was} to {now}"


DEFINITE = [
    path
    for path in CORPUS
    if (expected := EXPECTED[f"{path.parent.name}/{path.name}"]) is not None
    and set(expected.values()) - {"cannot_tell"}
]


def test_some_corpus_files_are_definite() -> None:
    assert len(DEFINITE) >= 5


@pytest.mark.parametrize("path", DEFINITE, ids=lambda p: p.name)
def test_removing_any_resource_of_a_corpus_file_never_flips_its_category(
    path: Path, kb: KnowledgeBase
) -> None:
    bundle = read_fhir_file(path)
    before = categories(bundle, kb)
    for index, entry in enumerate(bundle["entry"]):
        resource = entry["resource"]
        what = f"{path.name} without {resource['resourceType']}/{resource.get('id')}"
        assert_never_opposite(before, categories(without(bundle, index), kb), what)


def _condition(code: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": "dx",
        "subject": {"reference": "Patient/p"},
        "code": {"coding": [{"system": SNOMED, "code": code}]},
    }


CAR_T = {
    "resourceType": "Procedure",
    "id": "car-t",
    "status": "completed",
    "subject": {"reference": "Patient/p"},
    "code": {"coding": [{"system": SNOMED, "code": "1156961008"}]},
    "performedDateTime": "2026-02-02",
}
DIAGNOSES = [
    CONDITION,  # relapsed DLBCL (SNOMED and Crossroads' own code)
    _condition("109969005"),  # DLBCL, SNOMED only
    _condition("109989006"),  # multiple myeloma
    _condition("254837009"),  # breast cancer: another disease
    _condition("118599009"),  # Hodgkin lymphoma
    _condition("1234567"),  # a code no table holds
]


@st.composite
def bundles(draw: st.DrawFn) -> dict[str, Any]:
    """A hospital-style bundle around the R-CHOP / R-ICE / transplant history."""
    resources: list[dict[str, Any]] = [PATIENT, draw(st.sampled_from(DIAGNOSES))]
    history = _history(second_line=draw(st.booleans()))
    keep = draw(st.lists(st.booleans(), min_size=len(history), max_size=len(history)))
    if draw(st.booleans()):  # often the whole history, sometimes records left out
        keep = [True] * len(history)
    resources += [record for record, kept in zip(history, keep, strict=True) if kept]
    if draw(st.booleans()):
        resources.append(CAR_T)
    entries = [{"resource": copy.deepcopy(r)} for r in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundle=bundles())
def test_removing_any_resource_of_a_generated_bundle_never_flips_its_category(
    bundle: dict[str, Any],
) -> None:
    kb = load_kb()  # cached: hypothesis runs the body many times, a fixture only once
    before = categories(bundle, kb)
    for index, entry in enumerate(bundle["entry"]):
        removed = entry["resource"]
        what = f"without {removed['resourceType']}/{removed.get('id')}"
        assert_never_opposite(before, categories(without(bundle, index), kb), what)


def test_the_generated_history_can_be_established(kb: KnowledgeBase) -> None:
    """The generator reaches a definite answer, so the property above is not vacuous."""
    full = [PATIENT, CONDITION, *_history()]
    bundle = {"resourceType": "Bundle", "entry": [{"resource": r} for r in full]}
    assert categories(bundle, kb) == dict.fromkeys(PLACES, ESTABLISHED)
    assert dt.date(2026, 11, 30) == TODAY
