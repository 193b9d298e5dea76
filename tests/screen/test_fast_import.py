"""The screening's fast import reads the same case as the full import, fact for fact.

A screening imports each patient with ``explain=False`` (no notes, no mapping report) and a
remembered date parser (:func:`crossroads.interop.fhir.notes.parsed_date`). Neither may change
the case: for every file of the third-party FHIR corpus and for generated cohorts (any seed),
the case, and the derived-facts row the rules read, are the same as the full import's; the
input resources are never changed by an import; and a remembered date is the date
:meth:`PartialDate.parse` gives, a refused text refused every time.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.common.dates import PartialDate
from crossroads.common.errors import CrossroadsError
from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import import_bundle, import_resources, read_fhir_file
from crossroads.interop.fhir.notes import Notes, parsed_date
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.kb.fhir_maps import load_fhir_maps
from crossroads.logic.facts import derive_facts
from crossroads.screen.run import schema_for
from crossroads.screen.sources import InputReport, read_bulk
from crossroads.screen.synth import write_cohort
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

ON = dt.date(2026, 6, 30)
FILES = sorted(
    [
        *(ROOT / "tests" / "fixtures" / "fhir").glob("mcode/*.json"),
        *(ROOT / "tests" / "fixtures" / "fhir").glob("outside/*.json*"),
    ]
)


def _is_record(path: Path) -> bool:
    """A file the importer accepts (a Bundle or a list); single resources are refused before
    any import, so they have no case to compare (their refusal is tested in tests/interop)."""
    try:
        read_fhir_file(path)
    except CrossroadsError:
        return False
    return True


CORPUS = [path for path in FILES if _is_record(path)]


def _row(case: Any, kb: KnowledgeBase, patient: str) -> list[Any]:
    facts = derive_facts(case, kb.class_sources, PartialDate.parse(ON))
    return schema_for(kb).encode(patient, facts.values)


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 10


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_corpus_file_gives_the_same_case_without_notes(path: Path, kb: KnowledgeBase) -> None:
    data = read_fhir_file(path)
    before = copy.deepcopy(data)
    maps = load_fhir_maps()
    full = import_bundle(data, kb, maps)
    assert data == before, "the import changed its input"
    fast = import_bundle(data, kb, maps, explain=False)
    assert data == before, "the import changed its input"
    assert fast.notes == () and fast.report == ()
    assert fast.case.model_dump() == full.case.model_dump()
    assert len(full.report) >= 1, "the full import still reports every resource"


def _same_cohort(tmp_path: Path, patients: int, seed: int, kb: KnowledgeBase) -> None:
    write_cohort(tmp_path, patients, seed, kb, ON)
    maps = load_fhir_maps()
    groups = read_bulk(tmp_path, InputReport())
    assert len(groups) == patients
    for patient, lines in groups.items():
        resources = [json.loads(line) for line in lines]
        full = import_resources(resources, kb, maps)
        fast = import_resources(resources, kb, maps, explain=False)
        assert fast.case.model_dump() == full.case.model_dump(), patient
        one = check_codes(full.case, kb, strict=False)
        two = check_codes(fast.case, kb, strict=False)
        assert _row(two, kb, patient) == _row(one, kb, patient), patient


def test_a_cohort_gives_the_same_cases_and_facts_without_notes(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    _same_cohort(tmp_path, 300, 7, kb)


_KB = load_kb()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_any_seed_gives_the_same_cases_and_facts_without_notes(
    seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _same_cohort(tmp_path_factory.mktemp("cohort"), 40, seed, _KB)


_DATE_TEXT = st.one_of(
    st.from_regex(r"\A(19|20|21)\d\d(-(0\d|1[0-3])(-([0-3]\d))?)?\Z", fullmatch=True),
    st.text(max_size=12),
    st.none(),
)


@given(text=_DATE_TEXT)
def test_a_remembered_date_is_the_parsed_date(text: str | None) -> None:
    try:
        expected: PartialDate | type[Exception] = PartialDate.parse(text)
    except (ValueError, TypeError) as exc:
        expected = type(exc)
    for _ in range(2):  # the second time comes from the cache (or is refused again)
        try:
            found: PartialDate | type[Exception] = parsed_date(text)
        except (ValueError, TypeError) as exc:
            found = type(exc)
        assert found == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-29T10:00:00+01:00", "2024-02-29"),
        ("2024-02", "2024-02"),
        ("2024", "2024"),
        (" 2024-12-31 ", "2024-12-31"),
        ("2023-02-29", None),  # not a day of 2023
        ("2024-13", None),
        ("1899-12-31", None),
        ("yesterday", None),
        (20240101, None),  # not text
        (None, None),
    ],
)
def test_checked_dates_are_the_same_twice_and_note_each_refusal(
    value: Any, expected: str | None
) -> None:
    notes = Notes(load_fhir_maps())
    for attempt in (1, 2):
        assert notes.checked_date(value, "Procedure/1", "date") == expected
        partial = notes.checked_partial(value, "Procedure/1", "date")
        assert partial == (None if expected is None else PartialDate.parse(expected))
        assert len(notes.items) == (0 if expected is not None else 2 * attempt)
    quiet = Notes(load_fhir_maps(), keep=False)
    assert quiet.checked_date(value, "Procedure/1", "date") == expected
    assert quiet.items == []
