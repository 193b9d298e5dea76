"""Intake checks: what a record document must pass before anything of it is stored or read.

Why checks first and in one place: a file that is not what its name says, that no reader can
open, that carries scripts or other files, or that would take gigabytes of memory to decode can
harm whoever handles it next (the text reader, the OCR worker, a reviewer's PDF viewer). So the
command line and the web upload both call :func:`check_document` on the bytes, and only a
:class:`CheckedDocument` goes on; storing it is the caller's job, so nothing is ever stored
half-way. Every refusal is a :class:`~crossroads.common.errors.DocumentRefusedError` subclass
whose message names the problem and the fix.

The type is read from the content (its first bytes), never from the file name. PDFs are parsed
with pypdf and every object reachable from the document catalogue is walked once, so a script
hidden in a page annotation, a form field or a name tree is found as surely as one in the
catalogue's ``/OpenAction``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import threading
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from crossroads.common.errors import (
    ActiveContentError,
    CorruptDocumentError,
    DocumentTooLargeError,
    EncryptedDocumentError,
    ImageBombError,
    NotADocumentError,
    TooManyPagesError,
)

MediaType = Literal["application/pdf", "image/jpeg", "image/png"]

MB = 1024 * 1024
PDF_MAGIC = b"%PDF-"
PDF_HEADER_WITHIN = 1024  # readers accept a few bytes before the header; the spec's own bound
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_OBJECTS = 500_000  # objects walked in one PDF before it is refused as too complex

# PDF names that make a viewer run or open something. /JS and /JavaScript are scripts; /Launch
# starts a program; /RichMedia (Flash) and /XFA forms carry their own scripts; /ImportData and
# /SubmitForm send or fetch data.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/RichMedia", "/XFA"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EmbeddedFile"}


@dataclass(frozen=True)
class IntakeLimits:
    """The limits a document must keep (settings with defaults).

    ``max_bytes`` and ``max_pages`` bound the work one upload can cause (20 MB and 50 pages hold
    any real discharge summary or scan of one); ``max_pixels`` is the largest image, far beyond a
    600 dpi A4 scan (about 35 million pixels), well below what would exhaust memory.
    """

    max_bytes: int = 20 * MB
    max_pages: int = 50
    max_pixels: int = 60_000_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IntakeLimits:
        """Limits from ``CROSSROADS_RECORDS_MAX_MB`` and ``CROSSROADS_RECORDS_MAX_PAGES``."""
        env = os.environ if environ is None else environ
        base = cls()
        return cls(
            max_bytes=_positive(env, "CROSSROADS_RECORDS_MAX_MB", base.max_bytes // MB) * MB,
            max_pages=_positive(env, "CROSSROADS_RECORDS_MAX_PAGES", base.max_pages),
            max_pixels=base.max_pixels,
        )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        from crossroads.common.errors import BadOptionError

        raise BadOptionError(f"{name}={raw!r} is not a whole number above 0; e.g. {default}.")
    return value


@dataclass(frozen=True)
class CheckedDocument:
    """A document that passed every intake check: its bytes, what it is, and how many pages.

    ``id`` is the first 16 hex digits of the SHA-256 of the bytes: the same file gives the same
    id wherever it is read, which is what provenance points to.
    """

    name: str
    media_type: MediaType
    data: bytes
    sha256: str
    pages: int

    @property
    def id(self) -> str:
        return self.sha256[:16]


def sniff(data: bytes) -> MediaType | None:
    """The type the content says it is (PDF, JPEG, PNG), or None; never from a file name."""
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if PDF_MAGIC in data[:PDF_HEADER_WITHIN]:
        return "application/pdf"
    return None


def read_document(path: Path, limits: IntakeLimits | None = None) -> CheckedDocument:
    """Read and check one file; its size is checked before its bytes are read."""
    limits = limits or IntakeLimits()
    name = path.name
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _too_big(name, size, limits)
        data = path.read_bytes()
    except OSError as exc:
        raise NotADocumentError(
            name, f"cannot be read ({exc.strerror or exc}); check the path and permissions."
        ) from None
    return check_document(data, name, limits)


def check_document(
    data: bytes, name: str = "", limits: IntakeLimits | None = None
) -> CheckedDocument:
    """Every intake check on the bytes of one document; the checked document, or a refusal."""
    limits = limits or IntakeLimits()
    if len(data) > limits.max_bytes:
        raise _too_big(name, len(data), limits)
    media = sniff(data)
    if media is None:
        raise NotADocumentError(
            name,
            "is not a PDF, JPEG or PNG file (its content says so, whatever its name); "
            "save or scan the record as PDF, or photograph it as JPEG or PNG.",
        )
    pages = _check_pdf(data, name, limits) if media == "application/pdf" else 1
    if media != "application/pdf":
        _check_image(data, name, media, limits)
    return CheckedDocument(name, media, data, hashlib.sha256(data).hexdigest(), pages)


def _too_big(name: str, size: int, limits: IntakeLimits) -> DocumentTooLargeError:
    return DocumentTooLargeError(
        name,
        f"is {size / MB:.1f} MB, more than the limit of {limits.max_bytes / MB:g} MB; "
        "split it into smaller files or scan it at a lower resolution.",
    )


# -- PDF -----------------------------------------------------------------------------------------
def _check_pdf(data: bytes, name: str, limits: IntakeLimits) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    corrupt = CorruptDocumentError(
        name,
        "is damaged or cut short and cannot be read as a PDF; download or scan it again.",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise EncryptedDocumentError(
                    name,
                    "is an encrypted or password-protected PDF; open it, print or save it as "
                    "an unprotected PDF, and try that copy.",
                )
            pages = len(reader.pages)
            if pages > limits.max_pages:
                raise TooManyPagesError(
                    name,
                    f"has {pages} pages, more than the limit of {limits.max_pages}; split it "
                    "and send the pages that hold the record.",
                )
            if pages == 0:
                raise corrupt
            _check_active(reader.trailer, name)
    except (EncryptedDocumentError, TooManyPagesError, ActiveContentError, CorruptDocumentError):
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        raise corrupt from None
    except RecursionError:
        raise corrupt from None
    return pages


def _check_active(root: Any, name: str) -> None:
    """Walk every object reachable from the trailer once; refuse scripts and embedded files."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [root]
    walked = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        walked += 1
        if walked > MAX_OBJECTS:
            raise CorruptDocumentError(
                name, "has too many objects to check; print it to a new PDF and try that copy."
            )
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                _refuse_key(key, value, obj, name)
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _refuse_key(key: str, value: Any, holder: Any, name: str) -> None:
    action = key == "/S" and str(value) in _ACTIVE_ACTIONS
    if key in _ACTIVE_KEYS or action:
        what = str(value) if action else key
        raise ActiveContentError(
            name,
            f"contains active content ({what.lstrip('/')}), which could run when the file is "
            "opened; print it to a new PDF (or scan it) and try that copy.",
        )
    attachment = key == "/Subtype" and str(value) == "/FileAttachment"
    if key in _EMBEDDED_KEYS or attachment or (key == "/Type" and str(value) == "/EmbeddedFile"):
        raise ActiveContentError(
            name,
            "contains embedded files (attachments inside the PDF); print it to a new PDF "
            "without attachments and send each attached record as its own file.",
        )


