"""``crossroads screen`` and ``crossroads synth`` as a coordinator runs them."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
import pytest

from tests.cli.test_cli import no_traceback, run
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.integration


def test_screen_a_folder_of_cases_writes_private_results_and_shows_counts(tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    result = run("screen", str(EXAMPLES), "--out", str(out), "--today", "2026-11-30", "-j", "US")
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = duckdb.sql(f"SELECT patient_id, category FROM '{out}' ORDER BY 1").fetchall()
    assert len(rows) == 39
    assert ("us_axi_cel_second_line_early_relapse", "established") in rows
    assert "Patients screened: 39" in result.stdout
    assert "Category per place" in result.stdout and "facts to ask for" in result.stdout
    # names of facts in plain words, never a patient id
    assert "us_axi_cel" not in result.stdout + result.stderr


def test_aggregate_mode_suppresses_small_cells(tmp_path: Path) -> None:
    out = tmp_path / "counts.parquet"
    result = run("screen", str(EXAMPLES), "-o", str(out), "--aggregate", "--today", "2026-11-30")
    assert result.returncode == 0, result.stderr
    assert "<11" in result.stdout
    cells = duckdb.sql(f"SELECT count, suppressed FROM '{out}'").fetchall()
    assert cells and all((n is None) == hidden for n, hidden in cells)
    assert all(n is None or n == 0 or n >= 11 for n, _ in cells)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_synth_then_screen_and_bad_options(tmp_path: Path) -> None:
    cohort = tmp_path / "bulk"
    made = run(
        "synth", "--patients", "30", "--seed", "4", "--out", str(cohort), "--today", "2026-06-30"
    )
    assert made.returncode == 0, made.stderr
    assert "30 synthetic patients" in made.stdout
    out = tmp_path / "r.parquet"
    screened = run("screen", str(cohort), "-o", str(out), "--workers", "1", "--today", "2026-06-30")
    assert screened.returncode == 0 and "Patients screened: 30" in screened.stdout
    wrong = run("screen", str(cohort), "--engine", "hadoop")
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("error: --engine: 'hadoop' is not available; use duckdb, spark.")
    missing = run("screen", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    no_traceback(missing)
