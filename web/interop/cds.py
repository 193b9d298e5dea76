"""The CDS Hooks endpoints: ``GET /cds-services``, ``POST /cds-services/<id>`` and
``POST /cds-services/<id>/feedback``.

They wrap :mod:`crossroads.interop.cdshooks` and add nothing clinical. A CDS client (a health
record system) does not sign in with a Crossroads session: it authenticates each call with a JWT
signed by its own key (CDS Hooks 2.0 "Trusting CDS Clients", checked in :mod:`interop.clients`
when ``CROSSROADS_CDS_AUTH`` is on, as it always is in production). A refused call gets 401 with
a JSON reason and ``WWW-Authenticate: Bearer``. The discovery document stays public: it holds
nothing about anyone. The service stores no health data: each answer derives only from the
request (and what it read from the client's FHIR server with the client's token), and the audit
lines hold no patient id. The cards' link leads to ``/cds/patients/<patientId>``, which checks
who is asking.

Because CDS clients are not browsers with a Crossroads session, the service is exempt from CSRF
checks, and the endpoints send the CORS headers a browser-based CDS client needs (any origin,
no cookies). Every error is a JSON body ``{"error": "..."}`` with a 4xx or 5xx status, never an
HTML page or a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from audit.actions import Actor
from cases import results
from crossroads.common.errors import (
    CdsAuthError,
    CdsPrefetchMissingError,
    InputLimitError,
    UserError,
)
from crossroads.common.safeio import load_json
from crossroads.interop.cdsauth import VerifiedClient
from crossroads.interop.cdshooks import SERVICE_ID, discovery, patient_view, read_feedback
from crossroads.kb.places import known_jurisdictions
from crossroads_web.context import core_lang
from interop import actions, clients
from interop.bodies import BodyTooLargeError, read_body

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 8 * 1024 * 1024  # a patient's prefetched record can be large
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
    "Access-Control-Max-Age": "600",
}


def _answer(data: dict[str, Any], status: int = 200, **headers: str) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in {**CORS_HEADERS, **headers}.items():
        response[name] = value
    return response


def _error(status: int, message: str, **headers: str) -> JsonResponse:
    return _answer({"error": message}, status, **headers)


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def jurisdictions() -> list[Any]:
    """The places cards are made for (setting ``CROSSROADS_CDS_JURISDICTIONS``)."""
    return list(known_jurisdictions(getattr(settings, "CROSSROADS_CDS_JURISDICTIONS", ())))


def base_url(request: HttpRequest) -> str:
    """Where the cards' links point: ``CROSSROADS_CDS_BASE_URL``, else this server's address."""
    configured = getattr(settings, "CROSSROADS_CDS_BASE_URL", "") or ""
    return (configured or request.build_absolute_uri("/")).rstrip("/")


def read_json(request: HttpRequest) -> Any:
    """The request body as JSON; ValueError with a plain message when it is not JSON."""
    raw = read_body(request, MAX_REQUEST_BYTES)  # BodyTooLargeError goes to the caller
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the request body is not UTF-8 text.") from None
    if not text.strip():
        raise ValueError("the request body is empty; send the hook call as a JSON object.")
    try:
        return load_json(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"the request body is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    except InputLimitError as exc:  # too deep, a number too long, half a character
        raise ValueError(f"the request body cannot be read: {exc.detail}") from None


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not allowed in JSON", name, 0)


@csrf_exempt
def discovery_view(request: HttpRequest) -> HttpResponse:
    """The discovery document, exactly as the core gives it."""
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD"):
        return _error(405, "use GET for the discovery endpoint.", Allow="GET, OPTIONS")
    return _answer(discovery())


def service_address(request: HttpRequest, service_id: str) -> str:
    """The address of a service endpoint, as a client's token must name it in ``aud``."""
    return f"{base_url(request)}/cds-services/{service_id}"


