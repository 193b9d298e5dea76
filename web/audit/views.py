"""The audit trail, for the patient (their own case) and administrators (everything).

The patient sees staff by role and no addresses (:mod:`audit.masking`); administrators see all.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from accounts.models import Role
from audit.actions import Actor, record
from audit.masking import Masker
from audit.models import AuditEvent
from cases.access import case_view, role_view
from cases.models import CaseRecord
from cases.permissions import Perm

COLUMNS = ["id", "at", "actor", "role", "action", "outcome", "case", "ip", "path", "detail", "hash"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for e in events:
        yield writer.writerow(
            [
                e.pk,
                e.at.isoformat(),
                _safe(e.actor_name),
                e.role,
                e.action,
                e.outcome,
                e.case_id or "",
                e.ip or "",
                _safe(e.path),
                _safe(str(e.detail)),
                e.hash,
            ]
        )


def _safe(text: str) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas; defuse them."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _csv(events: Iterable[AuditEvent], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_rows(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(request: HttpRequest, events: QuerySet[AuditEvent]) -> Page[AuditEvent]:
    return Paginator(events, 100).get_page(request.GET.get("page"))


@case_view(Perm.VIEW_AUDIT)
def case_audit(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    record(Actor.from_request(request), "audit.view", case_id=case.pk)
    events = AuditEvent.objects.filter(case_id=case.pk).order_by("-id")
    page = _page(request, events)
    if not _is_admin(request):
        page.object_list = list(Masker(case).each(page.object_list))
    return render(request, "audit/case.html", {"case": case, "page": page})


@case_view(Perm.VIEW_AUDIT)
def case_audit_csv(request: HttpRequest, case: CaseRecord) -> StreamingHttpResponse:
    record(Actor.from_request(request), "audit.export", case_id=case.pk)
    events: Iterable[AuditEvent] = (
        AuditEvent.objects.filter(case_id=case.pk).order_by("id").iterator()
    )
    if not _is_admin(request):
        events = Masker(case).each(events)
    return _csv(events, f"case-{case.pk}-audit.csv")


def _is_admin(request: HttpRequest) -> bool:
    return getattr(request.user, "role", None) == Role.ADMIN


@role_view(Role.ADMIN)
def all_audit(request: HttpRequest) -> HttpResponse:
    record(Actor.from_request(request), "audit.view")
    events = AuditEvent.objects.order_by("-id")
    return render(request, "audit/all.html", {"page": _page(request, events)})


@role_view(Role.ADMIN)
def all_audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    record(Actor.from_request(request), "audit.export")
    return _csv(AuditEvent.objects.order_by("id").iterator(), "audit.csv")
