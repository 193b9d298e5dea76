"""Receiving an upload: a size-capped handler, the core's intake checks, and their messages.

The site refuses files everywhere except the views named in ``CROSSROADS_UPLOAD_HANDLERS``
(:mod:`crossroads_web.limits`), which gives this app's upload view the handler below: it streams
the file to a temporary file and stops keeping bytes past the size limit (counting on), so a
huge upload costs neither memory nor disk. The bytes then go through the core's
:func:`~crossroads.records.intake.check_document`; only a checked document is stored.

Each refusal says what is wrong and what to do: the core's own sentence in English, and the same
in Chinese from this app's catalogue (the core's message table is English).
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from crossroads.common.errors import DocumentRefusedError, NotADocumentError
from crossroads.records.intake import MB, CheckedDocument, IntakeLimits, check_document


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Streams to a temporary file; past ``cap`` bytes keeps counting but stores nothing."""

    def __init__(self, request: HttpRequest | None = None, cap: int = 20 * MB) -> None:
        super().__init__(request)
        self.cap = cap
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.over or start + len(raw_data) > self.cap:
            self.over = True
            return None
        return super().receive_data_chunk(raw_data, start)


def upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    """The handlers for the upload view (named in ``CROSSROADS_UPLOAD_HANDLERS``)."""
    return [CappedUploadHandler(request, IntakeLimits.from_env().max_bytes)]


def checked_upload(upload: UploadedFile[bytes] | None, limits: IntakeLimits) -> CheckedDocument:
    """The uploaded file through the core's intake checks, or the core's refusal."""
    if upload is None:
        raise NotADocumentError("", "no file was chosen; choose a PDF, JPEG or PNG file.")
    name = (upload.name or "")[:200]
    size = upload.size or 0
    if size > limits.max_bytes:
        from crossroads.records.intake import _too_big

        raise _too_big(name, size, limits)
    upload.seek(0)
    data = upload.read(limits.max_bytes + 1)
    return check_document(data, name, limits)


def refusal_message(exc: DocumentRefusedError, limits: IntakeLimits) -> str:
    """The refusal in the page's language: the core's sentence, or its Chinese counterpart."""
    if not (translation.get_language() or "en").startswith("zh"):
        return str(exc)
    name = exc.source
    if not name:
        return _("No file was chosen: choose a PDF, JPEG or PNG file.")
    limit_mb = f"{limits.max_bytes / MB:g}"
    texts = {
        "type": _(
            "%(name)s is not a PDF, JPEG or PNG file (its content says so, whatever its name). "
            "Save or scan the record as a PDF, or photograph it as JPEG or PNG."
        ),
        "size": _(
            "%(name)s is larger than the limit of %(limit)s MB. Split it into smaller files or "
            "scan it at a lower resolution."
        ),
        "pages": _(
            "%(name)s has more than %(pages)s pages. Split it and send the pages that hold the "
            "record."
        ),
        "encrypted": _(
            "%(name)s is an encrypted or password-protected PDF. Open it, print or save it as an "
            "unprotected PDF, and send that copy."
        ),
        "corrupt": _(
            "%(name)s is damaged or cut short and cannot be read. Download or scan it again."
        ),
        "active": _(
            "%(name)s contains scripts, actions or attached files that could run when it is "
            "opened. Print it to a new PDF (or scan it) and send that copy."
        ),
        "bomb": _(
            "%(name)s is an image far larger than a photo or scan of a page. Take the photo "
            "again or scan at 300 dpi."
        ),
    }
    text = texts.get(exc.kind)
    if text is None:
        return str(exc)
    return text % {"name": name, "limit": limit_mb, "pages": limits.max_pages}
