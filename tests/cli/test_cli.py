"""The command line as a person uses it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, Golden

pytestmark = pytest.mark.integration


def run(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crossroads", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        check=False,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


def test_assess_json_follows_the_contract() -> None:
    result = run(
        "assess",
        str(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml"),
        "-f",
        "json",
        "-j",
        "US,CN",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data["jurisdictions"]) == ["US", "CN"]
    us = data["jurisdictions"]["US"]
    assert us["category"] == "established"
    first = us["products"][0]
    assert set(first) >= {
        "product",
        "brand",
        "indication",
        "status",
        "reasons",
        "missing",
        "source",
    }
    assert first["product"] == first["product"].lower()


def test_assess_text_is_readable() -> None:
    result = run(
        "assess", str(EXAMPLES / "lbcl_partial_relapse_date_window_unknown.yaml"), "-j", "EU"
    )
    assert result.returncode == 0, result.stderr
    assert "European Union (EMA/EC): Cannot tell yet" in result.stdout
    assert "needs information: the month the first treatment ended" in result.stdout


def test_assess_markdown_in_chinese() -> None:
    result = run(
        "assess",
        str(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml"),
        "-f",
        "markdown",
        "--lang",
        "zh-Hans",
    )
    assert result.returncode == 0
    assert result.stdout.startswith("# 本病例的 CAR-T 评估（按地区）")


def test_unknown_medicine_is_kept_with_a_warning_and_refused_with_strict(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "patient: {age_years: 60}\ndiagnosis: {disease: mcl}\ndisease_status: {state: relapsed}\n"
        "prior_cellular_therapy: []\nlines:\n  - agents: [rituximab, bendamustine]\n"
        "  - agents: [rituximab, ritux]\n"
    )
    warning = (
        f"warning: {case}: lines[1].agents[1]: 'ritux' is not a medicine Crossroads knows. "
        "Did you mean 'Erbitux', 'rituximab', 'Rituxan'? Its drug classes stay unknown; "
        "use --strict to refuse.\n"
    )
    lenient = run("assess", str(case), "-j", "US", "-f", "json")
    assert (lenient.returncode, lenient.stderr) == (0, warning)
    # the unknown medicine might be a BTK inhibitor, so liso-cel's MCL criterion stays open
    products = json.loads(lenient.stdout)["jurisdictions"]["US"]["products"]
    assert {p["indication"]: p["status"] for p in products} == {
        "us_brexu_cel_mcl_rr": "on_label",
        "us_liso_cel_mcl_3l": "needs_information",
    }
    strict = run("--strict", "assess", str(case))
    assert strict.returncode == 2
    assert "lines[1].agents[1]: 'ritux' is not a medicine Crossroads knows." in strict.stderr
    no_traceback(strict)


def test_regimen_name_alone_is_expanded_and_shown(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "patient: {age_years: 60}\ndiagnosis: {disease: mcl}\ndisease_status: {state: relapsed}\n"
        "prior_cellular_therapy: []\nlines:\n  - regimen: BR\n"
    )
    note = (
        "Treatment 1 in the history: medicines taken from the regimen name BR: bendamustine, "
        "rituximab. Ask the treating team to confirm them."
    )
    result = run("assess", str(case), "-j", "US", "-f", "json")
    assert (result.returncode, result.stderr) == (0, f"note: {case}: {note}\n")
    data = json.loads(result.stdout)
    assert data["expanded_regimens"] == [
        {"entry": 1, "regimen": "BR", "agents": ["bendamustine", "rituximab"], "text": note}
    ]
    products = data["jurisdictions"]["US"]["products"]
    assert {p["indication"]: p["status"] for p in products} == {
        "us_brexu_cel_mcl_rr": "on_label",
        "us_liso_cel_mcl_3l": "not_on_label",
    }
    text = run("assess", str(case), "-j", "US")
    assert "Medicines taken from regimen names" in text.stdout
    markdown = run("assess", str(case), "-j", "US", "-f", "markdown", "--lang", "zh-Hans")
    assert (
        "## 根据方案名称得出的药物\n\n- 治疗史第 1 项：根据方案名称 BR 得出的药物：苯达莫司汀、"
        "利妥昔单抗。请向治疗团队确认。\n" in markdown.stdout
    )


def test_unknown_regimen_is_a_warning_and_refused_with_strict(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("diagnosis: {disease: lbcl}\nlines:\n  - regimen: R-CHOPP\n")
    warning = (
        f"warning: {case}: lines[0].regimen: 'R-CHOPP' is not a regimen Crossroads knows, so its "
        "medicines stay unknown. Did you mean 'R-CHOP', 'R2-CHOP', 'R-CHOEP'? Or list the "
        "medicines under agents, e.g. [rituximab, bendamustine]. Its drug classes stay unknown; "
        "use --strict to refuse.\n"
    )
    lenient = run("case", "validate", str(case))
    assert (lenient.returncode, lenient.stderr) == (0, warning)
    strict = run("--strict", "case", "validate", str(case))
    assert strict.returncode == 2
    assert "lines[0].regimen: 'R-CHOPP' is not a regimen Crossroads knows" in strict.stderr
    no_traceback(strict)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        (
            "lines: [{start: 03/04/2025}]\n",
            "lines[0].start: '03/04/2025' is not read: two numbers before the year",
        ),
        ("lines: [{start: 2099-01}]\n", "lines[0].start (2099-01) is after today"),
        ("assessment_date: 2025-02-30\n", "assessment_date: day 30 does not exist in 2025-02"),
        ("fitness: {ecog: [1]}\n", "fitness.ecog: must be a whole number."),
        ("diagnosis: {disease: lbcl\n", "YAML syntax error"),
    ],
)
def test_bad_case_exits_2_with_one_clear_message(
    tmp_path: Path, content: str, message: str
) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(content, encoding="utf-8")
    result = run("assess", str(case))
    assert result.returncode == 2
    assert message in result.stderr
    no_traceback(result)


def test_unknown_jurisdiction_exits_2() -> None:
    result = run("assess", str(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml"), "-j", "UK")
    assert result.returncode == 2
    assert "--jurisdiction: 'UK' is not one Crossroads knows. Use US, EU or CN" in result.stderr
    no_traceback(result)


def test_missing_file_exits_2() -> None:
    result = run("assess", "no-such-case.yaml")
    assert result.returncode == 2
    assert "no-such-case.yaml: cannot read the file (No such file or directory)." in result.stderr


def test_case_validate_reports_each_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("fitness: {ecog: 9}\n", encoding="utf-8")
    good = EXAMPLES / "mcl_two_lines_after_btki.yaml"
    result = run("case", "validate", str(good), str(bad))
    assert result.returncode == 2
    assert f"ok  {good}" in result.stdout
    assert "fitness.ecog: must be 4 or less." in result.stderr


def test_case_new_template_validates(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    assert run("case", "new", "-o", str(target)).returncode == 0
    assert run("case", "validate", str(target)).returncode == 0
    again = run("case", "new", "-o", str(target))
    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_case_new_ask_builds_a_valid_case(tmp_path: Path) -> None:
    answers = (
        "\n".join(
            [
                "lbcl",
                "dlbcl_nos",
                "1",
                "rituximab, cyclophosphamide",
                "2024-04",
                "2024-08",
                "CR",
                "2025-02",
                "57",
                "relapsed",
                "yes",
                "1",
            ]
        )
        + "\n"
    )
    result = run("case", "new", "--ask", stdin=answers)
    assert result.returncode == 0, result.stderr
    case = tmp_path / "asked.yaml"
    case.write_text(
        result.stdout.split("\n", 1)[1] if not result.stdout.startswith("schema") else result.stdout
    )
    assert "disease: lbcl" in result.stdout
    assert "agents:\n  - rituximab\n  - cyclophosphamide" in result.stdout


def test_case_schema_is_json_schema() -> None:
    result = run("case", "schema")
    schema = json.loads(result.stdout)
    assert schema["$id"] == "crossroads.case/v1"
    assert "diagnosis" in schema["properties"]


def test_published_schemas_are_current(golden: Golden) -> None:
    for command, name in (
        (["case", "schema"], "case.schema.json"),
        (["output-schema"], "assessment.schema.json"),
    ):
        golden.check(ROOT / "schemas" / name, run(*command).stdout)


def test_kb_show_unknown_product_suggests() -> None:
    result = run("kb", "show", "yescarat")
    assert result.returncode == 2
    assert "'yescarat' is not a product in the knowledge base." in result.stderr


def test_kb_show_lists_sources() -> None:
    result = run("kb", "show", "Kymriah")
    assert result.returncode == 0
    assert "us_tisa_cel_ball_rr" in result.stdout
    assert "source:" in result.stdout


def test_kb_check_passes() -> None:
    result = run("kb", "check", "-q")
    assert result.returncode == 0, result.stderr
    assert "0 errors" in result.stdout


@pytest.mark.parametrize("page", ["knowledge-base.md", "ipdas-self-audit.md", "pemat-p.md"])
def test_generated_docs_are_current(golden: Golden, page: str) -> None:
    golden.check(ROOT / "docs" / page, run("kb", "docs", "--page", page).stdout)


def test_docs_refuse_an_unknown_page() -> None:
    result = run("kb", "docs", "--page", "nothing.md")
    assert result.returncode == 2
    assert "--page: 'nothing.md' is not a generated page" in result.stderr


def test_tour_runs_over_examples() -> None:
    result = run("tour")
    assert result.returncode == 0, result.stderr
    assert "example cases" in result.stdout
