"""Differential tests on synthetic cohorts: the whole screening path against the Python engine.

Each patient of a generated Bulk export is imported by the FHIR importer and classified by
:func:`crossroads.engine.classify.classify` (the product's one-case path); ``screen`` reads the
same folder and runs the compiled rules on DuckDB. Every patient and jurisdiction must agree on
category, on-label products and missing facts; a disagreement names the patient and the first
fact that differs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crossroads.engine.classify import classify
from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import import_resources
from crossroads.kb import JURISDICTIONS, KnowledgeBase
from crossroads.screen.reference import ScreenRow, rows_of
from crossroads.screen.run import rows_of_table, screen
from crossroads.screen.sources import InputReport, read_bulk
from crossroads.screen.synth import write_cohort
from tests.screen.helpers import assert_same

ON = dt.date(2026, 6, 30)


def _python_rows(folder: Path, kb: KnowledgeBase) -> list[ScreenRow]:
    rows = []
    for patient, lines in read_bulk(folder, InputReport()).items():
        case = import_resources([json.loads(line) for line in lines], kb).case
        result = classify(check_codes(case, kb, strict=False), kb, JURISDICTIONS, ON)
        rows += rows_of(patient, result)
    return rows


def _differential(folder: Path, kb: KnowledgeBase, patients: int, workers: int) -> None:
    run = screen(folder, kb, JURISDICTIONS, ON, workers=workers)
    assert run.report.patients == patients
    assert run.report.problem_count == 0
    found = rows_of_table(run.results)
    assert len(found) == 3 * patients
    assert_same(found, _python_rows(folder, kb))
    # the cohort exercises every category, and both decided and undecided facts
    assert {r.category for r in found} == {
        "established",
        "cannot_tell",
        "trial",
        "not_realistic_now",
    }
    assert any(len(r.missing) == 1 for r in found if r.category == "cannot_tell")


@pytest.mark.unit
def test_a_cohort_of_1000_agrees_with_the_python_engine(kb: KnowledgeBase, tmp_path: Path) -> None:
    write_cohort(tmp_path, 1000, 11, kb, ON)
    _differential(tmp_path, kb, 1000, workers=1)


@pytest.mark.integration
def test_a_cohort_of_10000_agrees_with_the_python_engine(kb: KnowledgeBase, tmp_path: Path) -> None:
    write_cohort(tmp_path, 10_000, 12, kb, ON)
    _differential(tmp_path, kb, 10_000, workers=2)
