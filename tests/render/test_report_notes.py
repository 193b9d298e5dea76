"""The report's optional sections from notes the caller holds (``crossroads.render.notes``): a
specialist's answer and the decision as noted. Left out without notes; in both languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.render.notes import DecisionNoted, ReportNotes, SpecialistAnswer
from crossroads.render.report import report_context, report_html
from crossroads.steps.assess import prepare_case
from tests.common.test_i18n import extracted_msgids
from tests.conftest import EXAMPLES, TODAY
from tests.render.test_report import _literal_in, visible_text

pytestmark = pytest.mark.integration
NAME = "lbcl_dlbcl_third_line_cn_patient_cross_border"
ANSWER = SpecialistAnswer(
    answered_on=dt.date(2026, 11, 30),
    plain="A CAR-T consult is worth it <soon>.",
    agrees=True,
    reviewers=("Dr A",),
    quotes=(("Dr A", "CD19 IHC; HBV DNA"),),
)
TERMS = ReportNotes(
    answer=SpecialistAnswer(answered_on=TODAY, terms=(("IHC", "A laboratory test."),))
)
DECISION = DecisionNoted(
    choice="Wait for now", by="Li Wei", on=dt.date(2026, 12, 1), sentences=("S1.", "S4.")
)
NOTES = ReportNotes(answer=ANSWER, decision=DECISION)


def case(kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    return prepare_case(EXAMPLES / f"{NAME}.yaml", kb)


@pytest.mark.parametrize("kind", ["patient", "handover"])
def test_no_notes_no_sections(kb: KnowledgeBase, kind: str) -> None:
    context = report_context(case(kb), kb, "en", kind, TODAY)  # type: ignore[arg-type]
    assert "specialist" not in context["order"]
    assert "decision" not in context["order"]


def test_patient_report_orders_decision_after_sentences(kb: KnowledgeBase) -> None:
    order = report_context(case(kb), kb, "en", "patient", TODAY, notes=NOTES)["order"]
    assert order[:2] == ["sentences", "decision"]
    assert order.index("specialist") == order.index("classification") + 1


def test_section_data(kb: KnowledgeBase) -> None:
    sections = report_context(case(kb), kb, "en", "patient", TODAY, notes=NOTES)["sections"]
    assert sections["specialist"] == {
        "plain": "A CAR-T consult is worth it <soon>.",
        "view": "They agree with how CAR-T was sorted for this case.",
        "on": "November 30, 2026",
        "reviewers": ["Dr A"],
        "quotes": [{"who": "Dr A", "text": "CD19 IHC; HBV DNA"}],
        "terms": [],
    }
    assert sections["decision"] == {
        "choice": "Wait for now",
        "by": "Li Wei",
        "on": "December 1, 2026",
        "sentences": ["S1.", "S4."],
        "ready": True,
    }


@pytest.mark.parametrize(
    ("agrees", "view"),
    [
        (True, "They agree with how CAR-T was sorted for this case."),
        (False, "They do not agree with how CAR-T was sorted for this case."),
        (None, ""),
    ],
)
def test_view_sentence(kb: KnowledgeBase, agrees: bool | None, view: str) -> None:
    notes = ReportNotes(answer=SpecialistAnswer(answered_on=TODAY, agrees=agrees))
    sections = report_context(case(kb), kb, "en", "patient", TODAY, notes=notes)["sections"]
    assert sections["specialist"]["view"] == view


def test_html_shows_answer_first_then_quote_escaped(kb: KnowledgeBase) -> None:
    html = report_html(case(kb), kb, "en", "patient", TODAY, notes=NOTES)
    assert "&lt;soon&gt;" in html and "<soon>" not in html
    assert html.index("A CAR-T consult is worth it") < html.index("CD19 IHC; HBV DNA")
    assert "Noted by Li Wei on December 1, 2026." in html


def test_handover_letter_carries_the_answer(kb: KnowledgeBase) -> None:
    html = report_html(case(kb), kb, "en", "handover", TODAY, notes=NOTES)
    assert 'id="specialist"' in html
    assert "CD19 IHC; HBV DNA" in html


def test_not_ready_is_said(kb: KnowledgeBase) -> None:
    notes = ReportNotes(decision=DecisionNoted(choice="X", by="Y", on=TODAY, ready=False))
    html = report_html(case(kb), kb, "en", "patient", TODAY, notes=notes)
    assert "The readiness check was not met when it was noted." in html


@pytest.mark.parametrize("kind", ["patient", "handover"])
def test_chinese_sections_are_translated(kb: KnowledgeBase, kind: str) -> None:
    html = report_html(case(kb), kb, "zh-Hans", kind, TODAY, notes=NOTES)  # type: ignore[arg-type]
    assert "专家的回答" in html
    text = visible_text(re.sub(r'<(ul|ol) class="sources.*?</\1>', "", html, flags=re.S))
    assert sorted(m for m in extracted_msgids() if _literal_in(m, text)) == []


def test_terms_are_listed_with_their_plain_meaning(kb: KnowledgeBase) -> None:
    html = report_html(case(kb), kb, "en", "patient", TODAY, notes=TERMS)
    assert "<dt>IHC</dt><dd>A laboratory test.</dd>" in html
    assert "Words in the answer, explained:" in html
