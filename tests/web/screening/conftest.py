"""Screening results files for the worklist tests: a real screening of a synthetic cohort (with
the Bulk NDJSON it read), a tiny hand-made one (with records for some of its people), and a
stored file for the permission matrix."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings
from screening.models import ScreeningFile
from screening.results import TYPES, patient_ids, read_results

from crossroads.kb import load_kb
from crossroads.screen.run import screen, write_private
from crossroads.screen.synth import write_cohort
from tests.web.conftest import World

ON = dt.date(2026, 12, 1)


@cache
def cohort(patients: int = 60, seed: int = 3) -> tuple[bytes, dict[str, bytes]]:
    """``crossroads synth`` then ``crossroads screen`` (in process) of a small cohort: the
    results file and the Bulk NDJSON files it was screened from (by name)."""
    kb = load_kb()
    with TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cohort"
        write_cohort(folder, patients, seed, kb, ON)
        run = screen(folder, kb, ["US", "EU", "CN"], ON, workers=1)  # type: ignore[list-item]
        out = Path(tmp) / "results.parquet"
        write_private(run.results, out)
        bulk = {p.name: p.read_bytes() for p in sorted(folder.glob("*.ndjson"))}
        return out.read_bytes(), bulk


def cohort_results(patients: int = 60, seed: int = 3) -> bytes:
    return cohort(patients, seed)[0]


def cohort_bulk(patients: int = 60, seed: int = 3) -> dict[str, bytes]:
    return cohort(patients, seed)[1]


def parquet(rows: list[dict[str, object]], schema: pa.Schema | None = None) -> bytes:
    table = pa.Table.from_pylist(rows, schema=schema or pa.schema(list(TYPES.items())))
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def tiny_results() -> bytes:
    """Three people in the US: one on label, two one fact away (the same fact), one trial."""
    rows = [
        ("p-on", "established", ["tisagenlecleucel"], []),
        ("p-age", "cannot_tell", [], ["age_years"]),
        ("p-age2", "cannot_tell", [], ["age_years"]),
        ("p-two", "cannot_tell", [], ["age_years", "prior_lines"]),
        ("p-trial", "trial", [], []),
    ]
    return parquet(
        [
            {
                "patient_id": pid,
                "jurisdiction": "US",
                "disease": "lbcl",
                "category": category,
                "on_label": on,
                "missing": missing,
            }
            for pid, category, on, missing in rows
        ]
    )


SNOMED = "http://snomed.info/sct"
LBCL_SNOMED = "109969005"  # the code fhir_maps.yaml reads as large B-cell lymphoma


def tiny_bulk(people: tuple[str, ...] = ("p-age", "p-on")) -> dict[str, bytes]:
    """Bulk NDJSON for some of :func:`tiny_results`' people (a Patient and a Condition each),
    plus one line of someone who was not screened and one broken line."""
    patients = [{"resourceType": "Patient", "id": pid, "birthDate": "1960-05"} for pid in people]
    patients.append({"resourceType": "Patient", "id": "not-screened", "birthDate": "1970"})
    conditions = [
        {
            "resourceType": "Condition",
            "id": f"{pid}-c",
            "code": {"coding": [{"system": SNOMED, "code": LBCL_SNOMED}]},
            "subject": {"reference": f"Patient/{pid}"},
            "onsetDateTime": "2023-02",
        }
        for pid in people
    ]

    def ndjson(items: list[dict[str, object]]) -> bytes:
        return "".join(json.dumps(i) + "\n" for i in items).encode()

    return {"Patient.ndjson": ndjson(patients), "Condition.ndjson": ndjson(conditions) + b"{oops\n"}


def stored(
    world: World,
    persona: str = "coordinator",
    data: bytes | None = None,
    bulk: dict[str, bytes] | None = None,
) -> ScreeningFile:
    """A results file (and records, if ``bulk``) stored for ``persona`` as an upload stores them."""
    from django.core.files.base import ContentFile
    from screening.sources import keep_records

    data = data or tiny_results()
    table = read_results(data)
    item = ScreeningFile(
        owner=world.users[persona], label="Registry run", patients=len(patient_ids(table)),
        places="US",
    )  # fmt: skip
    item.file.save("results.parquet", ContentFile(data), save=False)
    if bulk is not None:
        records = keep_records([io.BytesIO(b) for b in bulk.values()], set(patient_ids(table)))
        item.records.save("records.parquet", ContentFile(records.data), save=False)
        item.with_records = records.people
    item.save()
    return item


def screening_files() -> set[Path]:
    root = Path(settings.STORAGES["screening"]["OPTIONS"]["location"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture(autouse=True)
def _remove_screening_files() -> Iterator[None]:
    before = screening_files()
    yield
    for path in screening_files() - before:
        path.unlink()


def matrix_screening(world: World) -> ScreeningFile:
    """The permission matrix's results file: the world's coordinator uploaded it, with records
    for row 1 (``p-age``), so a case can be opened from that row in one click."""
    return stored(world, bulk=tiny_bulk())
