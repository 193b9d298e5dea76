"""Uploading record documents: every refusal of the core's intake, storage, reading, audit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Decision, Document, Page, Proposal, State
from tests.web.conftest import World
from tests.web.documents.conftest import corpus, png, png_bomb, stored_files, writer_pdf

pytestmark = pytest.mark.integration

Upload = Callable[..., Any]

# (file name, bytes, environment, the core's English message, words of the Chinese one)
REFUSALS: dict[str, tuple[str, Callable[[], bytes], dict[str, str], str, str]] = {
    "type": (
        "notes.pdf",
        lambda: b"just some text, named like a PDF",
        {},
        "notes.pdf: is not a PDF, JPEG or PNG file (its content says so, whatever its name); "
        "save or scan the record as PDF, or photograph it as JPEG or PNG.",
        "notes.pdf 不是 PDF、JPEG 或 PNG 文件",
    ),
    "size": (
        "big.pdf",
        lambda: writer_pdf() + b"%" + b"x" * (1024 * 1024),
        {"CROSSROADS_RECORDS_MAX_MB": "1"},
        "big.pdf: is 1.0 MB, more than the limit of 1 MB; split it into smaller files or scan it "
        "at a lower resolution.",
        "big.pdf 超过了 1 MB 的上限",
    ),
    "pages": (
        "many.pdf",
        lambda: writer_pdf(pages=3),
        {"CROSSROADS_RECORDS_MAX_PAGES": "2"},
        "many.pdf: has 3 pages, more than the limit of 2; split it and send the pages that hold "
        "the record.",
        "many.pdf 的页数超过了 2 页",
    ),
    "encrypted": (
        "locked.pdf",
        lambda: writer_pdf("encrypted"),
        {},
        "locked.pdf: is an encrypted or password-protected PDF; open it, print or save it as an "
        "unprotected PDF, and try that copy.",
        "locked.pdf 是加密或有密码保护的 PDF",
    ),
    "corrupt": (
        "cut.pdf",
        lambda: corpus("en_dis_01.pdf")[:600],
        {},
        "cut.pdf: is damaged or cut short and cannot be read as a PDF; download or scan it again.",
        "cut.pdf 已损坏或不完整",
    ),
    "script": (
        "script.pdf",
        lambda: writer_pdf("js"),
        {},
        "script.pdf: contains active content (JavaScript), which could run when the file is "
        "opened; print it to a new PDF (or scan it) and try that copy.",
        "script.pdf 含有脚本",
    ),
    "attachment": (
        "attached.pdf",
        lambda: writer_pdf("attachment"),
        {},
        "attached.pdf: contains embedded files (attachments inside the PDF); print it to a new "
        "PDF without attachments and send each attached record as its own file.",
        "attached.pdf 含有脚本、可执行的动作或附件",
    ),
    "bomb": (
        "bomb.png",
        png_bomb,
        {},
        "bomb.png: is an image of more than 60 million pixels, far more than a photo or scan of "
        "a page; take the photo again or scan at 300 dpi.",
        "bomb.png 的图片远远大于",
    ),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_each_refusal_is_a_400_with_the_core_message_and_nothing_stored(
    world: World, upload: Upload, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    name, make, env, english, _zh = REFUSALS[kind]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    files_before = stored_files()
    response = upload(name, make())
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Document file: {english}" in page.replace("&#x27;", "'")
    assert 'id="id_file-error"' in page and 'aria-invalid="true"' in page
    assert Document.objects.count() == 0
    assert stored_files() == files_before
    event = AuditEvent.objects.filter(action="document.refused").get()
    assert event.case_id == world.case.pk and event.detail["code"] == "document-refused"


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_each_refusal_is_said_in_chinese_too(
    world: World, upload: Upload, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    name, make, env, _english, chinese = REFUSALS[kind]
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    response = upload(name, make(), lang="zh-hans")
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件：" in page or "文件:" in page
    assert chinese in page
    assert Document.objects.count() == 0


def test_no_file_chosen_is_a_400_naming_the_field(world: World) -> None:
    client = world.client("patient")
    url = reverse("documents:upload", kwargs={"case_id": world.case.pk})
    response = client.post(url, {"kind": ""})
    assert response.status_code == 400
    assert "Document file: no file was chosen; choose a PDF, JPEG or PNG file." in (
        response.content.decode()
    )
    assert Document.objects.count() == 0


def test_a_file_past_the_limit_is_not_kept_while_it_arrives(
    world: World, upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload handler stops keeping bytes past the limit but still knows the size."""
    monkeypatch.setenv("CROSSROADS_RECORDS_MAX_MB", "1")
    response = upload("huge.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    assert response.status_code == 400
    assert "huge.pdf: is 3.0 MB, more than the limit of 1 MB" in response.content.decode()


def test_other_pages_still_refuse_files(world: World) -> None:
    client = world.client("patient")
    from tests.web.documents.conftest import upload_file

    url = reverse("cases:tasks", kwargs={"case_id": world.case.pk})
    response = client.post(url, {"title": "x", "file": upload_file("a.pdf", writer_pdf())})
    assert response.status_code == 415


def test_a_chinese_discharge_summary_is_stored_read_and_proposed(
    world: World, upload: Upload
) -> None:
    response = upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "documents:detail", kwargs={"case_id": world.case.pk, "document_id": document.pk}
    )
    assert document.name == "出院小结.pdf"
    assert document.state == State.READ and document.progress == 100
    assert (document.kind, document.kind_chosen, document.lang) == (
        "discharge_summary",
        False,
        "zh-Hans",
    )
    # stored under a random name in the private folder, not under the web root or its name
    path = Path(document.file.path)
    assert path.is_file() and path.read_bytes() == corpus("zh_dis_01.pdf")
    assert "出院" not in str(path)
    assert Path(settings.STATIC_ROOT) not in path.parents
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert Page.objects.filter(document=document).count() == 1
    paths = {p.path: p.value for p in Proposal.objects.filter(document=document)}
    assert paths["diagnosis.disease"] == "lbcl"
    assert paths["fitness.ecog"] == 1
    assert paths["lines[R-CHOP].start"] == "2022-11"
    assert all(p.decision == Decision.PENDING for p in Proposal.objects.all())
    assert world.case.data == type(world.case).objects.get(pk=world.case.pk).data  # untouched
    event = AuditEvent.objects.filter(action="document.upload").get()
    assert event.detail == {"document": document.pk, "kind": "detect", "pages": 1}


