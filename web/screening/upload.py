"""The upload handler of the results upload (named in ``CROSSROADS_UPLOAD_HANDLERS``)."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

from documents.upload import CappedUploadHandler
from screening.results import MAX_BYTES
from screening.sources import MAX_RECORDS_BYTES


def upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    """Stream each file to a temporary file; past the larger limit nothing more is kept.

    The view then checks each limit on the sizes counted (the results file's, the records')."""
    return [CappedUploadHandler(request, max(MAX_BYTES, MAX_RECORDS_BYTES))]
