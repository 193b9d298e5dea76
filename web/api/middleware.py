"""The API's edge: JSON in, JSON out, nothing cached.

Every answer under ``/api/`` is JSON, including the ones Django gives before the API sees the
request (an unknown URL, a body too big): a program reading the answer should never meet an HTML
page. Bodies must be JSON: anything else (forms, file uploads) gets 415 with a plain sentence.
Answers carry ``Cache-Control: no-store``, since they hold health data.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse

from crossroads_web.limits import API_PREFIX

Handler = Callable[[HttpRequest], HttpResponse]
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _has_body(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH") or "0"
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return chunked or (length.isdigit() and int(length) > 0)


def problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": []}, status=status)


class ApiEdgeMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if (
            request.method in BODY_METHODS
            and _has_body(request)
            and request.content_type != "application/json"
        ):
            response: HttpResponse = problem(
                415, "The API accepts JSON only (Content-Type: application/json); no files."
            )
        else:
            response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            response = self._as_json(response)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _as_json(response: HttpResponse) -> HttpResponse:
        """Django's own error pages, as a short JSON answer with the same status."""
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = "Error"
        replaced = problem(response.status_code, phrase)
        for header in ("Retry-After", "Allow"):
            if header in response:
                replaced[header] = response[header]
        return replaced
