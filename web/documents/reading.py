"""Reading a stored document in the background: text, OCR when there is one, proposals.

Why here and not in the view: reading a long PDF (and, later, OCR of a scan) takes seconds to
minutes, so the upload answers at once and the task queue's worker does this. Every step writes
its state and a percentage into the document's row, which the page polls: progress survives a
reload, and a worker restarted mid-way leaves a state the person can see.

OCR plugs in through the setting ``CROSSROADS_OCR``: the dotted path of a callable that takes the
core's :class:`~crossroads.records.text.DocumentText` and returns it with its pages without a
text layer filled (source ``ocr``, with boxes in the proposals' provenance); by default
:func:`crossroads.records.ocr.ocr_pages` (Tesseract). Empty, or Tesseract not installed: such a
document ends in the state "needs OCR", which the page explains; it is not an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from cases import results
from crossroads.records.extract import Extraction, extract
from crossroads.records.intake import IntakeLimits, check_document
from crossroads.records.text import DocumentText, read_text
from documents.models import Document, Page, Proposal, State

log = logging.getLogger(__name__)

OcrReader = Callable[[DocumentText], DocumentText]


def ocr_reader() -> OcrReader | None:
    """The configured OCR step, or None while there is none."""
    path = getattr(settings, "CROSSROADS_OCR", "")
    return import_string(path) if path else None


def _step(document: Document, state: str, progress: int) -> None:
    Document.objects.filter(pk=document.pk).update(state=state, progress=progress)
    document.state, document.progress = state, progress


def read(document_id: int) -> str:
    """Read one document and store its pages and proposals; returns the end state.

    A document deleted before the worker came to it is skipped. Any failure leaves the state
    ``failed`` (the page offers to delete and upload again) and goes to the server log.
    """
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return "gone"
    try:
        return _read(document)
    except Exception:
        log.exception("reading document %s failed", document_id)
        _step(document, State.FAILED, 100)
        return State.FAILED


def _read(document: Document) -> str:
    _step(document, State.READING, 10)
    with document.file.open("rb") as handle:
        data = handle.read()
    # Checked again: the stored bytes are what passed the intake, or nothing is read.
    checked = check_document(data, document.name, IntakeLimits.from_env())
    text = read_text(checked, ocr=False)  # OCR is the next step, with its own progress
    _step(document, State.READING, 40)
    reader = ocr_reader()
    if text.needs_ocr and reader is not None:
        text = reader(text)
    _step(document, State.READING, 70)
    extraction = extract(results.kb(), text)
    state = State.NEEDS_OCR if extraction.needs_ocr else State.READ
    _store(document, extraction, state)
    return state


def _store(document: Document, extraction: Extraction, state: str) -> None:
    """Pages and proposals in one transaction, then the end state (never half a reading)."""
    with transaction.atomic():
        Page.objects.filter(document=document).delete()
        Proposal.objects.filter(document=document).delete()
        Page.objects.bulk_create(
            Page(document=document, number=p.number, text=p.text, source=p.source)
            for p in extraction.text.pages
        )
        Proposal.objects.bulk_create(_row(document, p) for p in extraction.proposals)
        changes: dict[str, Any] = {
            "state": state,
            "progress": 100,
            "lang": extraction.lang,
            "read_at": timezone.now(),
        }
        if not document.kind_chosen:
            changes["kind"] = extraction.kind or ""
        Document.objects.filter(pk=document.pk).update(**changes)
    document.refresh_from_db()


def _row(document: Document, p: Any) -> Proposal:
    source = p.provenance
    box = source.box
    return Proposal(
        document=document,
        field=p.field,
        entry=p.entry or "",
        value=p.value,
        page=source.page,
        start=source.start,
        end=source.end,
        text=source.text,
        box=[box.left, box.top, box.right, box.bottom] if box is not None else None,
        confidence=p.confidence,
    )
