"""The upload handler of the results upload (named in ``CROSSROADS_UPLOAD_HANDLERS``)."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

from documents.upload import CappedUploadHandler
from screening.results import MAX_BYTES


def upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    """Stream to a temporary file; past the size limit nothing more is kept."""
    return [CappedUploadHandler(request, MAX_BYTES)]
