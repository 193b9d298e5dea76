"""Step 3: choosing options to see side by side, in a real browser, English and Chinese.

On a desktop the person ticks two options above the grid and only those two columns stay; the
choice is in the address (?compare=a,b), so a reload keeps it; "Show all options" brings every
column back. Without the script every option is shown and the ticks are not offered. A 390×844
phone keeps one card per option, all of them. Every state is checked with axe (no serious or
critical violations).
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
CASE_TITLE = "DLBCL, second relapse"  # load_demo: third line, eight options in one grid
TEXT = {
    "en": {
        "legend": "Compare side by side",
        "all": "Show all options",
        "some": "Showing 2 of 8 options side by side.",
        "one": "Tick at least one more option.",
        "every": "All 8 options are shown.",
    },
    "zh-hans": {
        "legend": "并排比较",
        "all": "显示全部选择",
        "some": "正在并排显示 8 个选择中的 2 个。",
        "one": "请再勾选至少一个选择。",
        "every": "正在显示全部 8 个选择。",
    },
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with web_server(tmp_path_factory.mktemp("compare-server"), workers=1, prepare=load_demo) as (
        base,
        out,
    ):
        yield base, demo_passwords(out)["demo-patient"]


def _axe(page: Any, name: str) -> None:
    screenshot_and_axe(page, Axe(), ARTIFACTS / "compare" / f"{name}.png", name)


def _step3(
    browser: Any, base: str, password: str, lang: str, viewport: dict[str, int], js: bool = True
) -> Any:
    """Sign the demo patient in, in ``lang``, and open step 3 of the DLBCL case."""
    # without js: the page as served without its script (axe itself needs JavaScript)
    blocked = () if js else ("**/js/compare.js",)
    page = sign_in(browser, base, "demo-patient", password, lang, viewport, blocked)
    page.goto(base + "/cases/")
    page.click(f"main a:has-text('{CASE_TITLE}')")
    page.wait_for_load_state()
    page.goto(re.sub(r"/cases/(\d+)/.*$", r"/cases/\1/step/3/", page.url))
    return page


def _grid(page: Any) -> Any:
    return page.locator(".option-grid").first


def _visible_columns(page: Any) -> list[str]:
    """The option codes whose header cell is shown, in grid order."""
    heads = _grid(page).locator(".grid-scroll thead th[data-option]")
    return [
        heads.nth(i).get_attribute("data-option")
        for i in range(heads.count())
        if heads.nth(i).is_visible()
    ]


def _visible_cells_per_row(page: Any) -> set[int]:
    """How many option cells each body row shows (the question column left out)."""
    counts = _grid(page).evaluate(
        "g => Array.from(g.querySelectorAll('.grid-scroll tbody tr')).map(r =>"
        " Array.from(r.cells).slice(1).filter(c => c.offsetParent !== null).length)"
    )
    return set(counts)


def _visible_pictures(page: Any) -> list[str]:
    """The option of each picture of 100 people (below the table) that is shown."""
    items = _grid(page).locator(".icon-arrays > li[data-option]")
    return [
        items.nth(i).get_attribute("data-option")
        for i in range(items.count())
        if items.nth(i).is_visible()
    ]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_desktop_ticks_two_options_keeps_them_on_reload_and_shows_all_again(
    browser: Any, demo: tuple[str, str], lang: str
) -> None:
    t = TEXT[lang]
    base, password = demo
    page = _step3(browser, base, password, lang, DESKTOP)
    picker = _grid(page).locator("fieldset.compare-pick")
    assert picker.is_visible()
    assert t["legend"] in picker.locator("legend").inner_text()
    codes = _visible_columns(page)
    assert len(codes) == 8
    assert picker.locator("[role=status]").inner_text() == t["every"]
    _axe(page, f"{lang}-desktop-all")

    # By keyboard: the first tick gets focus, Space ticks it, Tab moves on.
    first = picker.locator(f"input[value={codes[0]}]")
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    assert t["one"] in picker.locator("[role=status]").inner_text()
    assert _visible_columns(page) == codes  # one ticked: still every option
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert picker.locator(f"input[value={codes[1]}]").is_checked()
    assert _visible_columns(page) == codes[:2]
    assert _visible_cells_per_row(page) == {2}
    pictures = _visible_pictures(page)  # the pictures of 100 people follow the choice
    assert pictures and set(pictures) <= set(codes[:2])
    assert picker.locator("[role=status]").inner_text() == t["some"]
    assert page.url.endswith(f"?compare={codes[0]},{codes[1]}")
    # The labels name the options: a screen reader hears each option's name with its tick.
    label = picker.locator(f"label[for='{first.get_attribute('id')}']").inner_text()
    assert (
        label.strip()
        == _grid(page).locator("thead th[data-option]").first.inner_text().split("\n")[0].strip()
    )
    _axe(page, f"{lang}-desktop-two")

    page.reload()
    assert _visible_columns(page) == codes[:2]
    assert first.is_checked() and picker.locator(f"input[value={codes[1]}]").is_checked()
    assert _visible_cells_per_row(page) == {2}

    picker.locator("[data-compare-all]").focus()
    page.keyboard.press("Enter")
    assert _visible_columns(page) == codes
    assert _visible_cells_per_row(page) == {8}
    assert len(_visible_pictures(page)) == _grid(page).locator(".icon-arrays > li").count() > 2
    assert not first.is_checked()
    assert "compare=" not in page.url
    assert picker.locator("[role=status]").inner_text() == t["every"]
    assert t["all"] == picker.locator("[data-compare-all]").inner_text().strip()
    _axe(page, f"{lang}-desktop-show-all")
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_without_the_script_every_option_is_shown_and_no_ticks_offered(
    browser: Any, demo: tuple[str, str], lang: str
) -> None:
    base, password = demo
    page = _step3(browser, base, password, lang, DESKTOP, js=False)
    page.goto(page.url.split("?")[0] + "?compare=car_t,glofitamab")
    assert not _grid(page).locator("fieldset.compare-pick").is_visible()
    assert len(_visible_columns(page)) == 8
    _axe(page, f"{lang}-desktop-no-js")
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_phone_keeps_one_card_per_option(browser: Any, demo: tuple[str, str], lang: str) -> None:
    base, password = demo
    page = _step3(browser, base, password, lang, PHONE)
    page.goto(page.url.split("?")[0] + "?compare=car_t,glofitamab")
    assert not _grid(page).locator("fieldset.compare-pick").is_visible()
    cards = _grid(page).locator(".grid-cards li.grid-card")
    assert cards.count() == 8
    assert all(cards.nth(i).is_visible() for i in range(8))
    _axe(page, f"{lang}-phone-cards")
    page.context.close()
