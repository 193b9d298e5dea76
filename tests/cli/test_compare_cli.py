"""``crossroads compare`` and ``crossroads values`` as a person uses them: exit codes, messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from crossroads.record.case import Preferences
from tests.conftest import EXAMPLES

from .test_cli import no_traceback, run

pytestmark = pytest.mark.integration

# Answers in the order the questionnaire asks: goal (1-5), seven importances (0-3), a fear.
ANSWERS = "2\n3\n1\n0\n2\n3\n2\n1\n2\n3\n1\nNot seeing my grandchildren grow up\n"


def test_compare_markdown_shows_the_grid_for_the_case_goal() -> None:
    result = run(
        "compare", str(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml"), "-f", "markdown"
    )
    assert result.returncode == 0, result.stderr
    assert "Your main goal: a chance of cure" in result.stdout
    assert "| **How it meets your goal (a chance of cure)** | Not given as a cure" in result.stdout
    assert "| Shared measure: Complete response" in result.stdout
    assert "Most options were never tested against each other in one trial" in result.stdout


def test_compare_json_follows_its_schema_id() -> None:
    result = run(
        "compare",
        str(EXAMPLES / "mcl_two_lines_after_btki.yaml"),
        "-f",
        "json",
        "-j",
        "CN",
        "--options",
        "car_t,pirtobrutinib",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["schema"], data["jurisdictions"], data["status"]) == (
        "crossroads.compare/v1",
        ["CN"],
        "ok",
    )
    assert [o["code"] for o in data["settings"][0]["options"]] == ["pirtobrutinib", "car_t"]


def test_compare_text_in_chinese() -> None:
    result = run(
        "compare", str(EXAMPLES / "mm_four_lines_no_anti_cd38_cn_patient.yaml"), "--lang", "zh-Hans"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("各种选择并排对比")
    assert "您的主要目标：舒适" in result.stdout


def test_unknown_goal_exits_2_listing_the_goals() -> None:
    result = run(
        "compare", str(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml"), "--goal", "cur"
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: --goal: 'cur' is not a goal Crossroads knows. Use one of: cure, longer_control, "
        "comfort, time_at_home, bridge_to_transplant. Did you mean 'cure'?\n"
    )
    no_traceback(result)


def test_unknown_option_code_exits_2() -> None:
    result = run(
        "compare", str(EXAMPLES / "mcl_two_lines_after_btki.yaml"), "--options", "car_t,chemo"
    )
    assert result.returncode == 2
    assert "--options: 'chemo' is not an option code for this case. Use one of:" in result.stderr
    no_traceback(result)


def test_case_without_preferences_asks_for_the_goal_without_failing() -> None:
    result = run("compare", str(EXAMPLES / "lbcl_hgbcl_second_line_early_relapse.yaml"))
    assert result.returncode == 0, result.stderr
    assert "- needs information: your main goal (say what matters most to you now" in (
        result.stdout
    )
    assert "crossroads values" not in result.stdout  # no command names in what people read


def test_setting_not_decidable_names_the_facts_and_guesses_nothing() -> None:
    result = run(
        "compare", str(EXAMPLES / "lbcl_partial_relapse_date_window_unknown.yaml"), "-f", "markdown"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "needs information: Crossroads cannot yet tell where this case fits. "
        "These facts would settle it:\n\n"
        "- needs information: the month the first treatment ended and the month the disease "
        "came back\n"
    ) in result.stdout
    assert "## Situation" not in result.stdout


def test_compare_bad_case_exits_2(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("preferences: {main_goal: wealth}\n", encoding="utf-8")
    result = run("compare", str(case))
    assert result.returncode == 2
    assert "preferences.main_goal: must be one of:" in result.stderr
    no_traceback(result)


def test_values_prints_the_preferences_block() -> None:
    result = run("values", str(EXAMPLES / "lbcl_only_disease_known.yaml"), stdin=ANSWERS)
    assert result.returncode == 0, result.stderr
    block = yaml.safe_load(result.stdout)
    assert block == {
        "preferences": {
            "main_goal": "longer_control",
            "importance": {
                "aim": 3,
                "start_time": 1,
                "how_given": 0,
                "time_in_hospital": 2,
                "serious_risks": 3,
                "family_burden": 2,
                "evidence": 1,
                "psychological": 2,
                "travel": 3,
                "cost": 1,
            },
            "fears": ["Not seeing my grandchildren grow up"],
        }
    }
    Preferences.model_validate(block["preferences"])


def test_values_asks_again_after_an_answer_out_of_range() -> None:
    result = run("values", str(EXAMPLES / "lbcl_only_disease_known.yaml"), stdin="9\n" + ANSWERS)
    assert result.returncode == 0, result.stderr
    assert "Please select one of the available options" in result.stderr
    assert yaml.safe_load(result.stdout)["preferences"]["main_goal"] == "longer_control"


def test_values_write_replaces_only_the_preferences_section(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", case)
    original = case.read_text(encoding="utf-8")
    result = run("values", str(case), "--write", stdin=ANSWERS)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "case.yaml.bak").read_text(encoding="utf-8") == original
    new = case.read_text(encoding="utf-8")
    head = original[: original.index("\npreferences:")]
    assert new.startswith(head + "\npreferences:\n  main_goal: longer_control\n")
    before, after = yaml.safe_load(original), yaml.safe_load(new)
    assert after["preferences"]["fears"] == ["Not seeing my grandchildren grow up"]
    assert {k: v for k, v in after.items() if k != "preferences"} == {
        k: v for k, v in before.items() if k != "preferences"
    }


def test_values_write_appends_when_there_is_no_section(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    original = "# my notes stay\ndiagnosis: {disease: lbcl}\n"
    case.write_text(original, encoding="utf-8")
    result = run("values", str(case), "--write", stdin=ANSWERS)
    assert result.returncode == 0, result.stderr
    assert case.read_text(encoding="utf-8").startswith(original + "preferences:\n")


def test_values_stopped_early_writes_nothing(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    original = "diagnosis: {disease: lbcl}\n"
    case.write_text(original, encoding="utf-8")
    result = run("values", str(case), "--write", stdin="1\n3\n")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "error: The questions ended before every answer was given; nothing was written."
    )
    assert case.read_text(encoding="utf-8") == original
    assert not (tmp_path / "case.yaml.bak").exists()
    no_traceback(result)


def test_values_on_a_broken_case_exits_2(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("diagnosis: {disease: lbcl\n", encoding="utf-8")
    result = run("values", str(case), stdin=ANSWERS)
    assert result.returncode == 2
    assert "YAML syntax error" in result.stderr
    no_traceback(result)
