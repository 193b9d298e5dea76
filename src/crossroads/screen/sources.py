"""Screening inputs: FHIR Bulk Data NDJSON, a folder of case files, or Parquet of derived facts.

Each patient's record goes through the product's own path, so the facts screened are the facts
the Python engine would derive: Bulk resources are grouped by the patient they point at and read
by the FHIR importer (:func:`crossroads.interop.fhir.import_resources`, which also derives the
lines of treatment), case files by :func:`crossroads.steps.assess.prepare_case`; then
:func:`crossroads.logic.facts.derive_facts` gives the row. A line that is not a FHIR resource, or
points at no patient, is reported with its file and line number and counted; never skipped
silently. Reports name files and line numbers only, never what a line holds: screening inputs
are identifiable data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from crossroads.common.dates import PartialDate
from crossroads.common.errors import BadOptionError, CrossroadsError
from crossroads.engine.codes import check_codes
from crossroads.interop.fhir import import_resources
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.kb.fhir_maps import load_fhir_maps
from crossroads.kb.loader import pinned
from crossroads.logic.facts import derive_facts
from crossroads.record.case import Case
from crossroads.screen.columns import FactsSchema
from crossroads.steps.assess import prepare_case

InputKind = Literal["bulk", "cases", "parquet"]
CASE_SUFFIXES = (".yaml", ".yml", ".json")
KEPT_PROBLEMS = 1000
"""Problems kept with their place; beyond this only the count grows (a broken export can have
millions of bad lines, and the count is what a summary needs)."""


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A line or file that could not be screened: where, and why (never its content)."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"


@dataclass
class InputReport:
    """What was read: patients, resources, and every problem counted by reason."""

    patients: int = 0
    resources: int = 0
    problems: list[InputProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, problem: InputProblem) -> None:
        self.counts[problem.reason] = self.counts.get(problem.reason, 0) + 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(problem)

    @property
    def problem_count(self) -> int:
        return sum(self.counts.values())


def detect(path: Path) -> InputKind:
    """Which input a path is: a Parquet file, a folder of NDJSON, or a folder of case files."""
    if path.is_file() and path.suffix == ".parquet":
        return "parquet"
    if path.is_dir():
        if any(path.glob("*.ndjson")):
            return "bulk"
        if any(p.suffix in CASE_SUFFIXES for p in path.iterdir()):
            return "cases"
    raise BadOptionError(
        f"input {path.name or path}: give a folder of FHIR Bulk NDJSON files (*.ndjson), a folder "
        "of case files (*.yaml, *.json) or a Parquet file of derived facts (*.parquet)."
    )


# -- FHIR Bulk NDJSON ---------------------------------------------------------------------------
def _patient_key(resource: dict[str, Any]) -> str | None:
    """The patient a resource is about: its own id for a Patient, else its subject/patient."""
    if resource.get("resourceType") == "Patient":
        ident = resource.get("id")
        return ident if isinstance(ident, str) and ident else None
    ref = resource.get("subject") or resource.get("patient")
    text = ref.get("reference") if isinstance(ref, dict) else None
    if not isinstance(text, str):
        return None
    parts = text.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == "Patient" and parts[-1]:
        return parts[-1]
    if text.startswith("urn:uuid:") and len(text) > 9:
        return text[9:]
    return None


def read_bulk(folder: Path, report: InputReport) -> dict[str, list[str]]:
    """Every resource line of the folder's NDJSON files, grouped by patient (file order kept).

    Lines are kept as text and parsed again by the worker that imports the patient: text is a
    third of the memory of parsed JSON, which matters at a hundred thousand patients.
    """
    groups: dict[str, list[str]] = {}
    for file in sorted(folder.glob("*.ndjson")):
        with file.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    text = raw.decode("utf-8")
                    resource = json.loads(text)
                except (UnicodeDecodeError, json.JSONDecodeError):
                    report.add(InputProblem(file.name, number, "not a JSON line"))
                    continue
                if not isinstance(resource, dict) or not isinstance(
                    resource.get("resourceType"), str
                ):
                    report.add(InputProblem(file.name, number, "not a FHIR resource"))
                    continue
                key = _patient_key(resource)
                if key is None:
                    report.add(InputProblem(file.name, number, "points at no Patient"))
                    continue
                groups.setdefault(key, []).append(text)
                report.resources += 1
    report.patients = len(groups)
    return groups


# -- deriving the rows, in worker processes ---------------------------------------------------
@dataclass(frozen=True)
class _Job:
    schema: FactsSchema
    on: dt.date


_STATE: dict[str, Any] = {}


def _setup(job: _Job, kb: KnowledgeBase | None = None) -> None:
    """Give this process the knowledge base, FHIR maps and job.

    Worker processes started by fork inherit what the parent set up just before the pool (no
    pickling, no reading again); others (spawn) load them once each.
    """
    _STATE["kb"] = kb or _STATE.get("kb") or load_kb()
    _STATE["maps"] = load_fhir_maps()
    _STATE["job"] = job
    _STATE["on"] = PartialDate.parse(job.on)


def _row(patient: str, case: Case) -> list[Any]:
    kb: KnowledgeBase = _STATE["kb"]
    job: _Job = _STATE["job"]
    facts = derive_facts(case, kb.class_sources, _STATE["on"])
    return job.schema.encode(patient, facts.values)


def _bulk_batch(batch: list[tuple[str, list[str]]]) -> tuple[list[list[Any]], list[InputProblem]]:
    """Rows of one batch; the knowledge-base files are looked at once for the whole batch
    (:func:`crossroads.kb.loader.pinned`), not at each record's every lookup."""
    with pinned():
        return _bulk_rows(batch)


