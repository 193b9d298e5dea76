"""Screening results files for the worklist tests: a real screening of a synthetic cohort, a
tiny hand-made one, and a stored file for the permission matrix."""

from __future__ import annotations

import datetime as dt
import io
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
def cohort_results(patients: int = 60, seed: int = 3) -> bytes:
    """``crossroads synth`` then ``crossroads screen`` (in process) of a small cohort."""
    kb = load_kb()
    with TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cohort"
        write_cohort(folder, patients, seed, kb, ON)
        run = screen(folder, kb, ["US", "EU", "CN"], ON, workers=1)  # type: ignore[list-item]
        out = Path(tmp) / "results.parquet"
        write_private(run.results, out)
        return out.read_bytes()


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


def stored(world: World, persona: str = "coordinator", data: bytes | None = None) -> ScreeningFile:
    """A results file stored for ``persona`` the way an upload stores it."""
    from django.core.files.base import ContentFile

    data = data or tiny_results()
    table = read_results(data)
    item = ScreeningFile(
        owner=world.users[persona], label="Registry run", patients=len(patient_ids(table)),
        places="US",
    )  # fmt: skip
    item.file.save("results.parquet", ContentFile(data), save=False)
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
    """The permission matrix's results file: the world's coordinator uploaded it."""
    return stored(world)
