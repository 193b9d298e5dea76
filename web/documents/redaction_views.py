"""The coordinator's side of redacted copies: ask for one, read it, approve it for reviewers.

Thin views: the permission layer (:mod:`cases.access`, ``Perm.SEND_FOR_REVIEW``: the case's
coordinator, who also sends review requests) and :mod:`documents.redaction` decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.actions import Actor, record
from cases.access import case_view
from cases.models import CaseRecord
from cases.permissions import Perm
from documents import redaction
from documents.models import Document, Redaction

REFUSALS = {
    "unconfirmed": gettext_lazy(
        "Check every value read from this document first; then a copy with personal details "
        "hidden can be made."
    ),
    "not_ready": gettext_lazy("The copy is not ready yet. Refresh this page in a moment."),
}


def _document(case: CaseRecord, document_id: int) -> Document:
    return get_object_or_404(Document, pk=document_id, case=case)


def _back(case: CaseRecord, document: Document) -> HttpResponse:
    return redirect("documents:detail", case_id=case.pk, document_id=document.pk)


@case_view(Perm.SEND_FOR_REVIEW)
@require_POST
def redact(request: HttpRequest, case: CaseRecord, document_id: int) -> HttpResponse:
    """Ask for (or renew) the redacted copy; it is made in the background."""
    document = _document(case, document_id)
    try:
        redaction.ask(Actor.from_request(request), request.user, document)  # type: ignore[arg-type]
    except redaction.RedactionRefusedError as exc:
        messages.error(request, str(REFUSALS[exc.reason]))
    else:
        messages.success(
            request, _("Crossroads is making the copy now. A scan takes a few seconds a page.")
        )
    return _back(case, document)


@case_view(Perm.SEND_FOR_REVIEW)
@require_GET
def redacted_file(request: HttpRequest, case: CaseRecord, document_id: int) -> HttpResponse:
    """The redacted copy, as a download, for the coordinator to read before approving it."""
    document = _document(case, document_id)
    copy = get_object_or_404(Redaction, document=document)
    if not copy.ready:
        return _back(case, document)
    record(
        Actor.from_request(request),
        "document.view",
        case_id=case.pk,
        detail={"document": document.pk, "page": "redacted"},
    )
    return pdf_download(copy, f"document-{document.pk}-redacted.pdf")


@case_view(Perm.SEND_FOR_REVIEW)
@require_POST
def approve(request: HttpRequest, case: CaseRecord, document_id: int) -> HttpResponse:
    """The coordinator has read the copy: it goes with review requests sent from now on."""
    document = _document(case, document_id)
    try:
        redaction.approve(Actor.from_request(request), request.user, document)  # type: ignore[arg-type]
    except redaction.RedactionRefusedError as exc:
        messages.error(request, str(REFUSALS[exc.reason]))
    else:
        messages.success(
            request, _("Approved. The copy goes with the review requests you send from now on.")
        )
    return _back(case, document)


def pdf_download(copy: Redaction, name: str) -> HttpResponse:
    """A stored copy as a PDF download, never shown inside the site's pages."""
    with copy.file.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Security-Policy"] = "sandbox"
    return response
