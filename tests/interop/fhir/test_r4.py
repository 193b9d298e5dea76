"""Every exported bundle is valid FHIR R4 (4.0.1), not only R4B.

The runtime check (:mod:`crossroads.interop.fhir.validate`) uses the ``fhir.resources`` R4B models,
which is what that library still ships; R4 itself is checked here with the R4 models of
``fhircraft`` (a maintained, pydantic-based library generated from the R4 StructureDefinitions,
invariants included; it does not check code bindings without a terminology server). It is a test
dependency only: importing its models takes several seconds, too slow for every export.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import export_case
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case
from crossroads.steps.assess import prepare_case
from tests.conftest import example_files

pytestmark = pytest.mark.integration

Json = dict[str, Any]
Check = Callable[[Json], list[str]]


def _problems(exc: ValidationError) -> list[str]:
    """The errors that break R4. fhircraft applies ele-1 ("an element has a value or children")
    to a resource's root as well; R4 defines ele-1 on Element, and a resource is not an Element,
    so a Patient that holds nothing but its id is still valid R4."""
    return [
        f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
        for err in exc.errors()
        if not (err["loc"] == () and str(err["msg"]).startswith("[ele-1]"))
    ]


@pytest.fixture(scope="module")
def r4() -> Check:
    from fhircraft.config import override_config
    from fhircraft.fhir.resources.datatypes.R4 import core

    def check(bundle: Json) -> list[str]:
        found: list[str] = []
        shell = copy.deepcopy(bundle)
        for entry in shell.get("entry", []):
            entry.pop("resource", None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dom-6 (no narrative) is advice, not a rule
            # Each resource is checked with its own model below; the Bundle model would check
            # them as plain Resources, so it sees the entries without them (bdl-5 off).
            with override_config(disabled_fhir_constraints=["bdl-5"]):
                try:
                    core.Bundle.model_validate(shell)
                except ValidationError as exc:
                    found += [f"Bundle {p}" for p in _problems(exc)]
            for entry in bundle.get("entry", []):
                res = entry["resource"]
                try:
                    getattr(core, res["resourceType"]).model_validate(res)
                except ValidationError as exc:
                    found += [f"{res['resourceType']}/{res.get('id')} {p}" for p in _problems(exc)]
        return found

    return check


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_every_example_exports_as_valid_r4(kb: KnowledgeBase, r4: Check, case_file: Path) -> None:
    assert r4(export_case(prepare_case(case_file, kb), kb)) == []


def test_a_full_case_and_an_empty_case_export_as_valid_r4(kb: KnowledgeBase, r4: Check) -> None:
    from tests.interop.fhir.test_export import CASE

    assert r4(export_case(check_codes(Case.model_validate(CASE), kb), kb)) == []
    assert r4(export_case(Case(), kb)) == []


def test_the_r4_check_finds_a_broken_resource(kb: KnowledgeBase, r4: Check) -> None:
    bundle = export_case(Case.model_validate({"patient": {"sex": "female"}}), kb)
    bundle["entry"][0]["resource"]["birthDate"] = "1990-13"  # not an R4 date
    bundle["entry"][0]["resource"]["extension"] = [
        {"url": "http://example.org/x", "valueString": "a", "extension": [{"url": "y"}]}
    ]
    found = r4(bundle)
    assert any(f.startswith("Patient/") and "birthDate" in f for f in found)
    assert any("ext-1" in f for f in found)