def _caller(request: HttpRequest, client: VerifiedClient | None) -> Actor:
    """The audit actor: the verified client by its issuer, else whoever the request says."""
    actor = Actor.from_request(request)
    if client is None:
        return actor
    return Actor(None, client.issuer[:150], "cds_client", actor.ip, actor.path)


def _refused(request: HttpRequest, service_id: str, exc: CdsAuthError, action: str) -> HttpResponse:
    actions.record_cds_refusal(Actor.from_request(request), service_id, action)
    return _error(401, str(exc), **{"WWW-Authenticate": 'Bearer error="invalid_token"'})


def _precheck(request: HttpRequest, service_id: str) -> HttpResponse | None:
    """The answers every POST endpoint gives before it looks at the body."""
    if request.method == "OPTIONS":
        return _preflight()
    if request.method != "POST":
        return _error(405, "call a CDS service with POST.", Allow="POST, OPTIONS")
    if service_id != SERVICE_ID:
        return _error(404, f"no CDS service '{service_id[:64]}'; see /cds-services.")
    if (request.content_type or "").startswith("multipart/"):  # forms and files: not a hook call
        return _error(415, "send the hook call as JSON (Content-Type: application/json).")
    return None


@csrf_exempt
def service_view(request: HttpRequest, service_id: str) -> HttpResponse:
    """One ``patient-view`` call: JSON in, cards out (or a JSON error)."""
    early = _precheck(request, service_id)
    if early is not None:
        return early
    try:
        client = clients.authenticate(
            request.headers.get("Authorization"), [service_address(request, service_id)]
        )
    except CdsAuthError as exc:
        return _refused(request, service_id, exc, "cds.call")
    actor = _caller(request, client)
    try:
        body = read_json(request)
    except BodyTooLargeError:
        actions.record_cds_call(actor, service_id, 413)
        return _error(413, f"the request is larger than {MAX_REQUEST_BYTES // 1048576} MB.")
    except ValueError as exc:
        actions.record_cds_call(actor, service_id, 400)
        return _error(400, str(exc))
    lang = core_lang(translation.get_language())
    try:
        answer = patient_view(
            body,
            results.kb(),
            jurisdictions(),
            base_url(request),
            today=results.today(),
            lang=lang,
            read=clients.reader(),
            limits=clients.limits(),
        )
    except CdsPrefetchMissingError as exc:  # CDS Hooks 2.0: required data not obtainable
        actions.record_cds_call(actor, service_id, 412)
        return _error(412, str(exc))
    except UserError as exc:  # CdsRequestError and the importer's refusals
        actions.record_cds_call(actor, service_id, 400)
        return _error(400, str(exc))
    except Exception:  # a bug, not the caller's fault: log it, answer without a traceback
        log.exception("CDS service %s failed", service_id)
        actions.record_cds_call(actor, service_id, 500)
        return _error(500, "the service failed on this request; it has been logged.")
    actions.record_cds_call(actor, service_id, 200, cards=len(answer["cards"]))
    return _answer(answer)


@csrf_exempt
def feedback_view(request: HttpRequest, service_id: str) -> HttpResponse:
    """CDS Hooks feedback on cards: checked, then one audit event per item."""
    early = _precheck(request, service_id)
    if early is not None:
        return early
    service = service_address(request, service_id)
    try:
        client = clients.authenticate(
            request.headers.get("Authorization"), [f"{service}/feedback", service]
        )
    except CdsAuthError as exc:
        return _refused(request, service_id, exc, "cds.feedback")
    actor = _caller(request, client)
    try:
        items = read_feedback(read_json(request))
    except BodyTooLargeError:
        return _error(413, f"the request is larger than {MAX_REQUEST_BYTES // 1048576} MB.")
    except (ValueError, UserError) as exc:
        actions.record_cds_refusal(actor, service_id, "cds.feedback", status=400)
        return _error(400, str(exc))
    actions.record_cds_feedback(actor, service_id, items)
    return _answer({"recorded": len(items)})
