"""Glossary words on the step pages link to their plain meaning on /glossary/ (issue 14, item 7)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.glossary import entries, gloss
from tests.web.conftest import ROOT, World
from tests.web.test_page_text import get_as, load_example

EXAMPLE = ROOT / "examples" / "us_axi_cel_second_line_early_relapse.yaml"
TERM = re.compile(r'<a class="term" href="/glossary/#term-([a-z0-9_]+)" title="[^"<]+">([^<]+)</a>')


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Words explained"), ("zh-hans", "词语解释")],
)
def test_the_glossary_page_lists_every_term_with_an_anchor(db: None, lang: str, words: str) -> None:
    body = Client().get(reverse("glossary"), headers={"accept-language": lang}).content.decode()
    assert f"<h1>{words}</h1>" in body
    core = "zh-Hans" if lang == "zh-hans" else "en"
    for entry in entries(core):
        assert f'<dt id="term-{entry.id}">' in body
    median = next(e for e in entries(core) if e.id == "median")
    assert median.plain in body.replace("&#x27;", "'")


def test_a_word_is_linked_whole_and_the_rest_escaped(db: None) -> None:
    out = str(gloss("CRS <b> after CR; the median time", "en"))
    assert TERM.findall(out) == [("crs", "CRS"), ("complete_response", "CR"), ("median", "median")]
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert TERM.findall(str(gloss("CRSP and medians", "en"))) == []


def test_a_chinese_word_is_linked_anywhere(db: None) -> None:
    out = str(gloss("中位时间约 2 个月，出现细胞因子释放综合征", "zh-Hans"))
    assert [t[0] for t in TERM.findall(out)] == ["median", "crs"]
    assert "一半人" in out  # the Chinese meaning as the title


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_options_step_links_its_terms(world: World, lang: str) -> None:
    load_example(world.case, EXAMPLE)
    url = reverse("cases:step", args=[world.case.pk, 3])
    body = get_as(world, "patient", lang, url).content.decode()
    linked = {term for term, _ in TERM.findall(body)}
    assert {"crs", "cd19"} <= linked
    glossary = Client().get(reverse("glossary")).content.decode()
    for term in linked:
        assert f'id="term-{term}"' in glossary
