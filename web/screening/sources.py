"""The screened people's source records: the FHIR Bulk export a screening read, kept per person.

Opening a case from a worklist row needs the person's own record, and a results file holds only
the screening's answer. Three ways were weighed:

- the screening run writes each person's Bundle into the results file: every results file (also
  those shared for counting) would then carry whole health records, and a results file written
  before that change could not open cases;
- the web app reads the export from a folder on the server: it would need a path typed in a
  form, so any file the server can read would be one typo away;
- the coordinator uploads the Bulk export (all of it, or the part for some people) together with
  the results file. This is what is done here: the coordinator already holds both, nothing on the
  server is reached by name, and the same checks and rules as for the results file apply.

The NDJSON files are grouped by patient with the screening's own reader
(:func:`crossroads.screen.sources.read_bulk`), so a row finds exactly the resources its result
was computed from. Only the people of the results file are kept (minimum data), in one Parquet
file (a row per person: id and resource lines) in the private folder (0600, uploader only),
and read back one person at a time. Problems are counted, never quoted: the lines are health data.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.utils.translation import gettext as _

from crossroads.interop.fhir import as_bundle
from crossroads.screen.sources import InputReport, read_bulk
from screening.results import gap

MAX_RECORDS_BYTES = 200 * 1024 * 1024
"""The most NDJSON taken with one results file, all files together (about 20,000 people)."""
MAX_RECORD_FILES = 50
"""A Bulk export has one file per resource type (seven are read); a few more for split files."""
SCHEMA = pa.schema([("patient_id", pa.string()), ("resources", pa.list_(pa.string()))])


class NotRecordsError(ValueError):
    """The uploaded files are not the screened people's records; the message says what to do."""


@dataclass(frozen=True)
class Records:
    """The kept part of an upload: a Parquet file's bytes, and what was found."""

    data: bytes
    people: int  # people of the results file with records
    problems: int  # lines that were not FHIR resources of a patient (counted, not kept)


def _fix() -> str:
    return _(
        "Upload the NDJSON files of the FHIR Bulk export the screening read, or leave the field "
        "empty."
    )


def keep_records(files: Iterable[IO[bytes]], screened: set[str]) -> Records:
    """Group uploaded NDJSON files by patient and keep the lines of the screened people only.

    Files are copied under neutral names into a private temporary folder (the names on the
    coordinator's computer may name someone) and read by the screening's own reader.
    """
    with TemporaryDirectory(prefix="crossroads-records-") as tmp:
        folder = Path(tmp)
        for number, handle in enumerate(files, start=1):
            handle.seek(0)
            with (folder / f"{number:04d}.ndjson").open("wb") as out:
                shutil.copyfileobj(handle, out)
        report = InputReport()
        groups = read_bulk(folder, report)
    kept = {pid: lines for pid, lines in groups.items() if pid in screened}
    if not kept:
        why = (
            _("These files hold no FHIR resources.")
            if not groups
            else _("None of the people in the results file are in these records.")
        )
        raise NotRecordsError(why + gap() + _fix())
    ids = sorted(kept)
    table = pa.table({"patient_id": ids, "resources": [kept[i] for i in ids]}, schema=SCHEMA)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return Records(sink.getvalue(), len(ids), report.problem_count)


def _read(handle: IO[bytes], **options: Any) -> pa.Table:
    return pq.read_table(handle, schema=SCHEMA, **options)


def people_with_records(handle: IO[bytes]) -> set[str]:
    """The ids of the people whose records are kept (to show which rows can open a case)."""
    return set(_read(handle, columns=["patient_id"]).column("patient_id").to_pylist())


def bundle_of(handle: IO[bytes], patient_id: str) -> dict[str, Any] | None:
    """The person's resources as one FHIR Bundle (a collection), or None if none are kept.

    Built by the core's :func:`as_bundle`, the shape the FHIR import page's reader takes.
    """
    found = _read(handle, filters=pc.field("patient_id") == patient_id)
    if found.num_rows == 0:
        return None
    lines: list[str] = found.column("resources")[0].as_py() or []
    return as_bundle(json.loads(line) for line in lines)
