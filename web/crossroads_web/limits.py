"""Request guards for the whole site: rate limits, and no file uploads.

Rate limits count requests in fixed windows in Django's cache (one count per window and key).
The cache is shared by every server process (settings ``CACHES``: a database table by default,
Redis by configuration), so a limit holds for the whole service, not per process. Limits come
from ``CROSSROADS_RATE_LIMITS`` (settings), each ``"<count>/<seconds>"``, or ``"off"``; the
environment can override them (see settings and web/README.md):

- ``login`` and ``signup``: sign-in attempts and sign-ups (also through an invitation) per
  address; ``reset``: password reset e-mails asked for, per address; ``api``: API calls per
  token; ``api_ip``: API calls per address;
- ``cds``: CDS Hooks calls per address; ``pdf``: report PDFs and ``packet``: review packet
  builds, per person (per token for the API, per address for anyone not signed in).

Over a limit the answer is 429 with ``Retry-After``: JSON under ``/api/`` and for CDS Hooks, a
plain sentence for pages.

File uploads are refused except by the views named in ``CROSSROADS_UPLOAD_HANDLERS`` (record
documents: size cap, the core's intake checks, storage outside the web root), which get the
upload handlers named there; any other request that carries a file gets 415 and a plain
sentence, before a view sees it. CDS Hooks read their JSON body themselves and refuse any other
body with a JSON 415 (:mod:`interop.cds`).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from audit.actions import client_ip

Handler = Callable[[HttpRequest], HttpResponse]
API_PREFIX = "/api/"
CDS_PREFIX = "/cds-services"
SAFE = frozenset({"GET", "HEAD"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EVERY = SAFE | WRITES


@dataclass(frozen=True, slots=True)
class ViewLimit:
    """Which limit a view counts against, for which methods, keyed by person or by address."""

    name: str
    methods: frozenset[str]
    by_person: bool


# View names (``app:name``) and the limit each counts against. A test checks that every name
# still resolves, so a renamed or moved view cannot silently lose its limit.
VIEW_LIMITS: dict[str, ViewLimit] = {
    "accounts:register": ViewLimit("signup", WRITES, by_person=False),
    "invite": ViewLimit("signup", WRITES, by_person=False),
    # Reset links: asking for one sends an e-mail, so it is limited like signing in, per address;
    # the link's page is too (a new password is a sign-in of its own).
    "accounts:password_reset": ViewLimit("reset", WRITES, by_person=False),
    "accounts:password_reset_confirm": ViewLimit("login", WRITES, by_person=False),
    "interop:cds_service": ViewLimit("cds", WRITES, by_person=False),
    "interop:cds_feedback": ViewLimit("cds", WRITES, by_person=False),
    "cases:report_pdf": ViewLimit("pdf", EVERY, by_person=True),
    "cases:review_preview": ViewLimit("packet", EVERY, by_person=True),
    "cases:review_packet": ViewLimit("packet", EVERY, by_person=True),
    "cases:review_send": ViewLimit("packet", WRITES, by_person=True),
    "cases:review_dispatch": ViewLimit("packet", WRITES, by_person=True),
    "api:case_packet": ViewLimit("packet", EVERY, by_person=True),
    "api:create_review": ViewLimit("packet", WRITES, by_person=True),
    "api:send_review": ViewLimit("packet", WRITES, by_person=True),
}


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """``"20/60"`` is 20 requests per 60 seconds; ``"off"`` (or 0) is no limit."""
        if text.strip().lower() in {"off", "0", ""}:
            return None
        count, _slash, seconds = text.partition("/")
        rate = cls(int(count), int(seconds or "60"))
        if rate.count < 1 or rate.seconds < 1:
            raise ValueError(f"a rate limit needs a positive count and window: {text!r}")
        return rate


def rate(name: str) -> Rate | None:
    return Rate.parse(str(settings.CROSSROADS_RATE_LIMITS.get(name, "off")))


def clock() -> float:
    """The time rate-limit windows are cut from (tests pin it inside one window)."""
    return time.time()


def over_limit(bucket: str, key: str, limit: Rate | None, now: float | None = None) -> int | None:
    """Count one request; if it is over the limit, the seconds until the window ends."""
    if limit is None:
        return None
    now = clock() if now is None else now
    window = int(now // limit.seconds)
    name = f"rl:{bucket}:{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}:{window}"
    if bump(name, limit.seconds + 1) <= limit.count:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def bump(name: str, timeout: int) -> int:
    """Add one to a count in the shared cache and return it; a new count lives ``timeout`` s.

    The usual case (the count exists) is one increment, which on the database cache is one
    short transaction; only a window's first request also adds the entry.
    """
    for _attempt in range(3):
        try:
            return int(cache.incr(name))
        except ValueError:  # no count yet (or it just expired)
            if cache.add(name, 1, timeout=timeout):
                return 1
    cache.set(name, 1, timeout=timeout)  # pragma: no cover - the entry kept vanishing
    return 1


def bearer_token(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def too_many(retry_after: int, api: bool, cds: bool = False) -> HttpResponse:
    """429 with ``Retry-After``: JSON for programs (API, CDS Hooks), a plain sentence for pages."""
    message = _("Too many requests. Please wait %(seconds)d seconds and try again.") % {
        "seconds": retry_after
    }
    response: HttpResponse
    if cds:
        response = JsonResponse({"error": message}, status=429)
        response["Access-Control-Allow-Origin"] = "*"
    elif api:
        response = JsonResponse({"detail": message, "errors": []}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def _who(request: HttpRequest, by_person: bool) -> str:
    """The key a limit counts by: the person (or their API token), else the address."""
    user = getattr(request, "user", None)
    if by_person and user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    token = bearer_token(request) if by_person else None
    if token:
        return f"token:{token}"
    return f"ip:{client_ip(request) or 'unknown'}"


class _RefuseFiles(FileUploadHandler):
    """An upload handler that keeps no file and remembers that one was sent."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.seen = False

    def new_file(self, *args: object, **kwargs: object) -> None:
        self.seen = True
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def _upload_view(request: HttpRequest) -> bool:
    """Whether this request goes to a view that takes files; if so, give it its handlers."""
    handlers = getattr(settings, "CROSSROADS_UPLOAD_HANDLERS", {})
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        return False
    if name not in handlers:
        return False
    request.upload_handlers = import_string(handlers[name])(request)
    return True


