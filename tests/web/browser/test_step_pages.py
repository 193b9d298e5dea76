"""Step 3's option grid and step 4's timeline in a real browser, English and Chinese.

On a desktop the grid scrolls inside its own bounded box, with its header row and question
column held in place; on a 390×844 phone it is one card per option, and the timeline is a
vertical list. Every page is checked with axe (no serious or critical violations).
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
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CASE_TITLE = "DLBCL, second relapse"  # load_demo: an example with a main goal, three places


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with web_server(tmp_path_factory.mktemp("steps-server"), workers=1, prepare=load_demo) as (
        base,
        out,
    ):
        yield base, demo_passwords(out)["demo-patient"]


def _axe(page: Any, name: str) -> None:
    screenshot_and_axe(page, Axe(), ARTIFACTS / "steps" / f"{name}.png", name)


def _open_case(browser: Any, base: str, password: str, lang: str, viewport: dict[str, int]) -> Any:
    page = sign_in(browser, base, "demo-patient", password, lang, viewport)
    page.goto(base + "/cases/")
    page.click(f"main a:has-text('{CASE_TITLE}')")
    page.wait_for_load_state()
    return page


def _step(page: Any, number: int) -> None:
    url = re.sub(r"/cases/(\d+)/.*$", rf"/cases/\1/step/{number}/", page.url)
    page.goto(url)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_grid_on_a_desktop_scrolls_in_its_box_with_sticky_header_and_column(
    browser: Any, demo: tuple[str, str], lang: str
) -> None:
    base, password = demo
    page = _open_case(browser, base, password, lang, DESKTOP)
    _step(page, 3)
    box = page.locator(".grid-scroll").first
    assert box.is_visible()
    assert not page.locator(".grid-cards").first.is_visible()
    size = box.evaluate(
        "b => ({cw: b.clientWidth, sw: b.scrollWidth, ch: b.clientHeight, sh: b.scrollHeight,"
        " main: document.querySelector('main').clientWidth, page: window.innerHeight})"
    )
    assert size["cw"] <= size["main"]  # fits its box: no grid wider than the page
    assert size["ch"] <= size["page"]  # bounded: both scrollbars stay in view
    if size["sw"] > size["cw"] or size["sh"] > size["ch"]:
        box.evaluate("b => { b.scrollLeft = 400; b.scrollTop = 300; }")
        placed = box.evaluate(
            "b => { const r = b.getBoundingClientRect();"
            " const head = b.querySelector('thead th:nth-child(2)').getBoundingClientRect();"
            " const col = b.querySelector('tbody th[scope=row]').getBoundingClientRect();"
            " return {top: head.top - r.top, left: col.left - r.left}; }"
        )
        assert abs(placed["top"]) <= 2 and abs(placed["left"]) <= 2, placed
    goal = page.locator("tr.goal td").first
    # no ranking label: the reason, and beside it the rule it rests on (issue 14)
    assert goal.locator("strong").count() == 0
    basis = goal.locator("span.help").first.inner_text().strip()
    assert basis[:1] in ("(", "（") and len(goal.inner_text().strip()) > len(basis) + 5
    assert " None " not in page.locator("main").inner_text()
    _axe(page, f"{lang}-desktop-step3")
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_phone_shows_one_card_per_option_and_a_vertical_timeline(
    browser: Any, demo: tuple[str, str], lang: str
) -> None:
    base, password = demo
    page = _open_case(browser, base, password, lang, PHONE)
    _step(page, 3)
    assert not page.locator(".grid-scroll").first.is_visible()
    cards = page.locator(".grid-cards").first.locator("li.grid-card")
    options = page.locator(".option-grid").first.locator("thead th[scope=col]").count() - 1
    assert cards.count() == options > 0
    for i in range(cards.count()):
        box = cards.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    _axe(page, f"{lang}-phone-step3")
    _step(page, 4)
    assert page.locator(".timeline-vertical").is_visible()
    assert not page.locator(".timeline-chart").is_visible()
    _axe(page, f"{lang}-phone-step4")
    page.context.close()
