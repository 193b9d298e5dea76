"""`crossroads trials CASE` and `crossroads trials download` from the command line (no network)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

from .make_studies import write_studies

pytestmark = pytest.mark.integration
CASE = EXAMPLES / "mm_three_lines_triple_class_exposed.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crossroads", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_trials_case_prints_the_explained_list() -> None:
    result = run("trials", str(CASE), "--today", "2026-11-30")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "Clinical studies for this case",
        "Sorted by how many points fit this case. This is not a ranking of the studies.",
    ]
    assert lines[3].startswith("1. NCT90000002  [Synthetic example] BCMA CAR-T cells for myeloma")
    assert lines[4] == "   [MADE-UP EXAMPLE, not a real study]"
    assert "   5 fit · 0 unknown · 0 do not fit" in lines


def test_cli_trials_json_with_a_country_filter() -> None:
    result = run(
        "trials", str(CASE), "--country", "US", "--format", "json", "--today", "2026-11-30"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["studies"] == []
    assert data["hidden"]["outside_place_or_phase"] == 4


def test_cli_trials_reads_a_folder_of_studies(tmp_path: Path) -> None:
    write_studies(tmp_path, count=40, seed=3)
    result = run("trials", str(CASE), "--studies", str(tmp_path), "--all", "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["studies_read"] == 40
    assert len(data["studies"]) == 40  # --all shows every study, fitting or not
    assert all(s["synthetic"] and s["id"].startswith("NCT9") for s in data["studies"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--country", "Chna"), "error: --country: 'Chna' is not a country Crossroads can read."),
        (("--studies", "no/such/folder"), "error: no/such/folder: no such file or folder"),
        (("--today", "30.11.2026"), "error: --today: '30.11.2026' is not a date"),
    ],
)
def test_cli_trials_bad_options_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run("trials", str(CASE), *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_cli_trials_download_without_network_exits_2(tmp_path: Path) -> None:
    result = run(
        "trials",
        "download",
        "--condition",
        "lymphoma",
        "--cache",
        str(tmp_path),
        "--registry-url",
        "http://127.0.0.1:9/api/v2",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: could not reach ClinicalTrials.gov at 127.0.0.1:9")
    assert list(tmp_path.iterdir()) == []