def test_a_chosen_kind_is_kept(world: World, upload: Upload) -> None:
    upload("report.pdf", corpus("en_dis_01.pdf"), kind="treatment_summary")
    document = Document.objects.get()
    assert (document.kind, document.kind_chosen) == ("treatment_summary", True)


def test_an_unknown_kind_is_taken_as_detect(world: World, upload: Upload) -> None:
    upload("report.pdf", corpus("en_path_01.pdf"), kind="horoscope")
    document = Document.objects.get()
    assert (document.kind, document.kind_chosen) == ("pathology", False)


def test_a_photo_needs_ocr_and_says_so_without_an_error(
    world: World, upload: Upload, settings: Any
) -> None:
    settings.CROSSROADS_OCR = ""  # no OCR step configured (or Tesseract missing)
    response = upload("photo.png", png())
    document = Document.objects.get()
    assert document.state == State.NEEDS_OCR
    page = world.client("patient").get(response["Location"])
    assert page.status_code == 200
    assert "Reading such pages (OCR) is not available yet." in page.content.decode()
    status = world.client("patient").get(
        reverse("documents:status", kwargs={"case_id": world.case.pk, "document_id": document.pk})
    )
    assert status.json() == {"state": "needs_ocr", "progress": 100, "done": True}


def test_an_ocr_step_plugs_in_through_the_setting(
    world: World, upload: Upload, settings: Any
) -> None:
    settings.CROSSROADS_OCR = "tests.web.documents.test_upload.fake_ocr"
    upload("photo.png", png())
    document = Document.objects.get()
    assert document.state == State.READ
    assert Page.objects.get(document=document).source == "ocr"
    assert Proposal.objects.get(document=document).path == "fitness.ecog"


def fake_ocr(text: Any) -> Any:
    from crossroads.records.text import DocumentText, PageText

    return DocumentText(text.document, (PageText(1, "ECOG performance status: 2", "ocr"),))


def test_a_reading_that_fails_is_a_state_not_an_error_page(
    world: World, upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("documents.reading.extract", broken)
    response = upload("a.pdf", corpus("en_lab_01.pdf"))
    assert Document.objects.get().state == State.FAILED
    page = world.client("patient").get(response["Location"])
    assert page.status_code == 200 and "could not be read" in page.content.decode()


def test_the_worker_reads_a_queued_document(
    world: World, upload: Upload, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the database queue (as in `make run`): the upload only queues, db_worker reads.

    The worker tidies database connections between tasks, and one inside an open transaction
    counts as obsolete there; the test's own transaction (rolled back after it) would be closed
    under it on PostgreSQL. In `make run` the worker runs in its own process, with no such
    transaction, so the tidying is left out here only."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    upload("summary.pdf", corpus("en_tx_01.pdf"))
    document = Document.objects.get()
    assert (document.state, document.progress) == (State.QUEUED, 0)
    assert document.task_id
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    document.refresh_from_db()
    assert document.state == State.READ and document.progress == 100
    assert Proposal.objects.filter(document=document).exists()
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get(id=document.task_id).status == "SUCCESSFUL"


def test_the_page_polls_the_status_and_offers_a_refresh_link(world: World, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = world.client("caregiver")
    url = reverse("documents:upload", kwargs={"case_id": world.case.pk})
    from tests.web.documents.conftest import upload_file

    response = client.post(url, {"file": upload_file("a.pdf", corpus("en_lab_01.pdf"))})
    page = client.get(response["Location"]).content.decode()
    document = Document.objects.get()
    status_url = reverse(
        "documents:status", kwargs={"case_id": world.case.pk, "document_id": document.pk}
    )
    assert f'data-status-url="{status_url}"' in page
    assert "Refresh this page to see the progress" in page
    assert 'src="/static/js/documents.js"' in page
    assert client.get(status_url).json() == {"state": "queued", "progress": 0, "done": False}
