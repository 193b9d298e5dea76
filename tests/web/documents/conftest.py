"""Helpers for the documents tests: uploads of corpus files and of bad files made here."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "records"


def upload_file(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def writer_pdf(change: str = "", pages: int = 1) -> bytes:
    """A PDF of blank pages, with a script, an attachment or encryption when asked."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if change == "js":
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
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG that says it is width x height but holds one row: a bomb in a few bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" + b"\x00" * width)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def png(size: tuple[int, int] = (60, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def upload(world: Any) -> Callable[..., Any]:
    """Post a file to case A's upload view as a persona; returns the response."""

    def send(
        name: str, data: bytes, persona: str = "patient", kind: str = "", lang: str = "en"
    ) -> Any:
        if persona != "anonymous":
            user = world.users[persona]
            user.language = lang
            user.save(update_fields=["language"])
        client: Client = world.client(persona)
        url = reverse("documents:upload", kwargs={"case_id": world.case.pk})
        return client.post(url, {"file": upload_file(name, data), "kind": kind})

    return send


def stored_files() -> set[Path]:
    root = Path(settings.STORAGES["documents"]["OPTIONS"]["location"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture(autouse=True)
def _remove_stored_files() -> Iterator[None]:
    """Files a test stored are removed afterwards (its rows go with the rolled-back test)."""
    before = stored_files()
    yield
    for path in stored_files() - before:
        path.unlink()


def matrix_document(world: Any) -> Any:
    """A read document on case A (for the permission matrix): a blank one-page PDF."""
    from audit.actions import Actor
    from crossroads.records.intake import check_document
    from documents.actions import add_document

    checked = check_document(writer_pdf(), "matrix.pdf")
    return add_document(Actor.system(), world.case, world.users["patient"], checked, "labs")