def _bulk_rows(batch: list[tuple[str, list[str]]]) -> tuple[list[list[Any]], list[InputProblem]]:
    rows, problems = [], []
    for patient, lines in batch:
        try:
            resources = [json.loads(line) for line in lines]
            result = import_resources(resources, _STATE["kb"], _STATE["maps"], explain=False)
            case = check_codes(result.case, _STATE["kb"], strict=False)
        except CrossroadsError as exc:
            problems.append(InputProblem("patient", None, f"record not usable ({exc.code})"))
            continue
        rows.append(_row(patient, case))
    return rows, problems


def _case_batch(batch: list[tuple[str, str]]) -> tuple[list[list[Any]], list[InputProblem]]:
    with pinned():
        return _case_rows(batch)


def _case_rows(batch: list[tuple[str, str]]) -> tuple[list[list[Any]], list[InputProblem]]:
    rows, problems = [], []
    for patient, path in batch:
        try:
            case = prepare_case(path, _STATE["kb"], strict=False)
        except CrossroadsError as exc:
            problems.append(
                InputProblem(Path(path).name, None, f"not a usable case file ({exc.code})")
            )
            continue
        rows.append(_row(patient, case))
    return rows, problems


def case_files(folder: Path) -> list[tuple[str, str]]:
    """``(patient id, path)`` for each case file; the id is the file name without suffix."""
    files = sorted(p for p in folder.iterdir() if p.suffix in CASE_SUFFIXES and p.is_file())
    return [(p.stem, str(p)) for p in files if p.name != "expected.yaml"]


def derive_rows(
    kind: Literal["bulk", "cases"],
    items: Sequence[tuple[str, Any]],
    kb: KnowledgeBase,
    schema: FactsSchema,
    on: dt.date,
    report: InputReport,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    batch: int = 500,
) -> Iterator[list[Any]]:
    """Derived-facts rows for each patient (``items``: grouped Bulk lines or case-file paths).

    With ``workers`` > 1 the patients are spread over that many processes; rows come back in
    input order either way, so a result never depends on the number of workers.
    """
    job = _Job(schema, on)
    work = _bulk_batch if kind == "bulk" else _case_batch
    chunks = [list(items[i : i + batch]) for i in range(0, len(items), batch)]
    _setup(job, kb)
    if workers <= 1 or len(chunks) <= 1:
        results: Iterator[tuple[list[list[Any]], list[InputProblem]]] = map(work, chunks)
        yield from _collect(results, chunks, report, progress)
        return
    with ProcessPoolExecutor(workers, initializer=_setup, initargs=(job,)) as pool:
        yield from _collect(pool.map(work, chunks), chunks, report, progress)


def _collect(
    results: Iterator[tuple[list[list[Any]], list[InputProblem]]],
    chunks: list[list[tuple[str, Any]]],
    report: InputReport,
    progress: Callable[[int], None] | None,
) -> Iterator[list[Any]]:
    for chunk, (rows, problems) in zip(chunks, results, strict=True):
        for problem in problems:
            report.add(problem)
        yield from rows
        if progress is not None:
            progress(len(chunk))
