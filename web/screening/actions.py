"""What this app writes, each with its audit event. Events hold counts, reasons and record
numbers only: never a patient id, a file name or anything read from a results or records file."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from audit.actions import Actor, record
from cases.models import CaseRecord
from interop import actions as interop_actions
from interop.bundles import BundleCheck
from screening.models import ScreeningCase, ScreeningFile
from screening.results import patient_ids, places_of
from screening.sources import Records


def store(
    actor: Actor,
    owner: User,
    label: str,
    data: bytes,
    table: pa.Table,
    records: Records | None = None,
) -> ScreeningFile:
    """Keep a checked results file (owner-only, in the private folder) and say so in the trail.

    ``records``: the screened people's source records uploaded with it, kept the same way.
    """
    places = places_of(table)
    with transaction.atomic():
        item = ScreeningFile(
            owner=owner, label=label, patients=len(patient_ids(table)), places=",".join(places)
        )
        item.file.save("results.parquet", ContentFile(data), save=False)
        detail: dict[str, Any] = {"patients": item.patients, "places": len(places)}
        if records is not None:
            item.records.save("records.parquet", ContentFile(records.data), save=False)
            item.with_records = records.people
            detail.update(with_records=records.people, unread_lines=records.problems)
        item.save()
        record(actor, "screening.upload", detail={"file": item.pk, **detail})
    return item


def open_case(
    actor: Actor, user: User, item: ScreeningFile, number: int, title: str, found: BundleCheck
) -> CaseRecord:
    """A new case from a row's records, through the FHIR import page's own writer.

    One transaction: the case, its link to the row and both audit events (``fhir.import`` from
    the import path, ``screening.case`` here). If another click made the row's case first, the
    unique row link fails and everything rolls back (the caller then opens that case).
    """
    with transaction.atomic():
        case = interop_actions.import_case(
            actor, user, title, found.data, found.patient_id, found.result.notes
        )
        ScreeningCase.objects.create(file=item, number=number, case=case)
        record(actor, "screening.case", case_id=case.pk, detail={"file": item.pk, "created": True})
    return case


def record_case_again(actor: Actor, item: ScreeningFile, case: CaseRecord) -> None:
    """A second click on a row whose case exists: it is opened, nothing is created."""
    record(actor, "screening.case", case_id=case.pk, detail={"file": item.pk, "created": False})


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
        if item.records:
            item.records.delete(save=False)
        item.delete()
        record(actor, "screening.delete", detail={"file": pk})
