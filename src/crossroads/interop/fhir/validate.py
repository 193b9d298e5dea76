"""Checking a FHIR Bundle: structure with ``fhir.resources`` (R4B models), rules with FHIRPath.

Why two layers: the pydantic models catch wrong types, missing required elements and bad
primitives; the FHIRPath rules (``fhirpathpy`` over the R4 model) check the invariants FHIR core
and mCODE state for the elements Crossroads writes. The HL7 Java validator cannot run here, so
these rules are what "validates" means: for each mCODE profile Crossroads claims in
``meta.profile``, the rules below are the parts of that profile it checks (not full conformance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

from fhir.resources.R4B import get_fhir_model_class
from fhirpathpy import compile as fhirpath_compile
from fhirpathpy.models import models
from pydantic import ValidationError

from crossroads.interop.fhir import mcode
from crossroads.interop.fhir.elements import Json
from crossroads.kb.fhir_maps import FhirMaps, load_fhir_maps

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One place where a resource breaks a rule: where, which rule, and what it says."""

    severity: Severity
    where: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Rule:
    key: str
    severity: Severity
    message: str
    expression: str


def _any_code(system: str, codes: list[str]) -> str:
    listed = " | ".join(f"'{c}'" for c in codes)
    return f"coding.where(system = '{system}' and (code in ({listed}))).exists()"


def _rules(maps: FhirMaps) -> dict[str, list[Rule]]:
    """Rules by resource type (``*`` = every resource) and by claimed profile URL."""
    loinc = maps.uri("loinc")
    ecog = maps.data.ecog
    ecog_answers = [a.code for a in ecog.answers]
    status = maps.data.disease_status
    trends = [status.worsened.code, *(t.code for t in status.trends)]
    snomed = maps.uri(status.worsened.system)
    return {
        "*": [
            Rule(
                "ext-1",
                "error",
                "every extension has either sub-extensions or a value, not both",
                "extension.all(extension.exists() != value.exists()) and "
                "descendants().extension.all(extension.exists() != value.exists())",
            ),
        ],
        "Bundle": [
            Rule(
                "bdl-7",
                "error",
                "fullUrl must be unique in a bundle",
                "entry.where(fullUrl.exists()).select(fullUrl).isDistinct()",
            ),
            Rule(
                "bdl-2",
                "error",
                "entry.search only when a Bundle is a search set",
                "entry.search.empty() or (type = 'searchset')",
            ),
        ],
        "List": [
            Rule(
                "lst-1",
                "error",
                "a list can only have an emptyReason if it is empty",
                "emptyReason.empty() or entry.empty()",
            ),
        ],
        "Observation": [
            Rule(
                "obs-6",
                "error",
                "dataAbsentReason only if there is no value",
                "dataAbsentReason.empty() or value.empty()",
            ),
        ],
        "Condition": [
            Rule(
                "con-5",
                "error",
                "no clinicalStatus when verificationStatus is entered-in-error",
                "verificationStatus.coding.where(code = 'entered-in-error').empty() "
                "or clinicalStatus.empty()",
            ),
        ],
        mcode.CANCER_PATIENT: [
            Rule(
                "us-core-patient",
                "error",
                "CancerPatient (US Core Patient) needs an identifier with a system and a value, "
                "a name with a family or given part, and a gender",
                "identifier.where(system.exists() and value.exists()).exists() "
                "and name.where(family.exists() or given.exists()).exists() and gender.exists()",
            ),
        ],
        mcode.PRIMARY_CANCER_CONDITION: [
            Rule(
                "mcode-condition",
                "error",
                "PrimaryCancerCondition needs a category, a code and a subject",
                "category.exists() and code.exists() and subject.exists()",
            ),
        ],
        mcode.MEDICATION_ADMINISTRATION: [
            Rule(
                "mcode-reason-required",
                "error",
                "one of reasonCode or reasonReference SHALL be present",
                "reasonCode.exists() or reasonReference.exists()",
            ),
            Rule("mcode-subject", "error", "a subject is required", "subject.exists()"),
        ],
        mcode.ECOG_PERFORMANCE_STATUS: [
            Rule(
                "mcode-ecog-code",
                "error",
                f"code is LOINC {ecog.code.code}",
                f"code.coding.where(system = '{loinc}' and code = '{ecog.code.code}').exists()",
            ),
            Rule(
                "mcode-ecog-value",
                "error",
                "value is an integer from 0 to 5",
                "value.ofType(integer).exists() and value.ofType(integer) >= 0 "
                "and value.ofType(integer) <= 5",
            ),
            Rule(
                "mcode-ecog-interpretation",
                "error",
                "interpretation comes from LOINC answer list LL529-9",
                f"interpretation.{_any_code(loinc, ecog_answers)}",
            ),
            Rule(
                "mcode-ecog-effective",
                "error",
                "effective is given (a date, or a data-absent-reason saying it is unknown)",
                "effective.exists()",
            ),
            Rule(
                "mcode-ecog-category",
                "error",
                "category is survey",
                f"category.coding.where(system = '{mcode.OBSERVATION_CATEGORY}' "
                "and code = 'survey').exists()",
            ),
        ],
        mcode.CANCER_DISEASE_STATUS: [
            Rule(
                "mcode-status-code",
                "error",
                f"code is LOINC {status.code.code}",
                f"code.coding.where(system = '{loinc}' and code = '{status.code.code}').exists()",
            ),
            Rule(
                "mcode-status-value",
                "error",
                "value comes from ConditionStatusTrendVS",
                f"value.ofType(CodeableConcept).{_any_code(snomed, trends)}",
            ),
            Rule(
                "mcode-status-effective",
                "error",
                "effective is a dateTime",
                "effective.exists() implies effective.ofType(dateTime).exists()",
            ),
            Rule("mcode-status-subject", "error", "a subject is required", "subject.exists()"),
        ],
        mcode.PATIENT_BUNDLE: [
            Rule(
                "mcode-bundle",
                "error",
                "an mCODE patient bundle is a collection with exactly one Patient",
                "type = 'collection' and entry.resource.ofType(Patient).count() = 1",
            ),
        ],
    }