def _carries_file(request: HttpRequest) -> bool:
    if not (request.content_type or "").startswith("multipart/"):
        return False
    if _upload_view(request):
        return False
    handler = _RefuseFiles(request)
    request.upload_handlers = [handler]
    request.POST  # noqa: B018  # parse now, with the handler that refuses files
    return handler.seen


class RequestLimitsMiddleware:
    """Rate limits (sign-in, API and, per view, :data:`VIEW_LIMITS`) and the upload refusal."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.login_path = reverse("accounts:login")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith(API_PREFIX)
        ip = client_ip(request) or "unknown"
        wait: int | None = None
        if api:
            token = bearer_token(request)
            wait = over_limit("api-ip", ip, rate("api_ip"))
            if wait is None and token:
                wait = over_limit("api", token, rate("api"))
        elif request.method == "POST" and request.path == self.login_path:
            wait = over_limit("login", ip, rate("login"))
        if wait is not None:
            return too_many(wait, api)
        cds = request.path.startswith(CDS_PREFIX)
        if (
            not (api or cds)
            and request.method in {"POST", "PUT", "PATCH"}
            and _carries_file(request)
        ):
            return HttpResponse(
                _(
                    "Sending files is not possible yet. Please type the information into the "
                    "form instead."
                ),
                status=415,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        """The per-view limits, once the URL is resolved and the person is known."""
        match = request.resolver_match
        limit = VIEW_LIMITS.get(match.view_name) if match is not None else None
        if limit is None or request.method not in limit.methods:
            return None
        wait = over_limit(limit.name, _who(request, limit.by_person), rate(limit.name))
        if wait is None:
            return None
        return too_many(
            wait, request.path.startswith(API_PREFIX), request.path.startswith(CDS_PREFIX)
        )
