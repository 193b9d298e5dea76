"""How the API answers problems: one JSON shape, plain sentences, never a stack trace.

``{"detail": "...", "errors": [{"field": "record.lines[0].start", "message": "...", "hint": ""}]}``.
Field messages come from the core's one table
(:func:`crossroads.common.messages.problem_from_error`), the same sentences the command line
prints, in the caller's saved language.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cases.access import deny
from cases.actions import VersionConflictError
from crossroads.common.errors import CaseFileError, CrossroadsError, InputLimitError, UserError
from crossroads.common.i18n import product_lang
from crossroads.common.messages import location, problem_from_error
from crossroads.record.load import fields_at
from review.actions import MoveRefusedError, WrongStateError

log = logging.getLogger(__name__)
# Where a request value came from, as ninja names it; the first part of an error's location.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def core_lang(request: HttpRequest) -> str:
    return product_lang(getattr(getattr(request, "user", None), "language", None))


def field_problems(errors: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """ninja's validation errors as field, message and hint, in plain words."""
    out = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if loc and loc[0] == "body":
            loc = loc[2:]  # ("body", <parameter name>, field, ...)
        elif loc and loc[0] in _SOURCES:
            loc = loc[1:]
        names = fields_at(loc[1:]) if loc[:1] == ("record",) else []
        found = problem_from_error({**error, "loc": loc}, names, lang)
        out.append({"field": location(loc), "message": found.message, "hint": found.hint})
    return out


def install(api: NinjaAPI) -> None:
    """Register the handlers (after ninja's defaults, so these win)."""

    def respond(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(
            request, {"detail": detail, "errors": [], **extra}, status=status
        )

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = field_problems(list(exc.errors), core_lang(request))
        return respond(request, 422, "Some values cannot be used; see errors.", errors=errors)

    @api.exception_handler(CaseFileError)
    def bad_record(request: HttpRequest, exc: CaseFileError) -> HttpResponse:
        errors = [{"field": p.location, "message": p.message, "hint": p.hint} for p in exc.problems]
        return respond(request, 422, "The case record cannot be used; see errors.", errors=errors)

    @api.exception_handler(UserError)
    def user_error(request: HttpRequest, exc: UserError) -> HttpResponse:
        return respond(request, 422, str(exc))

    @api.exception_handler(VersionConflictError)
    def conflict(request: HttpRequest, exc: VersionConflictError) -> HttpResponse:
        return respond(
            request, 409, "The case was saved by someone else since you read it. Read it again."
        )

    @api.exception_handler(WrongStateError)
    def wrong_state(request: HttpRequest, exc: WrongStateError) -> HttpResponse:
        return respond(request, 409, str(exc))

    @api.exception_handler(MoveRefusedError)
    def refused(request: HttpRequest, exc: MoveRefusedError) -> HttpResponse:
        deny(request, None, "review_move")
        return respond(request, 404, "Not found.")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "Not found.")

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, "Send a valid API token: Authorization: Bearer <token>.")
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, InputLimitError):  # ninja wraps the parser's refusal
            return respond(request, 400, f"The body cannot be read: {exc.__cause__.detail}")
        return respond(request, exc.status_code, str(exc))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        return respond(request, 413, f"The body is larger than {size} kB. Send a smaller record.")

    @api.exception_handler(CrossroadsError)
    def core_error(request: HttpRequest, exc: CrossroadsError) -> HttpResponse:
        log.error("API %s: core error %s", request.path, getattr(exc, "code", type(exc).__name__))
        return respond(request, 500, "Something went wrong on our side. It has been logged.")

    @api.exception_handler(Exception)
    def crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API %s failed", request.path)
        return respond(request, 500, "Something went wrong on our side. It has been logged.")
