"""Glossary words on a step page lead to their plain meaning on /glossary/, English and Chinese.

A linked word carries its short meaning as its title; following it opens the glossary at that
word. Both pages are checked with axe (no serious or critical violations), on a desktop and on a
390×844 phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.browser.conftest import (
    ARTIFACTS,
    demo_passwords,
    load_demo,
    screenshot_and_axe,
    sign_in,
    web_server,
)

pytestmark = pytest.mark.e2e
CASE_TITLE = "DLBCL, second relapse"  # load_demo: a lymphoma example (CD19, CRS in its grid)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with web_server(tmp_path_factory.mktemp("glossary-server"), workers=1, prepare=load_demo) as (
        base,
        out,
    ):
        yield base, demo_passwords(out)["demo-patient"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize(("lang", "heading"), [("en", "Words explained"), ("zh-hans", "词语解释")])
def test_a_linked_word_opens_its_meaning(
    browser: Any, demo: tuple[str, str], lang: str, heading: str, size: str
) -> None:
    base, password = demo
    page = sign_in(browser, base, "demo-patient", password, lang, VIEWPORTS[size])
    page.goto(base + "/cases/")
    page.click(f"main a:has-text('{CASE_TITLE}')")
    page.wait_for_load_state()
    page.goto(re.sub(r"/cases/(\d+)/.*$", r"/cases/\1/step/3/", page.url))
    terms = page.locator("main a.term")
    assert terms.count() > 0
    first = terms.first
    href = first.get_attribute("href") or ""
    assert re.fullmatch(r"/glossary/#term-[a-z0-9_]+", href)
    assert first.get_attribute("title")
    screenshot_and_axe(page, Axe(), ARTIFACTS / "glossary" / f"step3-{lang}-{size}.png", "step 3")
    page.goto(base + href)
    assert page.locator("h1").inner_text() == heading
    anchor = href.split("#")[1]
    assert page.locator(f"dt#{anchor}").is_visible()
    screenshot_and_axe(page, Axe(), ARTIFACTS / "glossary" / f"page-{lang}-{size}.png", "glossary")
    page.context.close()
