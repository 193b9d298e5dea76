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
Crossroads covers gets ``{"cards": []}``. And it must not answer from data it never saw. When the
call gives ``fhirServer`` with ``fhirAuthorization`` (a bearer token) and a ``reader`` is passed,
Crossroads reads what is missing itself: the ``next`` pages of a paged prefetch search, and every
prefetch query the client did not answer, within :class:`FetchLimits`; what it could not read is
named in the warning card ("the record may be incomplete"). Without conditions, prefetched or
fetched, the call is refused with :class:`CdsPrefetchMissingError`, which the web app answers
with 412. Only the client's own FHIR server is read (same scheme, host and port as
``fhirServer``), through the guarded fetcher of :mod:`crossroads.interop.fetch`.

``read_feedback`` checks the body of ``POST {service}/feedback`` (CDS Hooks 2.0 feedback).

Cards organise; they never recommend a treatment (design section 7). Summaries stay under the
140 characters the specification allows.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from crossroads.common.errors import (
    BadOptionError,
    CdsPrefetchMissingError,
    CdsRequestError,
    FhirInputError,
    UserError,
)
from crossroads.engine.classify import Classification, JurisdictionResult, classify
from crossroads.engine.codes import check_codes
from crossroads.engine.explain import ask_for, reasons
from crossroads.interop.fetch import FetchPolicy, get_json, origin
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
PATIENT_TOKEN = "{{context.patientId}}"
OUTCOMES = ("accepted", "overridden")
MAX_FEEDBACK = 100  # feedback items in one call
Reader = Callable[[str, str], Any]  # (absolute URL, bearer token) -> the JSON it answered


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
class FetchLimits:
    """How much Crossroads reads from a client's FHIR server in one call: pages per search (the
    first included) and entries in all. A search longer than that leaves the record incomplete,
    and the card says so."""

    max_pages: int = 10
    max_resources: int = 5000
    max_seconds: float = 20.0  # for all reading in one call (each request has its own timeout)

    def __post_init__(self) -> None:
        if self.max_pages < 1 or self.max_resources < 1 or self.max_seconds <= 0:
            raise BadOptionError("CDS fetch limits must be at least 1 page, 1 entry and some time.")


@dataclass(frozen=True)
class FhirAccess:
    """The client's FHIR server and the bearer token it gave for this call."""

    server: str
    token: str = field(repr=False)  # never printed, logged or stored


def fhir_access(request: dict[str, Any]) -> FhirAccess | None:
    """``fhirServer`` with ``fhirAuthorization``, or None when the call gives no token."""
    auth = request.get("fhirAuthorization")
    if auth is None:
        return None
    if not isinstance(auth, dict):
        raise CdsRequestError("fhirAuthorization must be an object with access_token.")
    token = auth.get("access_token")
    if not isinstance(token, str) or not token.strip():
        raise CdsRequestError("fhirAuthorization.access_token is missing; send the bearer token.")
    kind = auth.get("token_type", "Bearer")
    if not isinstance(kind, str) or kind.lower() != "bearer":
        raise CdsRequestError("fhirAuthorization.token_type must be 'Bearer'.")
    server = request.get("fhirServer")
    if not isinstance(server, str) or origin(server) is None:
        raise CdsRequestError(
            "fhirServer must be the absolute address of the FHIR server when fhirAuthorization "
            "is given."
        )
    return FhirAccess(server.rstrip("/"), token.strip())


def bearer_reader(policy: FetchPolicy) -> Reader:
    """A reader that GETs with the call's bearer token, through the guarded fetcher."""

    def read(url: str, token: str) -> Any:
        return get_json(url, policy, {"Authorization": f"Bearer {token}"})

    return read


