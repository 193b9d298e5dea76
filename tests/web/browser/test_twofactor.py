"""Two-step sign-in in a real browser, in English and Chinese, every page checked with axe.

A coordinator signs in with a password, is sent to set up an authenticator, reads the key on
the page (the test computes the app's code from it), types a wrong code and then the right one,
keeps the ten recovery codes, reaches their pages; signs out and in again with a fresh code.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser.authenticator import Authenticator
from tests.web.browser.conftest import web_server
from tests.web.browser.test_journey import Visit
from tests.web.conftest import WEB

pytestmark = pytest.mark.e2e
PASSWORD = "tall ships sail 42"
MAKE_COORDINATORS = f"""
from accounts.models import User
for name, language in (("coord_en", "en"), ("coord_zh", "zh-hans")):
    user = User(username=name, role="coordinator", language=language)
    user.set_password({PASSWORD!r})
    user.save()
"""
TEXT = {
    "en": {
        "setup": "Set up two-step sign-in",
        "wrong": "This code is not right.",
        "codes": "Recovery codes",
        "continue": "I have kept them. Continue",
        "code_step": "Sign-in code",
        "next_steps": "Next steps",
        "sign_out": "Sign out",
    },
    "zh-hans": {
        "setup": "设置两步登录",
        "wrong": "验证码不对。",
        "codes": "恢复码",
        "continue": "我已保存好，继续",
        "code_step": "登录验证码",
        "next_steps": "下一步",
        "sign_out": "退出登录",
    },
}


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose database holds two coordinators without an authenticator."""

    def coordinators(manage: list[str], env: dict[str, str]) -> None:
        subprocess.run([*manage, "shell", "-c", MAKE_COORDINATORS], cwd=WEB, env=env, check=True)

    state = tmp_path_factory.mktemp("twofactor-server")
    with web_server(state, workers=1, prepare=coordinators) as (base, _):
        yield base


def _password_step(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_coordinator_sets_up_and_signs_in_with_a_code(
    staff_server: str, browser: Any, lang: str
) -> None:
    t = TEXT[lang]
    username = "coord_en" if lang == "en" else "coord_zh"
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    visit = Visit(page, lang)
    visit.folder = visit.folder.parent / "twofactor" / lang
    visit.folder.mkdir(parents=True, exist_ok=True)

    # -- the password alone leads only to setting up the authenticator -------------------------
    _password_step(page, staff_server, username)
    page.wait_for_url(re.compile(r"/accounts/two-step/\?next="))
    assert page.inner_text("h1") == t["setup"]
    assert page.is_visible("main img[src^='data:image/svg+xml']")
    visit.check("setup")
    page.goto(staff_server + "/cases/next-steps/")
    page.wait_for_url(re.compile(r"/accounts/two-step/\?next=%2Fcases%2Fnext-steps%2F$"))

    # -- the app is set up with the key on the page; a wrong code, then the right one ----------
    app = Authenticator(page.inner_text("#twofactor-secret"))
    right = app.code()
    page.fill("#id_code", "000000" if right != "000000" else "111111")
    page.click("main button[type=submit]")
    assert t["wrong"] in page.inner_text("main")
    visit.check("setup-wrong-code")
    page.wait_for_timeout(1500)  # django-otp waits one second after a wrong code
    page.fill("#id_code", right)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/two-step/recovery-codes/"))
    assert page.inner_text("h1") == t["codes"]
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    visit.check("recovery-codes")
    page.click(f"main a:has-text('{t['continue']}')")
    page.wait_for_url(re.compile(r"/cases/next-steps/$"))
    assert page.inner_text("h1")
    visit.check("after-setup")

    # -- next time: password, then a fresh code from the app ------------------------------------
    page.click(f"header button:has-text('{t['sign_out']}')")
    _password_step(page, staff_server, username)
    page.wait_for_url(re.compile(r"/accounts/two-step/code/"))
    assert page.inner_text("h1") == t["code_step"]
    visit.check("code-step")
    page.fill("#id_code", app.code())
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/$"))
    page.click(f"nav >> text={t['next_steps']}")
    page.wait_for_url(re.compile(r"/cases/next-steps/$"))

    # -- a recovery code also works, once ----------------------------------------------------------
    page.click(f"header button:has-text('{t['sign_out']}')")
    _password_step(page, staff_server, username)
    page.fill("#id_code", codes[0])
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/$"))
    assert ": 9" in page.inner_text("main .messages") or "9 个" in page.inner_text("main .messages")
    visit.check("signed-in-with-recovery-code")
    context.close()
