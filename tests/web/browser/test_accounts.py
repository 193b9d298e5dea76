"""Accounts for real people in a real browser, English and Chinese, desktop and 390x844 phone.

A patient whose case is in China forgets her password: she asks for a link, the server prints
the e-mail (the console back end of ``make run``; the test reads it from the server's log),
she opens the link and chooses a new password, then signs in with it. Times show in Shanghai
time with the zone named, until she picks another zone in her settings. A caregiver's invitation
names who invites and the patient's first name only. On a phone the header and the case's
navigation take at most 15% of the first screen, the menu opens from one button, Save stays at
the bottom of the screen on a step form, and words are never broken in the middle. Every page
is checked with axe (no serious or critical violations) and kept as a screenshot.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser.conftest import web_server
from tests.web.browser.test_journey import Visit
from tests.web.conftest import WEB

pytestmark = pytest.mark.e2e
PASSWORD = "tall ships sail 42"
NEW_PASSWORD = "green rivers bend 77"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1200, "height": 900}
PREPARE = f"""
import hashlib, datetime as dt
from django.utils import timezone
from accounts.models import User
from cases.models import CaseRecord, Invite
for prefix, suffix, language in (
    ("mei", "en", "en"), ("mei", "zh", "zh-hans"), ("ana", "en", "en"), ("ana", "zh", "zh-hans")
):
    user = User(username=prefix + "_" + suffix, role="patient", language=language,
                email=prefix + "." + suffix + "@example.org", first_name=prefix.title())
    user.set_password({PASSWORD!r})
    user.save()
    case = CaseRecord.objects.create(owner=user, title="Dad", data={{
        "schema": "crossroads.case/v1",
        "patient": {{"name": "Wei Li", "age_years": 58, "country": "CN"}},
    }})
    CaseRecord.objects.filter(pk=case.pk).update(
        updated_at=dt.datetime(2026, 3, 1, 20, 5, tzinfo=dt.UTC))
    Invite.objects.create(case=case, created_by=user, label="son",
        token_digest=hashlib.sha256(("invite-" + prefix + suffix).encode()).hexdigest(),
        expires_at=timezone.now() + dt.timedelta(hours=72))
"""
TEXT = {
    "en": {
        "forgot": "Forgot your password?",
        "sent": "Check your e-mail",
        "choose": "Choose a new password",
        "changed": "Your password is changed",
        "subject": "Subject: Crossroads: choose a new password",
        "zone_line": "Times are shown in your time zone: Asia/Shanghai, UTC+8.",
        "berlin": "Times are shown in your time zone: Europe/Berlin, UTC+",
        "updated": "2026-03-02 04:05 (UTC+8)",
        "invite": "Mei invites you to help with Wei's case.",
        "menu": "Menu",
        "save": "Save",
        "settings": "Account settings",
    },
    "zh-hans": {
        "forgot": "忘记密码了？",
        "sent": "请查看您的邮箱",
        "choose": "设置新密码",
        "changed": "您的密码已更改",
        "subject": "Subject: =?utf-8?",  # a Chinese subject is encoded in the header
        "zone_line": "时间按您的时区显示：Asia/Shanghai, UTC+8。",
        "berlin": "时间按您的时区显示：Europe/Berlin, UTC+",
        "updated": "2026-03-02 04:05 (UTC+8)",
        "invite": "Mei 邀请您帮忙照看Wei的病例。",
        "menu": "菜单",
        "save": "保存",
        "settings": "账户设置",
    },
}


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server with two patients (English, Chinese) who saved an e-mail address, each with a
    case in China and a caregiver invitation; yields its address and its log file."""

    def prepare(manage: list[str], env: dict[str, str]) -> None:
        subprocess.run([*manage, "shell", "-c", PREPARE], cwd=WEB, env=env, check=True)

    state = tmp_path_factory.mktemp("accounts-server")
    with web_server(state, workers=1, prepare=prepare) as (base, _):
        yield base, state / "gunicorn.log"


