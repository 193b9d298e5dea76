"""What this app writes, each with its audit event. Events hold counts and reasons only: never
a patient id, a file name or anything read from a results file."""

from __future__ import annotations

import pyarrow as pa
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from audit.actions import Actor, record
from screening.models import ScreeningFile
from screening.results import patient_ids, places_of


def store(actor: Actor, owner: User, label: str, data: bytes, table: pa.Table) -> ScreeningFile:
    """Keep a checked results file (owner-only, in the private folder) and say so in the trail."""
    places = places_of(table)
    with transaction.atomic():
        item = ScreeningFile(
            owner=owner, label=label, patients=len(patient_ids(table)), places=",".join(places)
        )
        item.file.save("results.parquet", ContentFile(data), save=False)
        item.save()
        record(
            actor,
            "screening.upload",
            detail={"file": item.pk, "patients": item.patients, "places": len(places)},
        )
    return item


def record_refusal(actor: Actor, why: str) -> None:
    record(actor, "screening.refused", detail={"why": why})


def record_view(actor: Actor, item: ScreeningFile, place: str) -> None:
    record(actor, "screening.view", detail={"file": item.pk, "place": place})


def record_open(actor: Actor, item: ScreeningFile) -> None:
    record(actor, "screening.open", detail={"file": item.pk})


def delete(actor: Actor, item: ScreeningFile) -> None:
    """Remove the file from the disk and its row; the trail keeps that it happened."""
    with transaction.atomic():
        pk = item.pk
        item.file.delete(save=False)
        item.delete()
        record(actor, "screening.delete", detail={"file": pk})
