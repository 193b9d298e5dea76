"""Redacted copies for the specialist packet: the coordinator asks for one of a confirmed
document, reads it and approves it; reviewers of a request sent afterwards download only the
copy (the leak test on an uploaded document, en and zh), never the original or its name."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from audit.labels import label_for
from audit.models import AuditEvent
from crossroads.records import ocr
from documents.models import Document, Redaction, RedactionState
from tests.records.test_redact import PLANTED, leaks
from tests.web.conftest import World
from tests.web.documents.conftest import corpus, stored_files
from tests.web.factories import ReviewRequestFactory

pytestmark = pytest.mark.integration

Upload = Callable[..., Any]


def url(name: str, world: World, document: Document) -> str:
    return reverse(
        f"documents:{name}", kwargs={"case_id": world.case.pk, "document_id": document.pk}
    )


def confirmed(upload: Upload, name: str, file_name: str) -> Document:
    upload(file_name, corpus(f"{name}.pdf"))
    document = Document.objects.latest("id")
    Document.objects.filter(pk=document.pk).update(confirmed_at=timezone.now())
    document.refresh_from_db()
    return document


def made(world: World, document: Document) -> Redaction:
    response = world.client("coordinator").post(url("redact", world, document))
    assert response.status_code == 302
    return Redaction.objects.get(document=document)


def ocr_text(pdf: bytes) -> str:
    import pytesseract

    return "\n".join(
        pytesseract.image_to_string(image, lang=ocr.LANGS)
        for _, image in ocr.page_images(pdf, "application/pdf")
    )


@pytest.mark.parametrize("name", ["en_dis_01", "zh_dis_01"])
def test_uploaded_document_is_redacted_without_a_leak(
    world: World, upload: Upload, name: str
) -> None:
    document = confirmed(upload, name, f"{name}-Okafor-张丽华.pdf")
    copy = made(world, document)
    assert copy.state == RedactionState.READY
    ids = {"en_dis_01": 1, "zh_dis_01": 2}[name]  # zh_dis_01: the record number and the 身份证号
    assert copy.kinds["id"] == ids and copy.kinds["facility"] == 1 and copy.kinds["name"] >= 1
    assert copy.kinds["phone"] == 1 and copy.kinds["address"] >= 1
    response = world.client("coordinator").get(url("redacted", world, document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(pdf))
    assert "".join(p.extract_text() or "" for p in reader.pages) == ""
    assert leaks(pdf.decode("latin-1"), PLANTED[name]) == []
    if ocr.available():
        assert leaks(ocr_text(pdf), PLANTED[name]) == []
    assert AuditEvent.objects.filter(action="document.redact", case_id=world.case.pk).exists()


def test_an_unconfirmed_document_is_not_redacted(world: World, upload: Upload) -> None:
    upload("a.pdf", corpus("en_lab_01.pdf"))
    document = Document.objects.get()
    response = world.client("coordinator").post(url("redact", world, document), follow=True)
    assert "Check every value read from this document first" in response.content.decode()
    assert not Redaction.objects.exists()


def test_approved_copy_goes_with_requests_sent_afterwards_only(
    world: World, upload: Upload
) -> None:
    document = confirmed(upload, "en_lab_01", "Anna Fitzgerald labs.pdf")
    coordinator = world.client("coordinator")
    before = ReviewRequestFactory(
        case=world.case, reviewer=world.users["reviewer"], sent_by=world.users["coordinator"]
    )
    copy = made(world, document)
    page = coordinator.get(url("detail", world, document)).content.decode()
    assert "I have read the copy: approve it for the reviewers" in page
    coordinator.post(url("redaction_approve", world, document))
    copy.refresh_from_db()
    assert copy.approved_at is not None
    event = AuditEvent.objects.get(action="document.redaction_approve")
    assert event.detail["kinds"] == copy.kinds
    after = ReviewRequestFactory(
        case=world.case, reviewer=world.users["reviewer"], sent_by=world.users["coordinator"]
    )
    reviewer = world.client("reviewer")
    page = reviewer.get(reverse("reviews:packet", kwargs={"request_id": after.pk})).content
    text = page.decode()
    assert "Document 1: Blood test results, pages: 1 (PDF)" in text
    assert "Fitzgerald" not in text and "labs.pdf" not in text
    download = reverse(
        "reviews:packet_attachment", kwargs={"request_id": after.pk, "copy_id": copy.pk}
    )
    response = reviewer.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="review.document").count() == 1
    # the request sent before the approval does not carry it
    page = reviewer.get(reverse("reviews:packet", kwargs={"request_id": before.pk})).content
    assert b"packet_attachment" not in page and b"Document 1:" not in page
    early = reverse(
        "reviews:packet_attachment", kwargs={"request_id": before.pk, "copy_id": copy.pk}
    )
    assert reviewer.get(early).status_code == 404
    # the original file stays out of the reviewer's reach
    original = url("file", world, document)
    assert reviewer.get(original).status_code == 404


def test_making_the_copy_again_withdraws_the_approval(world: World, upload: Upload) -> None:
    document = confirmed(upload, "en_lab_01", "labs.pdf")
    made(world, document)
    world.client("coordinator").post(url("redaction_approve", world, document))
    first = Redaction.objects.get(document=document)
    assert first.approved_at is not None
    copy = made(world, document)
    assert copy.approved_at is None and copy.state == RedactionState.READY
    assert copy.file.name != first.file.name


def test_approving_before_the_copy_exists_is_refused(world: World, upload: Upload) -> None:
    document = confirmed(upload, "en_lab_01", "labs.pdf")
    response = world.client("coordinator").post(
        url("redaction_approve", world, document), follow=True
    )
    assert "The copy is not ready yet" in response.content.decode()
    assert not AuditEvent.objects.filter(action="document.redaction_approve").exists()


def test_deleting_the_document_deletes_its_copy(world: World, upload: Upload) -> None:
    document = confirmed(upload, "en_lab_01", "labs.pdf")
    copy = made(world, document)
    name = copy.file.name
    assert any(str(p).endswith(name) for p in stored_files())
    world.client("patient").post(url("delete", world, document))
    assert not Redaction.objects.exists()
    assert not any(str(p).endswith(name) for p in stored_files())


def test_the_patient_side_sees_no_redaction_controls(world: World, upload: Upload) -> None:
    document = confirmed(upload, "en_lab_01", "labs.pdf")
    page = world.client("patient").get(url("detail", world, document)).content.decode()
    assert "A copy for the specialist reviewers" not in page


@pytest.mark.parametrize(
    ("action", "zh"),
    [
        ("document.redact", "要求生成一份隐去个人信息的病历文件副本"),
        ("document.redaction_approve", "批准将隐去个人信息的副本交给专家审阅"),
        ("review.document", "打开了一份隐去个人信息的病历文件"),
    ],
)
def test_audit_events_have_plain_names_in_english_and_chinese(action: str, zh: str) -> None:
    with translation.override("en"):
        assert label_for(action) != action
    with translation.override("zh-hans"):
        assert label_for(action) == zh
