"""A record document on a case, its text page by page, and the values proposed from it.

The file itself lives in the documents storage (``STORAGES["documents"]``: a folder outside the
web root by default, an object store by configuration), under a random name: the name the person
gave is kept only in the database. The reading's state lives here too, so progress survives a
reload and a restart of the worker. Deleting a document deletes its pages and proposals (the
extracted text) with it; :func:`documents.actions.delete_document` removes the file.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone

from cases.models import CaseRecord


def documents_storage() -> Storage:
    """The storage for record documents (a callable, so tests and settings can swap it)."""
    return storages["documents"]


def stored_name(instance: Document, filename: str) -> str:
    """A random path per file: nothing the person typed reaches the file system."""
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


class State(models.TextChoices):
    QUEUED = "queued", "queued"  # stored, waiting for the worker
    READING = "reading", "reading"  # the worker reads its text and looks for values
    READ = "read", "read"  # proposals ready for the person
    NEEDS_OCR = "needs_ocr", "needs_ocr"  # no text layer on some pages; OCR not available yet
    FAILED = "failed", "failed"  # the reading stopped with an error (logged, never shown)


class Document(models.Model):
    case = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    name = models.CharField(max_length=200)  # as the person's file was called, for display
    file = models.FileField(storage=documents_storage, upload_to=stored_name, max_length=200)
    media_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField()
    kind = models.CharField(max_length=40, blank=True)  # chosen, or detected by the reading
    kind_chosen = models.BooleanField(default=False)
    lang = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, for the progress bar
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)  # every proposal decided

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"document {self.pk} of case {self.case_id}"

    @property
    def done(self) -> bool:
        """The reading is over (whatever came of it): the page stops polling."""
        return self.state in {State.READ, State.NEEDS_OCR, State.FAILED}

    @property
    def core_id(self) -> str:
        """The id the core's provenance uses: the first 16 hex digits of the SHA-256."""
        return self.sha256[:16]


class Page(models.Model):
    """The text of one page as the reader gave it (provenance spans point into it)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="text_pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    source = models.CharField(max_length=8)  # text, ocr, none (crossroads.records.text)

    class Meta:
        ordering = ("document", "number")
        constraints = (
            models.UniqueConstraint(fields=("document", "number"), name="one_text_per_page"),
        )


class Decision(models.TextChoices):
    PENDING = "pending", "pending"
    ACCEPTED = "accepted", "accepted"
    REJECTED = "rejected", "rejected"


class Proposal(models.Model):
    """One value the reading proposes, where it was read, and what the person decided."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="proposals")
    field = models.CharField(max_length=100)  # record path without a list index
    entry = models.CharField(max_length=100, blank=True)  # the list item (regimen, target)
    value = models.JSONField()  # as proposed
    page = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()  # the exact span of the page text
    box = models.JSONField(null=True, blank=True)  # [left, top, right, bottom] for OCR text
    confidence = models.FloatField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    final_value = models.JSONField(null=True, blank=True)  # as accepted (edited or not)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("document", "id")

    @property
    def path(self) -> str:
        """The path as the core shows it: ``lines[R-CHOP].start``."""
        if not self.entry:
            return self.field
        head, _, tail = self.field.partition(".")
        return f"{head}[{self.entry}].{tail}"

    def shown_value(self) -> Any:
        return self.final_value if self.decision == Decision.ACCEPTED else self.value


class RedactionState(models.TextChoices):
    QUEUED = "queued", "queued"  # asked for, waiting for the worker
    WORKING = "working", "working"  # the worker renders the pages and blacks out identifiers
    READY = "ready", "ready"  # the copy is stored, for the coordinator to check and approve
    FAILED = "failed", "failed"  # the redaction stopped with an error (logged, never shown)


def redacted_name(instance: Redaction, filename: str) -> str:
    """A random path, like the original's: nothing about the person in the file system."""
    return f"cases/{instance.document.case_id}/redacted-{uuid.uuid4().hex}"


class Redaction(models.Model):
    """The redacted copy of a document for the specialist packet (the core's
    :func:`crossroads.steps.deid.document.redact_document`: page images with the identifiers
    blacked out, no text layer, nothing of the original file).

    A coordinator asks for it, reads it, and approves it; reviewers of a request see the copies
    approved before that request was sent (its packet is frozen then). Asking again replaces the
    copy and withdraws the approval. Deleting the document deletes its copy.
    """

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="redaction")
    file = models.FileField(
        storage=documents_storage, upload_to=redacted_name, max_length=200, blank=True
    )
    state = models.CharField(
        max_length=10, choices=RedactionState.choices, default=RedactionState.QUEUED
    )
    pages = models.PositiveIntegerField(default=0)
    boxes = models.PositiveIntegerField(default=0)  # black boxes drawn
    kinds = models.JSONField(default=dict)  # what was blacked out: kind -> count, never the text
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"redacted copy of document {self.document_id}"

    @property
    def ready(self) -> bool:
        return self.state == RedactionState.READY and bool(self.file)
