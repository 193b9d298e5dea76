"""``Cache-Control: no-store`` on every page the app makes, so health data never sits in a cache.

Case pages, reports, the FHIR export, the audit CSV and API answers carry health data or who saw
it; a browser's back-forward cache, a shared proxy or a disk cache must not keep them. Rather
than mark each such view (and miss the next one), every response the app itself makes gets the
header; static files (served before this middleware by WhiteNoise) keep their long caching. A
view that sets its own ``Cache-Control`` keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]


class NoStoreMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
