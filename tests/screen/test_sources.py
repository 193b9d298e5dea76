"""Screening inputs: bad lines are counted with file and line, and every input kind agrees."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path

import pytest

from crossroads.common.errors import BadOptionError
from crossroads.kb import JURISDICTIONS, KnowledgeBase
from crossroads.screen.run import rows_of_table, schema_for, screen, write_private
from crossroads.screen.sources import InputProblem, InputReport, detect, read_bulk
from crossroads.screen.synth import write_cohort
from tests.conftest import EXAMPLES, example_files

pytestmark = pytest.mark.unit
ON = dt.date(2026, 6, 30)


def test_malformed_lines_are_reported_with_file_and_line_and_counted(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    write_cohort(tmp_path, 5, 1, kb, ON)
    with (tmp_path / "Condition.ndjson").open("a", encoding="utf-8") as handle:
        handle.write('{"resourceType": "Condition", "subject": \n')  # line 6: broken JSON
        handle.write("\n")  # line 7: blank, not a problem
        handle.write("[1, 2]\n")  # line 8: JSON, not a resource
        handle.write('{"resourceType": "Condition", "id": "x"}\n')  # line 9: no patient
    with (tmp_path / "Observation.ndjson").open("ab") as raw:
        raw.write(b"\xff\xfe\n")
    report = InputReport()
    groups = read_bulk(tmp_path, report)
    assert len(groups) == 5
    observations = len((tmp_path / "Observation.ndjson").read_bytes().splitlines())
    assert report.problems == [
        InputProblem("Condition.ndjson", 6, "not a JSON line"),
        InputProblem("Condition.ndjson", 8, "not a FHIR resource"),
        InputProblem("Condition.ndjson", 9, "points at no Patient"),
        InputProblem("Observation.ndjson", observations, "not a JSON line"),
    ]
    assert report.counts == {
        "not a JSON line": 2,
        "not a FHIR resource": 1,
        "points at no Patient": 1,
    }
    assert str(report.problems[0]) == "Condition.ndjson:6: not a JSON line"
    run = screen(tmp_path, kb, JURISDICTIONS, ON)
    assert run.report.problem_count == 4 and run.report.patients == 5


def test_patient_references_in_every_written_form(tmp_path: Path) -> None:
    lines = [
        '{"resourceType": "Patient", "id": "a"}',
        '{"resourceType": "Condition", "subject": {"reference": "Patient/a"}}',
        '{"resourceType": "Condition", "subject": {"reference": "https://x.org/fhir/Patient/b"}}',
        '{"resourceType": "Procedure", "subject": {"reference": "urn:uuid:c"}}',
        '{"resourceType": "Condition", "subject": {"reference": "Group/g"}}',
    ]
    (tmp_path / "All.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = InputReport()
    groups = read_bulk(tmp_path, report)
    assert {k: len(v) for k, v in groups.items()} == {"a": 2, "b": 1, "c": 1}
    assert report.problems == [InputProblem("All.ndjson", 5, "points at no Patient")]


def test_a_folder_of_case_files_and_its_facts_parquet_give_the_same_results(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    for path in example_files():
        shutil.copy(path, cases / path.name)
    (cases / "broken.yaml").write_text("schema: crossroads.case/v1\nlines: 3\n", encoding="utf-8")
    run = screen(cases, kb, JURISDICTIONS, ON)
    assert run.kind == "cases"
    assert run.report.counts == {"not a usable case file (case-file)": 1}
    assert run.report.problems[0].file == "broken.yaml"
    assert run.facts is not None and run.facts.num_rows == len(example_files())
    facts = tmp_path / "facts.parquet"
    write_private(run.facts, facts)
    again = screen(facts, kb, JURISDICTIONS, ON)
    assert again.kind == "parquet"
    assert rows_of_table(again.results) == rows_of_table(run.results)


def test_results_are_written_owner_only(kb: KnowledgeBase, tmp_path: Path) -> None:
    run = screen(EXAMPLES, kb, ["US"], ON)
    out = tmp_path / "deep" / "results.parquet"
    write_private(run.results, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["results.parquet"]


def test_inputs_that_are_none_of_the_three_are_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(BadOptionError, match="give a folder of FHIR Bulk NDJSON files"):
        detect(tmp_path)
    wrong = tmp_path / "other.parquet"
    write_private(run_table(kb), wrong)
    with pytest.raises(BadOptionError, match="not a derived-facts table; columns missing: "):
        screen(wrong, kb, JURISDICTIONS, ON)
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet")
    with pytest.raises(BadOptionError, match="not a Parquet file"):
        screen(junk, kb, JURISDICTIONS, ON)


def run_table(kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    import pyarrow as pa

    assert schema_for(kb).facts
    return pa.table({"patient_id": ["a"]})