Compiled = Callable[[Any], list[Any]]


@cache
def _compiled(expression: str) -> Compiled:
    return cast(Compiled, fhirpath_compile(expression, models["r4"]))


def _structure(data: Json) -> list[Issue]:
    kind = data.get("resourceType")
    try:
        model = get_fhir_model_class(str(kind))
    except KeyError:
        return [Issue("error", str(kind), "structure", "unknown resourceType")]
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [
            Issue(
                "error",
                ".".join(str(p) for p in err["loc"]) or str(kind),
                "structure",
                err["msg"],
            )
            for err in exc.errors()
        ]
    return []


def _check(resource: Json, where: str, rules: list[Rule]) -> list[Issue]:
    issues = []
    for rule in rules:
        try:
            result = _compiled(rule.expression)(resource)
        except Exception as exc:  # a rule that cannot run is itself a finding, never a crash
            issues.append(Issue("error", where, rule.key, f"rule could not run: {exc}"))
            continue
        if result != [True]:
            issues.append(Issue(rule.severity, where, rule.key, rule.message))
    return issues


def _references(data: Json) -> list[Issue]:
    """Every ``urn:uuid:`` reference must point at an entry of the bundle."""
    urls = {e.get("fullUrl") for e in data.get("entry") or [] if isinstance(e, dict)}
    issues = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            ref = node.get("reference")
            if isinstance(ref, str) and ref.startswith("urn:uuid:") and ref not in urls:
                issues.append(Issue("error", where, "reference", f"{ref} is not in the bundle"))
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    walk(data.get("entry") or [], "Bundle.entry")
    return issues


def validate_bundle(data: Json, maps: FhirMaps | None = None) -> list[Issue]:
    """Every issue found in a Bundle (or a single resource); an empty list means it passed."""
    rules = _rules(maps or load_fhir_maps())
    issues = _structure(data)
    kind = data.get("resourceType")
    issues += _check(data, str(kind), rules["*"] + rules.get(str(kind), []))
    for profile in _profile_list(data):
        issues += _check(data, str(kind), rules.get(profile, []))
    if kind == "Bundle":
        issues += _references(data)
        for i, entry in enumerate(data.get("entry") or []):
            res = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(res, dict):
                continue
            where = f"entry[{i}] {res.get('resourceType')}/{res.get('id', '?')}"
            found = rules["*"] + rules.get(str(res.get("resourceType")), [])
            for profile in _profile_list(res):
                found += rules.get(profile, [])
            issues += _check(res, where, found)
    return issues


def _profile_list(res: Json) -> list[str]:
    meta = res.get("meta")
    return (
        [p for p in meta.get("profile", []) if isinstance(p, str)] if isinstance(meta, dict) else []
    )
