"""CDS Hooks 2.0 ``patient-view`` service, as pure functions (the web app only wraps them).

``discovery()`` is the body of ``GET /cds-services``. ``patient_view(request, ...)`` is the body
of the answer to ``POST /cds-services/crossroads-car-t``: it builds a case record from the
prefetched FHIR resources (with the FHIR importer, so nothing is guessed), classifies CAR-T per
configured jurisdiction, and returns cards:

- one ``info`` card per jurisdiction: the category and why, product by product, with a link to
  open the case in Crossroads;
- one ``warning`` card "needs information" listing the facts that would settle open answers,
  plus what in the record could not be read, what the client could not send (an
  OperationOutcome in place of data) and any search that was sent only in part (a ``next`` page).

A service should stay quiet where it has nothing to say: a patient without a diagnosis that
Crossroads covers gets ``{"cards": []}``. And it must not answer from data it never saw: without
prefetched conditions (Crossroads does not read from the client's FHIR server) the call is
refused with :class:`CdsPrefetchMissingError`, which the web app answers with 412.

Cards organise; they never recommend a treatment (design section 7). Summaries stay under the
140 characters the specification allows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from crossroads.common.errors import (
    BadOptionError,
    CdsPrefetchMissingError,
    CdsRequestError,
    FhirInputError,
)
from crossroads.engine.classify import Classification, JurisdictionResult, classify
from crossroads.engine.codes import check_codes
from crossroads.engine.explain import ask_for, reasons
from crossroads.interop.fhir.importer import ImportResult, import_resources
from crossroads.kb import JURISDICTIONS, Jurisdiction, KnowledgeBase
from crossroads.kb.fhir_maps import FhirMaps, load_fhir_maps

SERVICE_ID = "crossroads-car-t"
HOOK = "patient-view"
SUMMARY_LIMIT = 140
CASE_PATH = "/cds/patients/{patient_id}"  # where the web app opens a case built from the EHR
_NAMESPACE = uuid.UUID("3f1d7a52-96c4-5c1e-8b0a-6c2e4d9f0b17")
_MAX_NOT_READ = 10
_MAX_FACTS = 8
CONDITIONS = "conditions"  # the prefetch key without which the service answers 412


def discovery(maps: FhirMaps | None = None) -> dict[str, Any]:
    """The discovery document: one ``patient-view`` service with its prefetch templates."""
    maps = maps or load_fhir_maps()
    loinc = maps.uri("loinc")
    codes = ",".join(
        f"{loinc}|{row.code}" for row in (maps.data.ecog.code, maps.data.disease_status.code)
    )
    return {
        "services": [
            {
                "hook": HOOK,
                "id": SERVICE_ID,
                "title": "Crossroads: CAR-T for this patient",
                "description": (
                    "Reads the cancer diagnosis, treatments, transplants and ECOG score, and "
                    "shows where CAR-T cell therapy stands for this patient in each configured "
                    "place (on label, trial only, or what is still missing). It organises "
                    "information; it does not recommend a treatment."
                ),
                "prefetch": {
                    "patient": "Patient/{{context.patientId}}",
                    CONDITIONS: "Condition?patient={{context.patientId}}",
                    "observations": f"Observation?patient={{{{context.patientId}}}}&code={codes}",
                    "medications": "MedicationAdministration?patient={{context.patientId}}",
                    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
                    "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
                    "procedures": "Procedure?patient={{context.patientId}}",
                },
            }
        ]
    }


def _context(request: Any) -> tuple[str, str]:
    """The hook instance and patient id, or a CdsRequestError naming what is wrong."""
    if not isinstance(request, dict):
        raise CdsRequestError("the request body must be a JSON object.")
    if request.get("hook") != HOOK:
        raise CdsRequestError(f"hook must be '{HOOK}', not {request.get('hook')!r}.")
    instance = request.get("hookInstance")
    if not isinstance(instance, str) or not instance:
        raise CdsRequestError("hookInstance is missing; send the UUID of this hook call.")
    context = request.get("context")
    patient = context.get("patientId") if isinstance(context, dict) else None
    if not isinstance(patient, str) or not patient:
        raise CdsRequestError("context.patientId is missing; patient-view needs the patient's id.")
    prefetch = request.get("prefetch")
    if prefetch is not None and not isinstance(prefetch, dict):
        raise CdsRequestError("prefetch must be an object of FHIR resources.")
    return instance, patient


@dataclass(frozen=True)
class Prefetch:
    """What the client sent: the resources, and what it said it could not send in full."""

    resources: list[dict[str, Any]]
    could_not_send: list[tuple[str, str]]  # (prefetch key, the OperationOutcome's words)
    partial: list[str]  # prefetch keys whose search Bundle has a ``next`` page

    @property
    def has_conditions(self) -> bool:
        return any(r.get("resourceType") == "Condition" for r in self.resources)


def _outcome_text(outcome: dict[str, Any]) -> str:
    issues = outcome.get("issue")
    words = []
    for issue in issues if isinstance(issues, list) else []:
        if isinstance(issue, dict):
            details = issue.get("details")
            detail_text = details.get("text") if isinstance(details, dict) else None
            text = issue.get("diagnostics") or detail_text or issue.get("code")
            if isinstance(text, str) and text:
                words.append(text[:200])
    return "; ".join(words) or "no reason given"


def read_prefetch(request: dict[str, Any]) -> Prefetch:
    """Open every prefetch value: resources, search Bundles, nulls and OperationOutcomes."""
    found: list[dict[str, Any]] = []
    failed: list[tuple[str, str]] = []
    partial: list[str] = []
    for key, value in (request.get("prefetch") or {}).items():
        if not isinstance(value, dict):
            continue
        kind = value.get("resourceType")
        if kind == "OperationOutcome":
            failed.append((str(key), _outcome_text(value)))
        elif kind == "Bundle":
            links = value.get("link")
            pages = links if isinstance(links, list) else []
            if any(isinstance(link, dict) and link.get("relation") == "next" for link in pages):
                partial.append(str(key))
            for entry in value.get("entry") or []:
                res = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(res, dict) and res.get("resourceType") == "OperationOutcome":
                    failed.append((str(key), _outcome_text(res)))
                elif isinstance(res, dict) and res.get("resourceType"):
                    found.append(res)
        elif kind:
            found.append(value)
    return Prefetch(found, failed, partial)


def _require_conditions(request: dict[str, Any], prefetch: Prefetch) -> None:
    """Refuse (412) a call whose conditions were never prefetched.

    The diagnosis decides everything else; answering without it would turn "not sent" into
    "not there". A ``conditions`` key that is null or an empty search means the client looked
    and found none, which is an answer; an absent key is not.
    """
    sent = request.get("prefetch") or {}
    if prefetch.has_conditions or CONDITIONS in sent:
        return
    server = " from the FHIR server in fhirServer" if request.get("fhirServer") else ""
    raise CdsPrefetchMissingError(
        f"prefetch '{CONDITIONS}' is missing, and Crossroads does not read the record"
        f"{server}; send the prefetch listed at /cds-services."
    )


def _in_scope(case_disease: object, imported: ImportResult) -> bool:
    """A diagnosis Crossroads covers, or a disease code it read but could not settle."""
    if case_disease is not None:
        return True
    return any(n.kind == "ambiguous" for n in imported.notes)


class _Cards:
    def __init__(
        self, kb: KnowledgeBase, maps: FhirMaps, instance: str, link: str, lang: str
    ) -> None:
        self.kb, self.maps, self.instance, self.link, self.lang = kb, maps, instance, link, lang

    def card(self, key: str, summary: str, indicator: str, detail: str) -> dict[str, Any]:
        if len(summary) > SUMMARY_LIMIT:
            summary = summary[: SUMMARY_LIMIT - 1].rstrip() + "…"
        return {
            "uuid": str(uuid.uuid5(_NAMESPACE, f"{self.instance}/{key}")),
            "summary": summary,
            "detail": detail,
            "indicator": indicator,
            "source": {
                "label": self.maps.phrase("cds.source", self.lang, version=self.kb.release.version)
            },
            "links": [
                {
                    "label": self.maps.phrase("cds.open_case", self.lang),
                    "url": self.link,
                    "type": "absolute",
                }
            ],
        }

    def jurisdiction(self, result: JurisdictionResult) -> dict[str, Any]:
        kb, lang = self.kb, self.lang
        place = kb.phrase(f"ui.jurisdiction.{result.jurisdiction}", lang)
        label = kb.phrase(f"category.{result.category}", lang)
        summary = self.maps.phrase("cds.category", lang, place=place, category=label)
        disease = result.disease
        why = (
            disease.hard_stop.get(lang)
            if disease is not None and disease.hard_stop
            else kb.phrase(f"category_why.{result.category}", lang)
        )
        lines = [why, ""]
        shown = result.indications if disease is not None else ()
        on_label = sorted({i.compiled.product.short for i in shown if i.status == "on_label"})
        if on_label:
            lines.append(self.maps.phrase("cds.on_label", lang, products=", ".join(on_label)))
        elif disease is not None:
            lines.append(self.maps.phrase("cds.none_on_label", lang))
        order = {"on_label": 0, "needs_information": 1, "not_on_label": 2}
        for ind in sorted(shown, key=lambda i: (order[i.status], i.indication_id)):
            status = kb.phrase(f"status.{ind.status}", lang)
            lines.append(f"- **{ind.compiled.product.short}** ({ind.indication_id}): {status}")
            lines += [f"  - {reason}" for reason in reasons(kb, ind, lang)]
        lines += ["", kb.phrase("not_replace", lang)]
        return self.card(f"category/{result.jurisdiction}", summary, "info", "\n".join(lines))

    def needs_information(
        self, classification: Classification, imported: ImportResult, prefetch: Prefetch
    ) -> dict[str, Any] | None:
        order = {code: i for i, code in enumerate(self.kb.facts)}
        missing = sorted(
            (k for k in classification.missing_facts() if not k.startswith("kb:")),
            key=lambda k: order.get(k, len(order)),
        )
        not_read = [
            f"- {self.maps.phrase('cds.could_not_send', self.lang, what=key, message=text)}"
            for key, text in prefetch.could_not_send
        ]
        not_read += [
            f"- {self.maps.phrase('cds.more_pages', self.lang, what=key)}"
            for key in prefetch.partial
        ]
        not_read += [f"- {n.where}: {n.message}" for n in imported.unmapped[:_MAX_NOT_READ]]
        if not missing and not not_read:
            return None
        lines = []
        if missing:
            lines.append(self.maps.phrase("cds.needs_info.detail", self.lang))
            lines += [f"- {ask_for(self.kb, key, self.lang)}" for key in missing[:_MAX_FACTS]]
            if len(missing) > _MAX_FACTS:
                more = len(missing) - _MAX_FACTS
                lines.append(self.maps.phrase("cds.more", self.lang, count=more))
        if not_read:
            lines += ["", self.maps.phrase("cds.not_read", self.lang), *not_read]
        summary = (
            self.maps.phrase("cds.needs_info.summary", self.lang, count=len(missing))
            if missing
            else self.maps.phrase("cds.not_read", self.lang)
        )
        return self.card("needs-information", summary, "warning", "\n".join(lines).strip())


def patient_view(
    request: dict[str, Any],
    kb: KnowledgeBase,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    base_url: str = "http://localhost:8000",
    *,
    today: dt.date | None = None,
    lang: str = "en",
    maps: FhirMaps | None = None,
) -> dict[str, Any]:
    """The CDS Hooks response (``{"cards": [...]}``) for one ``patient-view`` call."""
    if not base_url.startswith(("http://", "https://")):
        raise BadOptionError(f"base_url '{base_url}' must be an absolute http(s) address.")
    maps = maps or load_fhir_maps()
    instance, patient_id = _context(request)
    link = base_url.rstrip("/") + CASE_PATH.format(patient_id=quote(patient_id, safe=""))
    cards = _Cards(kb, maps, instance, link, lang)
    prefetch = read_prefetch(request)
    for res in prefetch.resources:
        if res.get("resourceType") == "Patient" and res.get("id") not in (None, patient_id):
            raise CdsRequestError(
                f"prefetch holds Patient/{res.get('id')}, but context.patientId is {patient_id}; "
                "send the record of the patient in view."
            )
    _require_conditions(request, prefetch)
    try:
        imported = import_resources(prefetch.resources, kb, maps, lang, source="prefetch")
    except FhirInputError as exc:
        raise CdsRequestError(f"prefetch: {exc.detail}") from None
    case = check_codes(imported.case, kb, "prefetch")
    classification = classify(case, kb, jurisdictions, today)
    disease = case.diagnosis.disease
    out_of_scope = disease is not None and bool(kb.diseases[disease].hard_stop)
    if out_of_scope or not _in_scope(disease, imported):
        if not prefetch.could_not_send:
            return {"cards": []}
        # The conditions themselves may be what could not be sent: say so rather than nothing.
        needs = cards.needs_information(classification, imported, prefetch)
        return {"cards": [needs] if needs is not None else []}
    out = [cards.jurisdiction(result) for result in classification.jurisdictions]
    needs = cards.needs_information(classification, imported, prefetch)
    if needs is not None:
        out.append(needs)
    return {"cards": out}


__all__ = [
    "CASE_PATH",
    "SERVICE_ID",
    "Prefetch",
    "discovery",
    "patient_view",
    "read_prefetch",
]
