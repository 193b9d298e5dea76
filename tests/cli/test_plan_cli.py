"""The plan commands as a person uses them; bad input gets one plain line."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.integration
CASE = str(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crossroads", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_timeline_impossible_start_date() -> None:
    line = one_line_error(run("timeline", CASE, "--start", "2026-02-30"))
    assert line == "error: --start: day 30 does not exist in 2026-02."


def test_timeline_start_that_is_not_a_date() -> None:
    line = one_line_error(run("timeline", CASE, "--start", "next week"))
    assert line == (
        "error: --start: 'next week' is not a date; write 2025-09-03, 2025-09 or 2025 (also "
        "read: 2025/09, 09/2025, Sept 2025, 3 September 2025, 2025年9月, 2025年9月3日)."
    )


def test_timeline_unknown_product() -> None:
    line = one_line_error(run("timeline", CASE, "--product", "Kymria"))
    assert line == (
        "error: --product: 'Kymria' is not a CAR-T product in the knowledge base. "
        "Did you mean 'Kymriah'?"
    )


def test_timeline_unknown_jurisdiction() -> None:
    line = one_line_error(run("timeline", CASE, "-j", "UK"))
    assert (
        line == "error: --jurisdiction: 'UK' is not one Crossroads knows. Use one of US, EU or CN."
    )


def test_actions_bad_today() -> None:
    line = one_line_error(run("actions", CASE, "--today", "2026-13-01"))
    assert line == "error: --today: '2026-13-01' is not a date; write YYYY-MM-DD."


def test_readiness_missing_case_file() -> None:
    line = one_line_error(run("readiness", "no-such-case.yaml"))
    assert line.startswith("error: no-such-case.yaml: cannot read the file")


def test_timeline_json_with_calendar_and_chart(tmp_path: Path) -> None:
    ics, svg = tmp_path / "plan.ics", tmp_path / "plan.svg"
    result = run(
        "timeline", CASE, "--start", "2026-12-01", "--today", "2026-11-30", "--product",
        "Yescarta", "--ics", str(ics), "--svg", str(svg), "-f", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["schema"], data["jurisdiction"], data["product"]["status"]) == (
        "crossroads.timeline/v1",
        "US",
        "on_label",
    )
    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert len(events) == sum(1 for m in data["milestones"] if m["dated"])
    assert ET.fromstring(svg.read_text(encoding="utf-8")).tag.endswith("svg")
    assert "Dana" not in ics.read_text(encoding="utf-8")


def test_timeline_defaults_to_the_treatment_place() -> None:
    case = str(EXAMPLES / "fl_two_lines_eu_axi_cel_needs_three_cn_patient.yaml")
    result = run("timeline", case, "--start", "2026-12-01", "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["jurisdiction"], data["place_given"], data["lang"]) == ("EU", True, "zh-Hans")


def test_readiness_and_actions_text() -> None:
    readiness = run("readiness", CASE, "--today", "2026-11-30")
    assert readiness.returncode == 0, readiness.stderr
    assert "  [missing] Past infections and virus tests" in readiness.stdout
    actions = run("actions", CASE, "--today", "2026-11-30", "--lang", "zh-Hans")
    assert actions.returncode == 0, actions.stderr
    assert actions.stdout.startswith("下一步行动\n计划制定日期：2026-11-30\n")