def _suffix(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def _visit(page: Any, lang: str, name: str) -> Visit:
    visit = Visit(page, lang)
    visit.folder = visit.folder.parent / "accounts" / lang / name
    visit.folder.mkdir(parents=True, exist_ok=True)
    return visit


def _choose_language(page: Any, base: str, lang: str) -> None:
    page.goto(base + "/")
    name = "English" if lang == "en" else "简体中文"
    page.click(f"header form.lang-switch button:has-text('{name}')")
    page.wait_for_load_state()
    current = page.locator("header form.lang-switch button[aria-current='true']")
    assert current.inner_text().endswith(name)


def _reset_link(log: Path, address: str, seconds: float = 15.0) -> tuple[str, str]:
    """The reset e-mail the console back end printed for ``address``: its text and link path."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        for message in text.split("-" * 79):
            if f"To: {address}" in message:
                found = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/\S+/)", message)
                if found:
                    return message, found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no reset e-mail for {address} in the server log")


def _sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/"))


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_password_reset_time_zone_and_invitation(
    accounts_server: tuple[str, Path], browser: Any, lang: str
) -> None:
    base, log = accounts_server
    t = TEXT[lang]
    suffix = _suffix(lang)
    context = browser.new_context(viewport=DESKTOP, timezone_id="Europe/Berlin")
    page = context.new_page()
    visit = _visit(page, lang, "desktop")
    _choose_language(page, base, lang)

    # -- the invitation names who invites and the patient's first name only ----------------------
    page.goto(f"{base}/invite/invite-mei{suffix}/")
    lead = page.inner_text("main p.lead")
    assert lead == t["invite"]
    assert "Li" not in lead
    visit.check("invitation")

    # -- forgotten password: the link by e-mail, a new password, signed in with it -------------
    page.goto(base + "/accounts/login/")
    page.click(f"main a:has-text('{t['forgot']}')")
    assert page.inner_text("h1") == t["forgot"]
    visit.check("reset-form")
    page.fill("#id_email", f"mei.{suffix}@example.org")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/password-reset/sent/$"))
    assert page.inner_text("h1") == t["sent"]
    visit.check("reset-sent")
    message, path = _reset_link(log, f"mei.{suffix}@example.org")
    assert t["subject"] in message
    page.goto(base + path)
    page.wait_for_url(re.compile(r"/accounts/password-reset/[^/]+/set-password/$"))
    assert page.inner_text("h1") == t["choose"]
    visit.check("reset-choose")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/password-reset/done/$"))
    assert page.inner_text("h1") == t["changed"]
    visit.check("reset-done")
    _sign_in(page, base, f"mei_{suffix}", NEW_PASSWORD)

    # -- times in the case's country's zone (not the browser's Berlin), named -----------------
    page.goto(base + "/cases/")
    footer = page.inner_text("footer")
    assert t["zone_line"] in footer
    assert t["updated"] in page.inner_text("main")
    visit.check("cases-shanghai-time")
    page.click(f"header a:has-text('{t['settings']}')")
    page.select_option("#id_time_zone", "Europe/Berlin")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/settings/$"))
    assert t["berlin"] in page.inner_text("footer")
    visit.check("settings-berlin")
    page.select_option("#id_time_zone", "")  # back to automatic
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/settings/$"))
    assert t["zone_line"] in page.inner_text("footer")
    # a patient sees no staff tools
    assert page.locator("header a[href='/api-tokens/']").count() == 0
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_phone_header_menu_and_sticky_save(
    accounts_server: tuple[str, Path], browser: Any, lang: str
) -> None:
    base, _log = accounts_server
    t = TEXT[lang]
    context = browser.new_context(viewport=PHONE, timezone_id="Asia/Shanghai")
    page = context.new_page()
    visit = _visit(page, lang, "phone")
    _choose_language(page, base, lang)
    _sign_in(page, base, f"ana_{_suffix(lang)}", PASSWORD)

    page.goto(base + "/cases/")
    case_url = page.locator("main table a").first.get_attribute("href")
    page.goto(base + case_url)
    header = page.locator("header.site").bounding_box()
    case_nav = page.locator("nav.case-nav").bounding_box()
    top = header["height"] + case_nav["height"]
    print(
        f"phone {lang}: header {header['height']:.0f} px + case navigation "
        f"{case_nav['height']:.0f} px = {top:.0f} px of 844 ({top / 844:.1%})"
    )
    assert top <= 0.15 * PHONE["height"]
    assert page.is_hidden("#site-menu")
    visit.check("overview-menu-closed")
    page.click(f"header button:has-text('{t['menu']}')")
    assert page.is_visible(f"#site-menu a:has-text('{t['settings']}')")
    assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
    visit.check("overview-menu-open")

    # -- a step form: Save stays at the bottom of the screen while the form scrolls ------------
    page.goto(base + case_url + "step/1/")
    bar = page.locator("form.journey > .actions")
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] + 1
    assert box["y"] >= PHONE["height"] - 200
    assert page.is_visible(f"form.journey > .actions button:has-text('{t['save']}')")
    page.mouse.wheel(0, 2500)
    page.wait_for_timeout(200)
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] + 1
    # words are never broken in the middle
    styles = page.evaluate(
        "() => { const s = getComputedStyle(document.body); "
        "return [s.overflowWrap, s.wordBreak, s.hyphens]; }"
    )
    assert styles == ["break-word", "normal", "manual"]
    visit.check("step1-sticky-save")
    widest = page.evaluate("() => document.documentElement.scrollWidth")
    assert widest <= PHONE["width"]
    context.close()
