"""The patient report, as a web page and as a PDF (made by the core's report renderer).

A PDF takes seconds to make, so each one is kept in the shared cache (settings ``CACHES``: a
database table by default, so it stays with the rest of the health data) under everything it
depends on: the case and its version, the language, the day (the report is dated), the
knowledge-base release and its files' fingerprint, and the program version. A second download
of an unchanged case is then immediate; any change to one of these makes a new one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Literal, TypeVar

from csp.decorators import csp_update
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from audit.actions import Actor, record
from cases import results
from cases.access import case_view
from cases.models import CaseRecord
from cases.permissions import Perm
from cases.progress import progress
from crossroads import __version__
from crossroads.common.errors import CrossroadsError
from crossroads.render.notes import ReportNotes, StepCount
from crossroads.render.report import report_html as core_report_html
from crossroads.render.report import report_pdf as core_report_pdf
from crossroads_web.context import core_lang
from review.coordination import notes_fingerprint, report_notes

T = TypeVar("T")
PDF_CACHE_SECONDS = 24 * 60 * 60  # the key holds the day, so nothing older is ever served


Kind = Literal["patient", "handover"]


def _kind(request: HttpRequest) -> Kind:
    """The patient report, or with ``?kind=handover`` the hand-over letter for the home doctor."""
    return "handover" if request.GET.get("kind") == "handover" else "patient"


def _suffix(request: HttpRequest) -> str:
    return "-handover" if _kind(request) == "handover" else ""


def _notes(request: HttpRequest, case: CaseRecord, lang: str) -> ReportNotes:
    """What the web app adds to the report: the specialist's answer and the decision noted
    (:func:`review.coordination.report_notes`), and each step's count as these pages show it,
    so the report's "how complete" table says what the overview says."""
    counted = tuple(StepCount(p.number, p.answered, p.total) for p in progress(case, lang))
    notes = report_notes(request.user, case, lang)  # type: ignore[arg-type]
    return dataclasses.replace(notes, progress=counted)


def _report(request: HttpRequest, case: CaseRecord, lang: str, make: Callable[..., T]) -> T | None:
    """The report made by ``make`` (HTML or PDF); None when the core cannot make it.

    The specialist's answer and the decision noted are held by the web app, not the case file:
    they are passed in (:func:`_notes`).
    """
    try:
        return make(
            results.core_case(case),
            results.kb(),
            lang,
            _kind(request),
            results.today(),
            results.jurisdictions(case),
            _notes(request, case, lang),
        )
    except CrossroadsError:
        return None


def _html(request: HttpRequest, case: CaseRecord, lang: str) -> str | None:
    return _report(request, case, lang, core_report_html)


def pdf_cache_key(case: CaseRecord, lang: str, kind: Kind = "patient", notes: str = "") -> str:
    """The cache entry of this case version's PDF in one language and kind, today, with this
    release. ``notes`` is the digest of the specialist's answer and the decision the report
    adds (:func:`review.coordination.notes_fingerprint`): they change no case version."""
    knowledge = results.kb()
    parts = (
        case.pk,
        case.version,
        case.updated_at.isoformat(),
        lang,
        kind,
        notes,
        results.today().isoformat(),
        knowledge.release.version,
        knowledge.cache_key,
        __version__,
    )
    return "report-pdf:" + ":".join(str(part) for part in parts)


def _pdf(request: HttpRequest, case: CaseRecord, lang: str) -> bytes | None:
    notes = notes_fingerprint(_notes(request, case, lang))
    key = pdf_cache_key(case, lang, _kind(request), notes)
    kept = cache.get(key)
    if isinstance(kept, bytes):
        return kept
    pdf = _report(request, case, lang, core_report_pdf)
    if pdf is not None:
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def _unavailable(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    return render(request, "cases/report_unavailable.html", {"case": case}, status=503)


@case_view(Perm.REPORT)
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]  # own styles
def report_html(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    lang = core_lang(translation.get_language())
    html = _html(request, case, lang)
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
        name = f"crossroads-case-{case.pk}{_suffix(request)}.html"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@case_view(Perm.REPORT)
def report_pdf(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    lang = core_lang(translation.get_language())
    pdf = _pdf(request, case, lang)
    if pdf is None:
        return _unavailable(request, case)
    record(
        Actor.from_request(request), "report.download", case_id=case.pk, detail={"format": "pdf"}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"crossroads-case-{case.pk}{_suffix(request)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