@dataclass
class Prefetch:
    """What the client sent or Crossroads fetched, and what is missing from it."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    could_not_send: list[tuple[str, str]] = field(default_factory=list)  # (key, OperationOutcome)
    partial: list[tuple[str, str]] = field(default_factory=list)  # (key, why; "" = not followed)
    not_fetched: list[tuple[str, str]] = field(default_factory=list)  # (key, why)
    fetched: list[str] = field(default_factory=list)  # keys read from the FHIR server

    @property
    def has_conditions(self) -> bool:
        return any(r.get("resourceType") == "Condition" for r in self.resources)

    def incomplete(self, key: str) -> bool:
        """True when the search behind ``key`` was not read in full."""
        return any(k == key for k, _ in (*self.partial, *self.not_fetched, *self.could_not_send))


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


def _next_link(bundle: dict[str, Any]) -> str | None:
    links = bundle.get("link")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            return url if isinstance(url, str) and url else None
    return None


_OUT_OF_TIME = "the time Crossroads allows for reading the record ran out"


class _Collector:
    """Opens prefetch values and server answers; follows ``next`` pages within the limits."""

    def __init__(
        self, access: FhirAccess | None, read: Reader | None, limits: FetchLimits, limit_text: str
    ) -> None:
        self.access = access if read is not None else None
        self.read, self.limits, self.limit_text = read, limits, limit_text
        self.out = Prefetch()
        self._seen: set[tuple[str, str]] = set()
        self._until = time.monotonic() + limits.max_seconds

    def _add(self, res: dict[str, Any]) -> None:
        """Keep a resource once: two prefetch keys (``patientToGreet`` and ``patient``) or two
        overlapping pages may carry the same one, which is not a second patient."""
        rid = res.get("id")
        if isinstance(rid, str) and rid:
            key = (str(res.get("resourceType")), rid)
            if key in self._seen:
                return
            self._seen.add(key)
        self.out.resources.append(res)

    def take(self, key: str, value: Any) -> None:
        if not isinstance(value, dict):
            return
        kind = value.get("resourceType")
        if kind == "OperationOutcome":
            self.out.could_not_send.append((key, _outcome_text(value)))
        elif kind == "Bundle":
            self._entries(key, value)
            self._follow(key, value)
        elif kind:
            self._add(value)

    def _entries(self, key: str, bundle: dict[str, Any]) -> None:
        for entry in bundle.get("entry") or []:
            res = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(res, dict) and res.get("resourceType") == "OperationOutcome":
                self.out.could_not_send.append((key, _outcome_text(res)))
            elif isinstance(res, dict) and res.get("resourceType"):
                self._add(res)

    def _follow(self, key: str, bundle: dict[str, Any]) -> None:
        link, pages = _next_link(bundle), 1
        while link is not None:
            if self.access is None or self.read is None:
                self.out.partial.append((key, ""))
                return
            if pages >= self.limits.max_pages or self._full():
                self.out.partial.append((key, self.limit_text))
                return
            if time.monotonic() > self._until:
                self.out.partial.append((key, _OUT_OF_TIME))
                return
            if origin(link) != origin(self.access.server):
                host = urlsplit(link).hostname or "an unknown server"
                self.out.partial.append((key, f"the next page is on another server, {host}"))
                return
            try:
                page = self.read(link, self.access.token)
            except UserError as exc:
                self.out.partial.append((key, str(exc)))
                return
            if not isinstance(page, dict) or page.get("resourceType") != "Bundle":
                self.out.partial.append((key, "the next page is not a search Bundle"))
                return
            pages += 1
            self._entries(key, page)
            link = _next_link(page)

    def _full(self) -> bool:
        return len(self.out.resources) >= self.limits.max_resources

    def fetch(self, key: str, template: str, patient_id: str) -> None:
        """Run one prefetch query the client did not answer, against its FHIR server."""
        if self.access is None or self.read is None:
            return
        if self._full():
            self.out.not_fetched.append((key, self.limit_text))
            return
        if time.monotonic() > self._until:
            self.out.not_fetched.append((key, _OUT_OF_TIME))
            return
        query = template.replace(PATIENT_TOKEN, quote(patient_id, safe=""))
        try:
            answer = self.read(f"{self.access.server}/{query}", self.access.token)
        except UserError as exc:
            self.out.not_fetched.append((key, str(exc)))
            return
        if not isinstance(answer, dict) or not answer.get("resourceType"):
            self.out.not_fetched.append((key, "the answer is not a FHIR resource"))
            return
        self.out.fetched.append(key)
        self.take(key, answer)


def read_prefetch(
    request: dict[str, Any],
    *,
    read: Reader | None = None,
    limits: FetchLimits | None = None,
    templates: dict[str, str] | None = None,
    limit_text: str = "",
) -> Prefetch:
    """Open every prefetch value (resources, search Bundles, nulls, OperationOutcomes).

    With a ``read`` function and ``fhirServer`` + ``fhirAuthorization`` in the call, also follow
    ``next`` pages and run the ``templates`` (prefetch key: query) the client left out.
    """
    limits = limits or FetchLimits()
    text = limit_text or f"more than {limits.max_pages} pages or {limits.max_resources} entries"
    access = fhir_access(request) if read is not None else None
    collector = _Collector(access, read, limits, text)
    sent = request.get("prefetch") or {}
    for key, value in sent.items():
        collector.take(str(key), value)
    patient = request.get("context", {}).get("patientId") if access else None
    for key, template in (templates or {}).items():
        if key not in sent and isinstance(patient, str):
            collector.fetch(key, template, patient)
    return collector.out


def _require_conditions(request: dict[str, Any], prefetch: Prefetch) -> None:
    """Refuse (412) a call whose conditions were neither prefetched nor fetched.

    The diagnosis decides everything else; answering without it would turn "not sent" into
    "not there". A ``conditions`` key that is null or an empty search means the client looked
    and found none, which is an answer; an absent key is not.
    """
    sent = request.get("prefetch") or {}
    if prefetch.has_conditions or CONDITIONS in sent or CONDITIONS in prefetch.fetched:
        return
    why = dict(prefetch.not_fetched).get(CONDITIONS)
    if why:
        raise CdsPrefetchMissingError(
            f"prefetch '{CONDITIONS}' is missing, and Crossroads could not fetch it from "
            f"fhirServer: {why}"
        )
    if request.get("fhirServer") and request.get("fhirAuthorization") is not None:
        how = "this installation does not read the client's FHIR server"
    elif request.get("fhirServer"):
        how = "fhirServer comes without fhirAuthorization, so Crossroads may not read it"
    else:
        how = "the call gives no fhirServer with fhirAuthorization to fetch it from"
    raise CdsPrefetchMissingError(
        f"prefetch '{CONDITIONS}' is missing, and {how}; send the prefetch listed at /cds-services."
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
            f"- {self.maps.phrase('cds.could_not_fetch', self.lang, what=key, reason=why)}"
            for key, why in prefetch.not_fetched
        ]
        not_read += [
            "- "
            + (
                self.maps.phrase("cds.pages_stopped", self.lang, what=key, reason=why)
                if why
                else self.maps.phrase("cds.more_pages", self.lang, what=key)
            )
            for key, why in prefetch.partial
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


def _same_patient(resources: list[dict[str, Any]], patient_id: str) -> None:
    for res in resources:
        if res.get("resourceType") == "Patient" and res.get("id") not in (None, patient_id):
            raise CdsRequestError(
                f"prefetch holds Patient/{res.get('id')}, but context.patientId is {patient_id}; "
                "send the record of the patient in view."
            )


def patient_view(
    request: dict[str, Any],
    kb: KnowledgeBase,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    base_url: str = "http://localhost:8000",
    *,
    today: dt.date | None = None,
    lang: str = "en",
    maps: FhirMaps | None = None,
    read: Reader | None = None,
    limits: FetchLimits | None = None,
) -> dict[str, Any]:
    """The CDS Hooks response (``{"cards": [...]}``) for one ``patient-view`` call.

    ``read`` (see :func:`bearer_reader`) lets the service read the client's FHIR server when the
    call gives ``fhirServer`` and ``fhirAuthorization``; without it only the prefetch is used.
    """
    if not base_url.startswith(("http://", "https://")):
        raise BadOptionError(f"base_url '{base_url}' must be an absolute http(s) address.")
    maps = maps or load_fhir_maps()
    instance, patient_id = _context(request)
    link = base_url.rstrip("/") + CASE_PATH.format(patient_id=quote(patient_id, safe=""))
    cards = _Cards(kb, maps, instance, link, lang)
    _same_patient(read_prefetch(request).resources, patient_id)  # before any fetching
    limits = limits or FetchLimits()
    prefetch = read_prefetch(
        request,
        read=read,
        limits=limits,
        templates=discovery(maps)["services"][0]["prefetch"],
        limit_text=maps.phrase(
            "cds.page_limit", lang, pages=limits.max_pages, count=limits.max_resources
        ),
    )
    _same_patient(prefetch.resources, patient_id)
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
        if not prefetch.could_not_send and not prefetch.incomplete(CONDITIONS):
            return {"cards": []}
        # The conditions themselves may be what could not be sent: say so rather than nothing.
        needs = cards.needs_information(classification, imported, prefetch)
        return {"cards": [needs] if needs is not None else []}
    out = [cards.jurisdiction(result) for result in classification.jurisdictions]
    needs = cards.needs_information(classification, imported, prefetch)
    if needs is not None:
        out.append(needs)
    return {"cards": out}


@dataclass(frozen=True)
class Feedback:
    """One item of CDS Hooks feedback, as kept in the audit trail.

    The clinician's free-text ``userComment`` may name the patient, so only whether one was
    given is kept, never its words.
    """

    card: str
    outcome: str  # accepted | overridden
    at: dt.datetime  # outcomeTimestamp, with its time zone
    accepted: tuple[str, ...] = ()  # ids of accepted suggestions
    reason: tuple[str, str] | None = None  # the override reason's (system, code)
    comment: bool = False


def _short_text(value: Any, where: str, limit: int = 256) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CdsRequestError(f"{where} is missing; send it as text.")
    if len(value) > limit:
        raise CdsRequestError(f"{where} is longer than {limit} characters.")
    return value.strip()


def _timestamp(value: Any, where: str) -> dt.datetime:
    text = _short_text(value, where, 64)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or "T" not in text.upper() or moment.tzinfo is None:
        raise CdsRequestError(
            f"{where} must be a date and time with its zone, e.g. 2021-12-11T10:05:31Z."
        )
    return moment.astimezone(dt.UTC)


def _override_reason(value: Any, where: str) -> tuple[tuple[str, str] | None, bool]:
    if value is None:
        return None, False
    if not isinstance(value, dict):
        raise CdsRequestError(f"{where} must be an object with reason and/or userComment.")
    reason = None
    if value.get("reason") is not None:
        coding = value["reason"]
        if not isinstance(coding, dict):
            raise CdsRequestError(f"{where}.reason must be a Coding with system and code.")
        reason = (
            _short_text(coding.get("system"), f"{where}.reason.system"),
            _short_text(coding.get("code"), f"{where}.reason.code"),
        )
    comment = value.get("userComment")
    if comment is not None and not isinstance(comment, str):
        raise CdsRequestError(f"{where}.userComment must be text.")
    return reason, bool(comment and comment.strip())


def _feedback_item(item: Any, where: str) -> Feedback:
    if not isinstance(item, dict):
        raise CdsRequestError(f"{where} must be an object with card, outcome and outcomeTimestamp.")
    card = _short_text(item.get("card"), f"{where}.card", 128)
    outcome = item.get("outcome")
    if outcome not in OUTCOMES:
        raise CdsRequestError(
            f"{where}.outcome must be 'accepted' or 'overridden', not {str(outcome)[:40]!r}."
        )
    accepted: tuple[str, ...] = ()
    if outcome == "accepted":
        chosen = item.get("acceptedSuggestions")
        if not isinstance(chosen, list) or not chosen:
            raise CdsRequestError(
                f"{where}.acceptedSuggestions is missing; an accepted outcome names the "
                "suggestions taken."
            )
        accepted = tuple(
            _short_text(
                s.get("id") if isinstance(s, dict) else None,
                f"{where}.acceptedSuggestions[{i}].id",
                128,
            )
            for i, s in enumerate(chosen[:MAX_FEEDBACK])
        )
    reason, comment = _override_reason(item.get("overrideReason"), f"{where}.overrideReason")
    at = _timestamp(item.get("outcomeTimestamp"), f"{where}.outcomeTimestamp")
    return Feedback(card, str(outcome), at, accepted, reason, comment)


def read_feedback(body: Any) -> list[Feedback]:
    """The items of a feedback call ``{"feedback": [...]}``; CdsRequestError names the field."""
    if not isinstance(body, dict):
        raise CdsRequestError("the request body must be a JSON object.")
    items = body.get("feedback")
    if not isinstance(items, list) or not items:
        raise CdsRequestError(
            'feedback is missing; send {"feedback": [...]} with one item or more.'
        )
    if len(items) > MAX_FEEDBACK:
        raise CdsRequestError(f"feedback holds {len(items)} items; send at most {MAX_FEEDBACK}.")
    return [_feedback_item(item, f"feedback[{i}]") for i, item in enumerate(items)]


__all__ = [
    "CASE_PATH",
    "SERVICE_ID",
    "Feedback",
    "FetchLimits",
    "FhirAccess",
    "Prefetch",
    "bearer_reader",
    "discovery",
    "fhir_access",
    "patient_view",
    "read_feedback",
    "read_prefetch",
]
