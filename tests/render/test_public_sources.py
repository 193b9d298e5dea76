"""Every patient document cites public works, in the reader's language, never the notes.

For every example case, in English and Chinese, the patient report and the hand-over letter:
no notes-file name, section sign, correction or check code reaches the page, and every entry of
the sources list names a public work a reader can open (an address or a DOI).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.render.report import report_context, report_html
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, TODAY

pytestmark = pytest.mark.integration
CASES = sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "expected.yaml")
INTERNAL = re.compile(
    r"\b[\w-]+\.(?:md|txt|ya?ml)\b"  # a notes or data file
    r"|§\s?\d"  # a notes section
    r"|\bcorrections? E\d|更正 ?E\d|[(（]E\d+[a-z]?[)）]"  # a second-check code
    r"|\bSecond check\b|\bsecond check\b"
    r"|\bcrossroads (?:kb|assess|report|compare)\b"  # a command name
)
LINK = re.compile(r"https?://\S+")


def _visible(html: str) -> str:
    """The page's text without tags, so that attribute values do not count."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
@pytest.mark.parametrize("kind", ["patient", "handover"])
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_patient_documents_cite_public_works_only(
    kb: KnowledgeBase, path: Path, kind: str, lang: str
) -> None:
    case = prepare_case(path, kb)
    context = report_context(case, kb, lang, kind, today=TODAY)  # type: ignore[arg-type]
    for entry in context["sources"]:
        assert LINK.search(entry["source"]) or "doi" in entry["source"].lower(), entry["source"]
    text = _visible(report_html(case, kb, lang, kind, today=TODAY))  # type: ignore[arg-type]
    assert INTERNAL.findall(text) == []


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_flag_reads_as_may_have_changed_with_the_month(kb: KnowledgeBase, lang: str) -> None:
    case = prepare_case(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", kb)
    text = _visible(report_html(case, kb, lang, "patient", today=TODAY))
    words = {
        "en": "This may have changed; last checked 2026-11",
        "zh-Hans": "此信息可能已有变化；最近核对于 2026 年 11 月",
    }[lang]
    assert words in text
    assert "⚠ uncertain:" not in text and "⚠ 不确定：" not in text


def test_the_chinese_sources_list_uses_chinese_punctuation_and_titles(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "lbcl_dlbcl_third_line_cn_patient_cross_border.yaml", kb)
    sources = report_context(case, kb, "zh-Hans", "patient", today=TODAY)["sources"]
    shown = [s["source"] for s in sources]
    assert any("中国临床试验注册中心" in s for s in shown)
    assert all(". http" not in s for s in shown if s.startswith(("American", "PubMed")))
