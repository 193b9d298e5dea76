"""A disease outside CAR-T: no timeline, logistics or bridging in the report; questions instead."""

from __future__ import annotations

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.kb.about import load_about
from crossroads.kb.planning import planning_for
from crossroads.kb.scope import load_scope
from crossroads.render.report import report_context, report_html
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, TODAY

pytestmark = pytest.mark.integration
LANGS = ["en", "zh-Hans"]


def _bridging_name(kb: KnowledgeBase, lang: str) -> str:
    rules = planning_for(kb).timeline.rules
    return next(r.name.get(lang) for r in rules if r.id == "bridging_likely")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stem", ["out_of_scope_aml", "out_of_scope_hodgkin"])
def test_out_of_scope_report_asks_instead(kb: KnowledgeBase, stem: str, lang: str) -> None:
    case = prepare_case(EXAMPLES / f"{stem}.yaml", kb)
    context = report_context(case, kb, lang, today=TODAY)
    assert "timeline" not in context["order"]
    assert "checklist" not in context["order"]
    assert context["order"].index("ask_instead") == context["order"].index("options") + 1
    scope = load_scope()
    section = context["sections"]["ask_instead"]
    assert section["title"] == scope.title.get(lang)
    assert section["questions"][0] == scope.general[0].text.get(lang)
    html = report_html(case, kb, lang, today=TODAY)
    assert _bridging_name(kb, lang) not in html
    assert scope.title.get(lang) in html
    sources = [s["source"] for s in context["sources"]]
    assert any("ClinicalTrials.gov" in s for s in sources)


@pytest.mark.parametrize("lang", LANGS)
def test_a_dlbcl_report_keeps_its_timeline(kb: KnowledgeBase, lang: str) -> None:
    case = prepare_case(EXAMPLES / "lbcl_primary_refractory_second_line.yaml", kb)
    context = report_context(case, kb, lang, today=TODAY)
    assert "timeline" in context["order"]
    assert "checklist" in context["order"]
    assert "ask_instead" not in context["order"]
    assert load_scope().title.get(lang) not in report_html(case, kb, lang, today=TODAY)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stem", ["out_of_scope_aml", "lbcl_primary_refractory_second_line"])
def test_every_report_says_who_made_and_paid_for_the_aid(
    kb: KnowledgeBase, stem: str, lang: str
) -> None:
    about = load_about()
    case = prepare_case(EXAMPLES / f"{stem}.yaml", kb)
    context = report_context(case, kb, lang, today=TODAY)
    assert context["order"][-2:] == ["about", "urgent"]
    section = context["sections"]["about"]
    assert section["title"] == about.title.get(lang)
    assert section["funding"] == about.funding.get(lang)
    assert section["conflicts"] == about.conflicts.get(lang)
    assert [g["code"] for g in section["grades"]] == ["L", "P", "N", "U"]
    assert "{" not in section["update_policy"]
    html = report_html(case, kb, lang, today=TODAY)
    assert about.made_by.get(lang) in html
