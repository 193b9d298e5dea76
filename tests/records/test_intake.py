"""Intake checks: each refused kind of file has its own error and message, checked by content."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest

from crossroads.common.errors import (
    ActiveContentError,
    BadOptionError,
    CorruptDocumentError,
    DocumentRefusedError,
    DocumentTooLargeError,
    EncryptedDocumentError,
    ImageBombError,
    NotADocumentError,
    TooManyPagesError,
)
from crossroads.records.intake import IntakeLimits, check_document, read_document, sniff
from tests.records.conftest import CORPUS, blank_pdf, image_bytes

pytestmark = pytest.mark.unit


def _writer_pdf(change: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if change == "js":  # a script that runs when the file opens (the catalogue's /OpenAction)
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        )
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    elif change == "attachment":
        writer.add_attachment("other.txt", b"hidden file")
    elif change == "encrypted":
        writer.encrypt(user_password="secret", owner_password="owner")
    elif change == "owner-only":
        writer.encrypt(user_password="", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_text_pdf_of_the_corpus_passes() -> None:
    doc = read_document(CORPUS / "en_dis_01.pdf")
    assert doc.media_type == "application/pdf"
    assert doc.pages == 1
    assert doc.id == doc.sha256[:16]
    assert len(doc.sha256) == 64


@pytest.mark.parametrize(("fmt", "media"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_images_pass(fmt: str, media: str) -> None:
    doc = check_document(image_bytes(fmt), "photo")
    assert (doc.media_type, doc.pages) == (media, 1)


def test_type_is_read_from_content_not_name() -> None:
    with pytest.raises(NotADocumentError) as caught:
        check_document(b"PK\x03\x04 a zip file renamed", "report.pdf")
    assert str(caught.value) == (
        "report.pdf: is not a PDF, JPEG or PNG file (its content says so, whatever its name); "
        "save or scan the record as PDF, or photograph it as JPEG or PNG."
    )
    assert caught.value.kind == "type"
    assert caught.value.exit_code == 2
    assert sniff(image_bytes("PNG")) == "image/png"
    assert check_document(blank_pdf(), "scan.jpg").media_type == "application/pdf"


def test_encrypted_pdf_is_refused() -> None:
    for change in ("encrypted", "owner-only"):
        with pytest.raises(EncryptedDocumentError) as caught:
            check_document(_writer_pdf(change), "locked.pdf")
        assert "encrypted or password-protected PDF" in str(caught.value)
        assert "unprotected PDF" in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n garbage that is no PDF at all",
        blank_pdf()[:60],  # cut short
        b"%PDF-1.4\n" + b"\x00" * 500,
    ],
)
def test_corrupt_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(CorruptDocumentError) as caught:
        check_document(data, "broken.pdf")
    assert str(caught.value) == (
        "broken.pdf: is damaged or cut short and cannot be read as a PDF; download or scan it "
        "again."
    )


def test_pdf_with_javascript_is_refused() -> None:
    with pytest.raises(ActiveContentError) as caught:
        check_document(_writer_pdf("js"), "script.pdf")
    assert "contains active content (JavaScript)" in str(caught.value)
    assert "print it to a new PDF" in str(caught.value)


def test_pdf_with_open_action_javascript_in_a_page_is_refused() -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ActiveContentError):
        check_document(out.getvalue(), "page-action.pdf")


def test_pdf_with_embedded_file_is_refused() -> None:
    with pytest.raises(ActiveContentError) as caught:
        check_document(_writer_pdf("attachment"), "bundle.pdf")
    assert "contains embedded files" in str(caught.value)


def test_size_limit_at_the_boundary() -> None:
    data = blank_pdf()
    assert check_document(data, "a.pdf", IntakeLimits(max_bytes=len(data))).pages == 1
    with pytest.raises(DocumentTooLargeError) as caught:
        check_document(data, "a.pdf", IntakeLimits(max_bytes=len(data) - 1))
    assert "more than the limit" in str(caught.value)
    assert "split it into smaller files" in str(caught.value)


def test_size_is_checked_before_the_file_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with big.open("wb") as out:
        out.truncate(21 * 1024 * 1024)  # sparse: 21 MB that are never read
    with pytest.raises(DocumentTooLargeError) as caught:
        read_document(big)
    assert str(caught.value) == (
        "big.pdf: is 21.0 MB, more than the limit of 20 MB; split it into smaller files or scan "
        "it at a lower resolution."
    )


def test_page_limit_at_the_boundary() -> None:
    assert check_document(blank_pdf(50), "fifty.pdf").pages == 50
    with pytest.raises(TooManyPagesError) as caught:
        check_document(blank_pdf(51), "many.pdf")
    assert str(caught.value) == (
        "many.pdf: has 51 pages, more than the limit of 50; split it and send the pages that "
        "hold the record."
    )


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it is width x height but holds one row: a bomb in a few bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" + b"\x00" * width)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_decompression_bomb_png_is_refused() -> None:
    with pytest.raises(ImageBombError) as caught:
        check_document(_png_header_only(20_000, 20_000), "bomb.png")
    assert str(caught.value) == (
        "bomb.png: is an image of more than 60 million pixels, far more than a photo or scan of "
        "a page; take the photo again or scan at 300 dpi."
    )


def test_pixel_limit_at_the_boundary() -> None:
    data = image_bytes("PNG", (100, 100), "L")
    assert check_document(data, "x.png", IntakeLimits(max_pixels=10_000)).pages == 1
    with pytest.raises(ImageBombError):
        check_document(data, "x.png", IntakeLimits(max_pixels=9_999))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_cut_short_image_is_refused(fmt: str) -> None:
    data = image_bytes(fmt, (300, 300))
    with pytest.raises(CorruptDocumentError) as caught:
        check_document(data[: len(data) // 2], f"half.{fmt.lower()}")
    assert "damaged or cut-short image" in str(caught.value)


def test_cut_short_jpeg_is_refused_after_weasyprint_loosened_pillow() -> None:
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import (the web app imports
    # it); the check must not depend on who was imported first, and must leave the flag as found
    from PIL import ImageFile

    data = image_bytes("JPEG", (300, 300))
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        with pytest.raises(CorruptDocumentError):
            check_document(data[: len(data) // 2], "half.jpeg")
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def test_every_refusal_is_a_user_error() -> None:
    for cls in (
        NotADocumentError,
        DocumentTooLargeError,
        TooManyPagesError,
        EncryptedDocumentError,
        CorruptDocumentError,
        ActiveContentError,
        ImageBombError,
    ):
        assert issubclass(cls, DocumentRefusedError)
        assert cls.exit_code == 2
        assert cls.code == "document-refused"


def test_limits_from_environment() -> None:
    limits = IntakeLimits.from_env(
        {"CROSSROADS_RECORDS_MAX_MB": "5", "CROSSROADS_RECORDS_MAX_PAGES": "10"}
    )
    assert (limits.max_bytes, limits.max_pages) == (5 * 1024 * 1024, 10)
    assert IntakeLimits.from_env({}) == IntakeLimits()
    with pytest.raises(BadOptionError) as caught:
        IntakeLimits.from_env({"CROSSROADS_RECORDS_MAX_PAGES": "0"})
    assert "CROSSROADS_RECORDS_MAX_PAGES='0' is not a whole number above 0" in str(caught.value)
