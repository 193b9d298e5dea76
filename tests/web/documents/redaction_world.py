"""A confirmed document of case A with an approved redacted copy (for the permission matrix and
the redaction tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from documents.models import Document, Redaction, RedactionState
from tests.web.documents.conftest import writer_pdf


def confirmed_document(world: Any) -> Document:
    from tests.web.documents.conftest import matrix_document

    document = matrix_document(world)
    Document.objects.filter(pk=document.pk).update(confirmed_at=timezone.now())
    document.refresh_from_db()
    return document


def matrix_redaction(world: Any) -> Redaction:
    """A ready copy approved before case A's review request was sent (which so carries it)."""
    document = confirmed_document(world)
    sent = world.review.sent_at or timezone.now()
    copy = Redaction(
        document=document,
        state=RedactionState.READY,
        pages=1,
        approved_by=world.users["coordinator"],
        approved_at=sent - dt.timedelta(minutes=1),
    )
    copy.file.save("redacted", ContentFile(writer_pdf()), save=False)
    copy.save()
    return copy
