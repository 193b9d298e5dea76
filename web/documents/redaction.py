"""Redacted copies of record documents for the specialist packet, each step with its audit event.

- :func:`ask`: a coordinator asks for the redacted copy of a checked (confirmed) document; the
  work (rendering pages, OCR of a scan) runs on the task queue like the reading
  (:func:`documents.tasks.redact_document`);
- :func:`run`: the task's body: the core's
  :func:`~crossroads.steps.deid.document.redact_document`, taught the case's own name, numbers,
  address and dates, writes a new PDF of page images; the copy is stored beside the original;
- :func:`approve`: the coordinator has read the copy and lets it go with review requests;
- :func:`attached`: the copies a review request carries: approved before it was sent, because
  its packet is frozen then.

Why a person approves each copy: automatic redaction can miss an identifier (a handwritten
name, a number OCR misread), so, as with the packet itself, the coordinator reads it first.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit.actions import Actor, record
from cases import results
from crossroads.common.errors import CrossroadsError
from crossroads.records.intake import IntakeLimits, check_document
from crossroads.steps.deid.document import redact_document
from documents.models import Document, Redaction, RedactionState

log = logging.getLogger(__name__)


class RedactionRefusedError(Exception):
    """The copy cannot be made or approved now; ``reason`` is a message key of the view."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ask(actor: Actor, user: User, document: Document) -> Redaction:
    """Queue a (new) redacted copy of a confirmed document; an earlier copy and its approval go."""
    from documents.tasks import redact_document as task

    if document.confirmed_at is None:
        raise RedactionRefusedError("unconfirmed")
    old_file = ""
    with transaction.atomic():
        copy, _ = Redaction.objects.select_for_update().get_or_create(document=document)
        old_file = str(copy.file.name or "")
        copy.file.name = ""
        copy.state, copy.pages, copy.boxes, copy.kinds = RedactionState.QUEUED, 0, 0, {}
        copy.requested_by, copy.created_at = user, timezone.now()
        copy.approved_by, copy.approved_at = None, None
        copy.save()
        record(
            actor,
            "document.redact",
            case_id=document.case_id,
            detail={"document": document.pk},
        )
    if old_file:
        _remove(copy.file.storage, old_file)
    task.enqueue(document.pk)
    copy.refresh_from_db()
    return copy


def run(document_id: int) -> str:
    """Make the redacted copy of one document (the task's body); returns the end state.

    A document deleted, or a copy withdrawn, before the worker came to it is skipped. Any
    failure leaves the state ``failed`` and goes to the server log, never to the page.
    """
    copy = Redaction.objects.filter(document_id=document_id).select_related("document").first()
    if copy is None:
        return "gone"
    Redaction.objects.filter(pk=copy.pk).update(state=RedactionState.WORKING)
    document = copy.document
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
        checked = check_document(data, document.name, IntakeLimits.from_env())
        made = redact_document(checked, results.core_case(document.case))
    except (CrossroadsError, OSError, ValueError):
        log.exception("redacting document %s failed", document_id)
        Redaction.objects.filter(pk=copy.pk).update(state=RedactionState.FAILED)
        return RedactionState.FAILED
    copy.file.save("redacted", ContentFile(made.pdf), save=False)
    updated = Redaction.objects.filter(pk=copy.pk, state=RedactionState.WORKING).update(
        file=copy.file.name,
        state=RedactionState.READY,
        pages=made.pages,
        boxes=made.boxes,
        kinds=made.kinds,
    )
    if not updated:  # asked again meanwhile: this copy is not the one wanted
        _remove(copy.file.storage, str(copy.file.name))
        return "replaced"
    return RedactionState.READY


def approve(actor: Actor, user: User, document: Document) -> Redaction:
    """The coordinator has read the copy: it goes with review requests sent from now on."""
    with transaction.atomic():
        copy = Redaction.objects.select_for_update().filter(document=document).first()
        if copy is None or not copy.ready:
            raise RedactionRefusedError("not_ready")
        copy.approved_by, copy.approved_at = user, timezone.now()
        copy.save(update_fields=["approved_by", "approved_at"])
        record(
            actor,
            "document.redaction_approve",
            case_id=document.case_id,
            detail={"document": document.pk, "boxes": copy.boxes, "kinds": copy.kinds},
        )
    return copy


def attached(case_id: int, sent_at: object) -> QuerySet[Redaction]:
    """The approved copies a review request sent at ``sent_at`` carries (none before sending)."""
    if sent_at is None:
        return Redaction.objects.none()
    return (
        Redaction.objects.filter(
            document__case_id=case_id,
            state=RedactionState.READY,
            approved_at__isnull=False,
            approved_at__lte=sent_at,
        )
        .exclude(file="")
        .select_related("document")
    )


def remove_file(document: Document) -> None:
    """Remove the copy's file when its document goes (the row goes with the document)."""
    copy = Redaction.objects.filter(document=document).first()
    if copy is not None and copy.file:
        _remove(copy.file.storage, str(copy.file.name))


def _remove(storage: object, name: str) -> None:
    try:
        storage.delete(name)  # type: ignore[attr-defined]
    except OSError:
        log.exception("could not remove a redacted copy's file")
