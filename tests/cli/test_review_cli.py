"""The step-5/6 commands as a person uses them: output, safe writes, and bad input (exit 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES

from .test_cli import no_traceback, run

pytestmark = pytest.mark.integration
CROSS_BORDER = EXAMPLES / "lbcl_dlbcl_third_line_cn_patient_cross_border.yaml"
NO_DECISION = EXAMPLES / "lbcl_primary_refractory_second_line.yaml"


def copy_case(tmp_path: Path, source: Path = NO_DECISION) -> Path:
    target = tmp_path / source.name
    shutil.copy(source, target)
    return target


def test_review_text_lists_reasons_and_questions() -> None:
    result = run("review", str(CROSS_BORDER), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "A review could help because:" in result.stdout
    assert "treatment in another country: yes" in result.stdout
    assert "Your question (used in the packet):" in result.stdout


def test_review_json_in_chinese() -> None:
    result = run("review", str(CROSS_BORDER), "-f", "json")  # the case's language is zh-Hans
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lang"] == "zh-Hans"
    assert [t["id"] for t in data["triage"]] == [
        "conflicting_advice",
        "cross_border",
        "second_opinion_requested",
    ]


def test_packet_json_carries_no_identity() -> None:
    result = run("packet", str(CROSS_BORDER))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "crossroads.packet/v1"
    for planted in ("李建国", "Li Jianguo", "SH-2024-0091823", "1972-08-09", "Shanghai", "0013"):
        assert planted not in result.stdout


def test_packet_pdf_needs_a_file(tmp_path: Path) -> None:
    result = run("packet", str(CROSS_BORDER), "-f", "pdf")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: --format pdf: a PDF needs a file; add -o packet.pdf (or -o - to send it down a "
        "pipe)."
    )
    no_traceback(result)


def test_packet_pdf_and_html_to_files(tmp_path: Path) -> None:
    pdf = tmp_path / "packet.pdf"
    result = run("packet", str(CROSS_BORDER), "-f", "pdf", "-o", str(pdf), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    page = tmp_path / "packet.html"
    result = run("packet", str(CROSS_BORDER), "-f", "html", "-o", str(page))
    assert result.returncode == 0, result.stderr
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_packet_refuses_to_overwrite_the_case(tmp_path: Path) -> None:
    case = copy_case(tmp_path)
    before = case.read_bytes()
    result = run("packet", str(case), "-o", str(case))
    assert result.returncode == 2
    assert "that is the case file itself" in result.stderr
    assert case.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["packet", "missing.yaml"], "error: missing.yaml: cannot read the file"),
        (
            ["summary", "{case}", "--today", "2026-13-01"],
            "error: --today: '2026-13-01' is not a date",
        ),
        (
            ["review", "{case}", "-j", "UK"],
            "error: --jurisdiction: 'UK' is not one Crossroads knows",
        ),
        (["sentences", "{case}", "--force"], "error: --force: only has a meaning with --write."),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = run(*(a.replace("{case}", str(NO_DECISION)) for a in args))
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    no_traceback(result)


def test_summary_shows_what_is_open() -> None:
    result = run(
        "summary", str(EXAMPLES / "lbcl_partial_relapse_date_window_unknown.yaml"), "--lang", "en"
    )
    assert result.returncode == 0, result.stderr
    assert "Not ready yet. Still open:" in result.stdout
    assert (
        "Still unknown: months from the end of the first treatment to relapse. Find out the "
        "month the first treatment ended and the month the disease came back."
    ) in result.stdout


def test_sentences_write_stores_drafts_and_keeps_a_backup(tmp_path: Path) -> None:
    case = copy_case(tmp_path)
    original = case.read_text(encoding="utf-8")
    result = run("sentences", str(case), "--write")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote status, options, car_t, next_step to")
    assert (tmp_path / f"{case.name}.bak").read_text(encoding="utf-8") == original
    text = case.read_text(encoding="utf-8")
    assert text.startswith(original)  # everything before is kept byte for byte
    data = yaml.safe_load(text)
    assert data["decision"]["sentences"]["status"] == (
        "I have large B-cell lymphoma (LBCL). It did not respond to my last treatment. "
        "I have had one treatment for it."
    )
    assert run("case", "validate", str(case)).returncode == 0


def test_sentences_write_never_overwrites_own_words_without_force(tmp_path: Path) -> None:
    case = copy_case(tmp_path)
    with case.open("a", encoding="utf-8") as out:
        out.write(
            'decision:\n  sentences:\n    status: "My own words."\n  sure: {enough_support: true}\n'
        )
    result = run("sentences", str(case), "--write")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert data["decision"]["sentences"]["status"] == "My own words."
    assert data["decision"]["sure"] == {"enough_support": True}
    assert set(data["decision"]["sentences"]) == {"status", "options", "car_t", "next_step"}
    assert "Kept as written: status (use --force to replace them)." in result.stdout
    forced = run("sentences", str(case), "--write", "--force")
    assert forced.returncode == 0, forced.stderr
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert data["decision"]["sentences"]["status"].startswith("I have large B-cell lymphoma")


def test_sentences_write_on_json_case(tmp_path: Path) -> None:
    source = yaml.safe_load(NO_DECISION.read_text(encoding="utf-8"))
    case = tmp_path / "case.json"
    case.write_text(json.dumps(source), encoding="utf-8")
    result = run("sentences", str(case), "--write")
    assert result.returncode == 0, result.stderr
    data = json.loads(case.read_text(encoding="utf-8"))
    assert {k: v for k, v in data.items() if k != "decision"} == source
    assert data["decision"]["sentences"]["car_t"].startswith("CAR-T fits an approved use")


def test_sentences_write_refuses_a_broken_case_and_writes_nothing(tmp_path: Path) -> None:
    case = tmp_path / "broken.yaml"
    case.write_text("diagnosis:\n  disease: lbcl\n  stage: [\n", encoding="utf-8")
    result = run("sentences", str(case), "--write")
    assert result.returncode == 2
    assert "YAML syntax error" in result.stderr
    assert not (tmp_path / "broken.yaml.bak").exists()
    no_traceback(result)
