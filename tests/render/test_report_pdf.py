"""The report as PDF: the words survive printing in both languages, with a Chinese font embedded.

Text is read back with ``pdftotext`` and fonts with ``pdffonts`` (poppler-utils). Page 1 of each
PDF is drawn to ``test-artifacts/`` with ``pdftoppm`` so a person can look at it after a run.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from crossroads.kb import KnowledgeBase
from crossroads.render.report import report_pdf
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, ROOT, TODAY

from .test_report import HANDOVER_CASE, NOT_REPLACE, URGENT

pytestmark = pytest.mark.integration
ARTIFACTS = ROOT / "test-artifacts"
EN_CASE = EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml"
ZH_CASE = EXAMPLES / "lbcl_dlbcl_third_line_cn_patient_cross_border.yaml"


@pytest.fixture(scope="module")
def pdfs(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One PDF per (case, language, kind) under test, made once for the module."""
    folder = tmp_path_factory.mktemp("pdf")
    made = {}
    for key, path, lang, kind in [
        ("en", EN_CASE, "en", "patient"),
        ("zh", ZH_CASE, "zh-Hans", "patient"),
        ("handover-zh", HANDOVER_CASE, "zh-Hans", "handover"),
    ]:
        target = folder / f"{key}.pdf"
        target.write_bytes(report_pdf(prepare_case(path, kb), kb, lang, kind, today=TODAY))  # type: ignore[arg-type]
        made[key] = target
    return made


def pdf_text(path: Path, page: int | None = None) -> str:
    """The PDF's text with all white space removed: Chinese lines break anywhere."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return squash(out)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_starts_as_a_pdf(pdfs: dict[str, Path]) -> None:
    for path in pdfs.values():
        assert path.read_bytes()[:5] == b"%PDF-"


def test_english_pdf_text_has_key_content(pdfs: dict[str, Path]) -> None:
    text = pdf_text(pdfs["en"])
    for wanted in [
        "Your CAR-T decision report",
        "Prepared for Dana Whitfield",
        "United States (FDA): Established option",
        "European Union (EMA/EC): Established option",
        "China (NMPA): Established option",
        "Sources and knowledge base",
        "Knowledge base 2026.12.1",
        NOT_REPLACE["en"],
        URGENT["en"],
    ]:
        assert squash(wanted) in text, wanted


def test_chinese_pdf_text_has_key_content_in_chinese(pdfs: dict[str, Path]) -> None:
    text = pdf_text(pdfs["zh"])
    for wanted in [
        "您的 CAR-T 决策报告",
        "美国（FDA）：已获批的选择",
        "中国（NMPA）：已获批的选择",
        "来源与知识库",
        "知识库版本 2026.12.1",
        NOT_REPLACE["zh-Hans"],
        URGENT["zh-Hans"],
    ]:
        assert squash(wanted) in text, wanted


def test_chinese_handover_pdf_has_urgent_line_and_sections(pdfs: dict[str, Path]) -> None:
    text = pdf_text(pdfs["handover-zh"])
    for wanted in ["致当地医生的交接信", "做了什么决定", "接受了什么治疗", "需要留意的情况"]:
        assert squash(wanted) in text, wanted
    assert squash(URGENT["zh-Hans"]) in text


@pytest.mark.parametrize(("key", "lang"), [("en", "en"), ("zh", "zh-Hans")])
def test_every_page_carries_the_not_replace_line_and_number(
    pdfs: dict[str, Path], key: str, lang: str
) -> None:
    pages = len(PdfReader(pdfs[key]).pages)
    assert pages >= 2  # otherwise "every page" proves nothing
    label = {"en": "Page", "zh-Hans": "页码"}[lang]
    for page in range(1, pages + 1):
        text = pdf_text(pdfs[key], page)
        assert squash(NOT_REPLACE[lang]) in text, page
        assert f"{label}{page}/{pages}" in text, page


def pdffonts(path: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) for every font of the PDF, from ``pdffonts``."""
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    rows = []
    for line in out.splitlines()[2:]:
        fields = line.split()
        # name type encoding emb sub uni object-id: 'emb' is the 5th column from the end
        rows.append((fields[0], fields[-5]))
    return rows


@pytest.mark.parametrize("key", ["zh", "handover-zh"])
def test_chinese_pdf_embeds_a_cjk_font(pdfs: dict[str, Path], key: str) -> None:
    fonts = pdffonts(pdfs[key])
    cjk = [(name, emb) for name, emb in fonts if "NotoSansCJK" in name.replace("-", "")]
    assert cjk, fonts
    assert {emb for _, emb in cjk} == {"yes"}


def test_english_pdf_uses_only_embedded_fonts(pdfs: dict[str, Path]) -> None:
    fonts = pdffonts(pdfs["en"])
    assert fonts
    assert {emb for _, emb in fonts} == {"yes"}


@pytest.mark.parametrize("key", ["en", "zh", "handover-zh"])
def test_page_one_renders_to_png(pdfs: dict[str, Path], key: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / f"report-{key}-page1"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdfs[key]),
            str(stem),
        ],
        check=True,
        timeout=60,
    )
    png = stem.with_suffix(".png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # an A4 page at 80 dpi with text on it compresses to tens of kilobytes; a blank one to ~2 KB
    assert len(data) > 30_000


def test_cli_report_pdf_to_a_pipe(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crossroads", "report", str(EN_CASE), "-f", "pdf", "-o", "-"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout[:5] == b"%PDF-"
    assert result.stderr.decode() == "Making the PDF (patient, en) ...\n"


def test_cli_report_pdf_refuses_a_terminal() -> None:
    main, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "crossroads", "report", str(EN_CASE), "-f", "pdf", "-o", "-"],
            cwd=ROOT,
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(main)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: -o -: a PDF is not text")


def test_cli_report_pdf_to_file_reports_progress(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "crossroads",
            "report",
            str(ZH_CASE),
            "-f",
            "pdf",
            "-o",
            str(target),
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines[0] == "Making the PDF (patient, zh-Hans) ..."
    assert lines[1].startswith(f"Wrote {target} (")
    assert target.read_bytes()[:5] == b"%PDF-"
