"""Request bodies bigger than the app-wide limit, for the two places that need them.

The app refuses request bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (512 kB) before parsing them.
A CDS Hooks call carries a patient's prefetched record, and a pasted FHIR Bundle is sent as
form text (percent-encoded, up to three bytes per character); both can be larger. These helpers
read such a body up to their own limit instead, and refuse anything larger without reading it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt, csrf_protect

View = Callable[..., HttpResponseBase]
FORM_TYPE = "application/x-www-form-urlencoded"  # what a browser sends for a form without files


class BodyTooLargeError(Exception):
    """The body is over the limit (nothing of it was kept)."""


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The raw body, at most ``limit`` bytes; :class:`BodyTooLargeError` if it is longer."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BodyTooLargeError
    data = request.read(limit + 1)
    if len(data) > limit:
        raise BodyTooLargeError
    return data


def large_form(limit: int, too_large: View) -> Callable[[View], View]:
    """Let one form view accept up to ``limit`` bytes, still protected against CSRF.

    The body is read here (before the CSRF check, which parses the form) and kept on the
    request, as Django itself does after reading it; the CSRF check then runs as usual.
    ``too_large`` answers a body over the limit. Only plain form bodies are read this way; any
    other kind keeps the app-wide limit.
    """

    def decorate(view: View) -> View:
        protected = csrf_protect(view)

        @csrf_exempt  # checked by ``protected`` below, once the body is read
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST" and request.content_type == FORM_TYPE:
                try:
                    body = read_body(request, limit)
                except BodyTooLargeError:
                    return too_large(request)
                request._body = body  # what HttpRequest.body keeps once it has read the body
            return protected(request, *args, **kwargs)

        return wrapper

    return decorate
