"""An uploaded screening results file, its uploader (the only person who may read it), the
screened people's source records uploaded with it, and the cases opened from its rows."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models


def screening_storage() -> Storage:
    """The private folder for results files (a callable, so settings and tests can swap it)."""
    return storages["screening"]


def stored_name(instance: ScreeningFile, filename: str) -> str:
    """A random name: the name on the coordinator's computer may hold a patient's name."""
    return f"{uuid.uuid4().hex}.parquet"


def stored_records_name(instance: ScreeningFile, filename: str) -> str:
    """A random name for the source records kept with a results file (see :mod:`.sources`)."""
    return f"{uuid.uuid4().hex}.records.parquet"


class ScreeningFile(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screening_files"
    )
    label = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(storage=screening_storage, upload_to=stored_name, max_length=200)
    patients = models.PositiveIntegerField()
    places = models.CharField(max_length=40)  # the jurisdictions in the file, e.g. "CN,EU,US"
    # The screened people's FHIR resources from the Bulk export the screening read (optional):
    # what opening a case from a row imports. Same private folder, same owner-only rule.
    records = models.FileField(
        storage=screening_storage, upload_to=stored_records_name, max_length=200, blank=True
    )
    with_records = models.PositiveIntegerField(default=0)  # people whose records are kept

    class Meta:
        ordering = ("-uploaded_at", "-pk")

    def __str__(self) -> str:
        return f"screening file {self.pk}"

    @property
    def place_list(self) -> list[str]:
        return [p for p in self.places.split(",") if p]


class ScreeningCase(models.Model):
    """The case opened from one row of a results file: a second click opens it, never a copy.

    The row is named by its number in the file (as in the URLs), not by the patient id, so this
    table holds nothing identifiable; the case itself holds the record.
    """

    file = models.ForeignKey(ScreeningFile, on_delete=models.CASCADE, related_name="cases")
    number = models.PositiveIntegerField()
    case = models.ForeignKey("cases.CaseRecord", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("file", "number"), name="one_case_per_screening_row"),
        )

    def __str__(self) -> str:
        return f"case of row {self.number} of screening file {self.file_id}"
