"""Nothing typed is lost, in a real browser (issue 13, item 2), English and Chinese, desktop and
a 390×844 phone, axe on every page.

The server runs with a ten-second idle time-out. A patient signs up (a display name with a space,
or in Chinese), types on step 1 (a country and a month as people write them), sees the warning
before the time-out and stays signed in, then lets the session end, types once more and presses
Save. The sign-in page says the typing is kept; after signing in again step 1 shows everything
typed, with the notice, and saves it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.web.browser.conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    screenshot_and_axe,
    web_server,
)

pytestmark = pytest.mark.e2e
PASSWORD = "tall ships sail 42"
IDLE = 10  # seconds; the warning comes a quarter of it before (drafts.idle.warn_before)
VIEWPORTS = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
TEXT = {
    "en": {
        "name": "Li Wei",
        "country": "China",
        "month": "Sept 2025",
        "city": "Shanghai Xuhui",
        "restored": "We restored what you typed on",
        "saved": "Saved.",
        "kept": "What you typed before you were signed out is kept on this device.",
        "ended": "You have been signed out",
    },
    "zh-hans": {
        "name": "李伟",
        "country": "中国",
        "month": "2025年9月",
        "city": "上海徐汇",
        "restored": "我们恢复了您在",
        "saved": "已保存。",
        "kept": "退出登录前您输入的内容保存在这台设备上。",
        "ended": "您已退出登录",
    },
}


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with a short idle time-out (the setting read from the environment)."""
    saved = os.environ.get("CROSSROADS_IDLE_SECONDS")
    os.environ["CROSSROADS_IDLE_SECONDS"] = str(IDLE)
    try:
        with web_server(tmp_path_factory.mktemp("drafts-server"), workers=1) as (base, _):
            yield base
    finally:
        if saved is None:
            os.environ.pop("CROSSROADS_IDLE_SECONDS", None)
        else:
            os.environ["CROSSROADS_IDLE_SECONDS"] = saved


@pytest.fixture(scope="module")
def chromium(idle_server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Checked:
    """axe (no serious or critical violation) and a screenshot of each page state."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page, self.folder, self.count, self.axe = page, folder, 0, Axe()
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        screenshot_and_axe(self.page, self.axe, path, name)


def _sign_up(page: Any, base: str, username: str, lang: str, name: str) -> None:
    page.goto(base + "/accounts/register/")
    page.fill("#id_display_name", name)
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.select_option("#id_language", lang)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/new/$"))
    page.fill("#id_title", name)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/step/1/$"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_typing_survives_the_idle_time_out(
    idle_server: str, chromium: Any, lang: str, size: str
) -> None:
    t = TEXT[lang]
    context = chromium.new_context(viewport=VIEWPORTS[size])
    page = context.new_page()
    check = Checked(page, ARTIFACTS / "drafts" / f"{lang}-{size}")
    username = f"drafts_{lang.replace('-', '_')}_{size}"
    _sign_up(page, idle_server, username, lang, t["name"])
    step_url = page.url
    assert page.get_attribute("html", "lang") == ("zh-Hans" if lang == "zh-hans" else "en")
    check("step1")

    # -- typing is kept as a draft a few seconds after the last change ---------------------------
    page.fill("#f-patient-age-years", "58")
    page.fill("#f-patient-country", t["country"])
    page.fill("#f-diagnosis-diagnosed", t["month"])
    expect(page.locator("#draft-status")).to_be_visible(timeout=8000)

    # -- the warning before the time-out; "Stay signed in" starts the time again -------------------
    warning = page.locator("#idle-warning")
    expect(warning).to_be_visible(timeout=(IDLE + 2) * 1000)
    expect(page.locator("#idle-warning button")).to_be_focused()
    page.click("#idle-warning button")
    expect(warning).to_be_hidden()

    # -- now nobody is there: the warning comes again, then the session ends ---------------------
    expect(warning).to_be_visible(timeout=(IDLE + 2) * 1000)
    check("idle-warning")  # no click needed now, so the seconds axe takes do not matter
    expect(page.locator("#idle-title")).to_have_text(t["ended"], timeout=(IDLE + 4) * 1000)
    check("signed-out")
    page.fill("#f-patient-city", t["city"])  # typed after the end: only this browser has it
    page.locator("form.journey button[type=submit][value=stay]").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#draft-kept")).to_be_visible()
    expect(page.locator("#draft-kept")).to_contain_text(t["kept"])
    check("sign-in-again")

    # -- signing in again brings back everything typed, with the notice --------------------------
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(step_url)
    expect(page.locator("#f-patient-city")).to_have_value(t["city"], timeout=8000)
    expect(page.locator("#draft-restored")).to_contain_text(t["restored"])
    expect(page.locator("#f-patient-age-years")).to_have_value("58")
    expect(page.locator("#f-patient-country")).to_have_value(t["country"])
    expect(page.locator("#f-diagnosis-diagnosed")).to_have_value(t["month"])
    check("restored")

    # -- saved: stored as codes and the case format, and the draft is gone everywhere -----------
    page.locator("form.journey button[type=submit][value=stay]").click()
    page.wait_for_url(step_url)
    expect(page.locator(".messages")).to_contain_text(t["saved"])
    expect(page.locator("#draft-restored")).to_have_count(0)
    expect(page.locator("#f-patient-country")).to_have_value(t["country"])
    expect(page.locator("#f-diagnosis-diagnosed")).to_have_value("2025-09")
    expect(page.locator("#f-patient-city")).to_have_value(t["city"])
    stored = page.evaluate(
        "Object.keys(sessionStorage).filter(k => k.startsWith('crossroads.draft.')).length"
    )
    assert stored == 0
    check("saved")
    context.close()
