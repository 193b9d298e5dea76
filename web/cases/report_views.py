"""The patient report, as a web page and as a PDF (made by the core's report renderer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from audit.actions import Actor, record
from cases import results
from cases.access import case_view
from cases.models import CaseRecord
from cases.permissions import Perm
from crossroads.common.errors import CrossroadsError
from crossroads.render.report import report_html as core_report_html
from crossroads.render.report import report_pdf as core_report_pdf
from crossroads_web.context import core_lang

T = TypeVar("T")


def _report(case: CaseRecord, lang: str, make: Callable[..., T]) -> T | None:
    """The patient report made by ``make`` (HTML or PDF); None when the core cannot make it."""
    try:
        return make(
            results.core_case(case),
            results.kb(),
            lang,
            "patient",
            results.today(),
            results.jurisdictions(case),
        )
    except CrossroadsError:
        return None


def _html(case: CaseRecord, lang: str) -> str | None:
    return _report(case, lang, core_report_html)


def _pdf(case: CaseRecord, lang: str) -> bytes | None:
    return _report(case, lang, core_report_pdf)


def _unavailable(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    return render(request, "cases/report_unavailable.html", {"case": case}, status=503)


@case_view(Perm.REPORT)
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # own styles
def report_html(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    lang = core_lang(translation.get_language())
    html = _html(case, lang)
    if html is None:
        return _unavailable(request, case)
    download = request.GET.get("download") == "1"
    record(
        Actor.from_request(request),
        "report.download" if download else "case.view",
        case_id=case.pk,
        detail={"format": "html"} if download else {"page": "report"},
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    if download:
        response["Content-Disposition"] = f'attachment; filename="crossroads-case-{case.pk}.html"'
    return response


@case_view(Perm.REPORT)
def report_pdf(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    lang = core_lang(translation.get_language())
    pdf = _pdf(case, lang)
    if pdf is None:
        return _unavailable(request, case)
    record(
        Actor.from_request(request), "report.download", case_id=case.pk, detail={"format": "pdf"}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="crossroads-case-{case.pk}.pdf"'
    return response
