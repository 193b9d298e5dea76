"""An uploaded screening results file and its uploader (the only person who may read it)."""

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


class ScreeningFile(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screening_files"
    )
    label = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(storage=screening_storage, upload_to=stored_name, max_length=200)
    patients = models.PositiveIntegerField()
    places = models.CharField(max_length=40)  # the jurisdictions in the file, e.g. "CN,EU,US"

    class Meta:
        ordering = ("-uploaded_at", "-pk")

    def __str__(self) -> str:
        return f"screening file {self.pk}"

    @property
    def place_list(self) -> list[str]:
        return [p for p in self.places.split(",") if p]
