"""The report ends with the plain meanings of the terms it uses, and of no others (issue 14)."""

from __future__ import annotations

import re

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.render.report import report_context, report_html
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, TODAY

pytestmark = pytest.mark.integration
LBCL = EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml"
AML = EXAMPLES / "out_of_scope_aml.yaml"


def _terms(kb: KnowledgeBase, path: object, lang: str = "en") -> list[str]:
    context = report_context(prepare_case(path, kb), kb, lang, today=TODAY)  # type: ignore[arg-type]
    section = context["sections"].get("glossary")
    return [e["id"] for e in section["entries"]] if section else []


def test_the_lbcl_report_explains_its_terms_in_glossary_order(kb: KnowledgeBase) -> None:
    assert _terms(kb, LBCL) == [
        "cd19",
        "hbv",
        "crs",
        "mdt",
        "bridging",
        "apheresis",
        "complete_response",
        "hsct",
        "median",
        "event_free",
        "relapsed",
        "lymphodepletion",
        "line_of_treatment",
        "on_label",
    ]


def test_only_terms_the_report_uses(kb: KnowledgeBase) -> None:
    html = report_html(prepare_case(LBCL, kb), kb, "en", today=TODAY)
    body = html.split('<section id="glossary">')[0]
    assert "BCMA" not in body
    assert "term-bcma" not in html
    # every explained term is a word of the report before the glossary
    assert re.search(r"\bmedian\b", body, re.IGNORECASE)


def test_the_glossary_comes_last_before_about_and_the_sources(kb: KnowledgeBase) -> None:
    context = report_context(prepare_case(LBCL, kb), kb, "en", today=TODAY)
    assert context["order"][-3:] == ["glossary", "about", "urgent"]
    html = report_html(prepare_case(LBCL, kb), kb, "en", today=TODAY)
    assert html.index('id="glossary"') < html.index('id="sources"')


def test_the_chinese_report_gives_chinese_meanings(kb: KnowledgeBase) -> None:
    html = report_html(prepare_case(LBCL, kb), kb, "zh-Hans", today=TODAY)
    glossary = html.split('<section id="glossary">')[1].split("</section>")[0]
    assert "本报告中用到的词语" in glossary
    assert '<dt id="term-median">中位数</dt>' in glossary
    assert "一半人少于这个数" in glossary


def test_the_hand_over_letter_has_no_glossary(kb: KnowledgeBase) -> None:
    context = report_context(prepare_case(LBCL, kb), kb, "en", kind="handover", today=TODAY)
    assert "glossary" not in context["sections"]