# -- images --------------------------------------------------------------------------------------
_PILLOW_FLAG = threading.Lock()


@contextlib.contextmanager
def _truncated_images_refused() -> Iterator[None]:
    """Pillow's process-wide ``LOAD_TRUNCATED_IMAGES`` off while an upload is checked.

    Why: WeasyPrint turns it on when it is imported (so a report never fails on a broken
    picture), and the web app imports WeasyPrint; with it on, a cut-short JPEG decodes without
    an error and would pass the check. The lock keeps two checks from restoring each other's
    value out of order.
    """
    from PIL import ImageFile

    with _PILLOW_FLAG:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _check_image(data: bytes, name: str, media: MediaType, limits: IntakeLimits) -> None:
    from PIL import Image, UnidentifiedImageError

    bomb = ImageBombError(
        name,
        f"is an image of more than {limits.max_pixels // 1_000_000} million pixels, far more "
        "than a photo or scan of a page; take the photo again or scan at 300 dpi.",
    )
    corrupt = CorruptDocumentError(
        name, "is a damaged or cut-short image; take the photo or scan again."
    )
    try:
        with warnings.catch_warnings(), _truncated_images_refused():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > limits.max_pixels:
                    raise bomb
                expected = "PNG" if media == "image/png" else "JPEG"
                if image.format != expected:
                    raise corrupt
                image.verify()
            if media == "image/jpeg":
                # verify() does not decode JPEG data; decoding at 1/8 scale reads every byte
                # (a cut-short file fails) for a sixty-fourth of the memory.
                with Image.open(io.BytesIO(data)) as image:
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()
    except (ImageBombError, CorruptDocumentError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise corrupt from None


__all__ = [
    "CheckedDocument",
    "IntakeLimits",
    "MediaType",
    "check_document",
    "read_document",
    "sniff",
]
