"""A screening batch reads the knowledge-base files once (``kb.loader.pinned``): same rows.

Each batch runs inside :func:`crossroads.kb.loader.pinned`, so the regimens, line rules and code
maps are looked up once per batch instead of stamping their files at every call. That memo must
never change a row: for generated cohorts (any seed) the rows of the batched path are the rows of
each patient imported on its own, outside any pinned block, and the loaders still see a file
change once the batch is over.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.common.dates import PartialDate
from crossroads.common.errors import CrossroadsError
from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import import_resources
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.kb.fhir_maps import load_fhir_maps
from crossroads.kb.loader import _PINNED
from crossroads.logic.facts import derive_facts
from crossroads.screen.run import schema_for
from crossroads.screen.sources import InputReport, derive_rows, read_bulk
from crossroads.screen.synth import write_cohort

pytestmark = pytest.mark.unit

ON = dt.date(2026, 6, 30)
_KB = load_kb()


def _one_by_one(groups: dict[str, list[str]], kb: KnowledgeBase) -> list[list[object]]:
    assert _PINNED.get() is None
    schema, maps, on = schema_for(kb), load_fhir_maps(), PartialDate.parse(ON)
    rows = []
    for patient, lines in groups.items():
        resources = [json.loads(line) for line in lines]
        try:
            case = import_resources(resources, kb, maps, explain=False).case
            case = check_codes(case, kb, strict=False)
        except CrossroadsError:
            continue
        rows.append(schema.encode(patient, derive_facts(case, kb.class_sources, on).values))
    return rows


def _same_rows(folder: Path, patients: int, seed: int, batch: int) -> None:
    write_cohort(folder, patients, seed, _KB, ON)
    groups = read_bulk(folder, InputReport())
    batched = list(
        derive_rows(
            "bulk", list(groups.items()), _KB, schema_for(_KB), ON, InputReport(), batch=batch
        )
    )
    assert _PINNED.get() is None, "the pinned block ends with the batch"
    assert batched == _one_by_one(groups, _KB)


def test_a_cohort_gives_the_same_rows_in_pinned_batches(tmp_path: Path) -> None:
    _same_rows(tmp_path, 200, 11, batch=64)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1), batch=st.integers(1, 50))
def test_any_seed_and_batch_size_gives_the_same_rows(
    seed: int, batch: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _same_rows(tmp_path_factory.mktemp("cohort"), 30, seed, batch)
