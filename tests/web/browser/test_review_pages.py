"""The review life cycle and the coordinator's pages in a real browser, checked with axe.

On a server of its own with the demo data (``load_demo``): the coordinator opens next steps,
prepares a review request and sends it; the reviewer answers in the structured form and records
the shared view; the patient reads the outcome on step 5; the coordinator makes an API token.
Every page has no serious or critical axe violation, and is kept as a screenshot in
``test-artifacts/browser/review/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.browser.authenticator import Authenticator
from tests.web.browser.conftest import (
    ARTIFACTS,
    demo_passwords,
    load_demo,
    screenshot_and_axe,
    web_server,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """A server with the demo accounts and cases; the demo passwords and staff's keys."""

    state = tmp_path_factory.mktemp("review-server")
    with web_server(state, workers=1, prepare=load_demo) as (base, out):
        assert out is not None
        passwords = demo_passwords(out)
        # Staff also pass the code step: load_demo prints each one's authenticator key.
        keys = dict(re.findall(r"^\s+(demo-\w+)\s+([A-Z2-7]{32})\s+otpauth://", out, re.MULTILINE))
        yield base, passwords, keys


class Pages:
    def __init__(self, page: Any, base: str, keys: dict[str, str]) -> None:
        self.page, self.base, self.count, self.axe = page, base, 0, Axe()
        self.apps = {username: Authenticator(key) for username, key in keys.items()}
        self.folder = ARTIFACTS / "review"
        self.folder.mkdir(parents=True, exist_ok=True)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)

    def check(self, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        screenshot_and_axe(self.page, self.axe, path, name)

    def sign_in(self, username: str, password: str) -> None:
        self.page.context.clear_cookies()
        self.open("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        app = self.apps.get(username)
        if app is not None:  # staff: the code from their authenticator app
            self.page.wait_for_url(re.compile(r"/accounts/two-step/code/"))
            self.page.fill("#id_code", app.code())
            self.page.click("main button[type=submit]")
        self.page.click("button[name=language][value=en]")  # the demo coordinator reads Chinese


def test_review_life_cycle_pages(
    demo: tuple[str, dict[str, str], dict[str, str]], browser: Any
) -> None:
    base, passwords, keys = demo
    assert sorted(keys) == ["demo-admin", "demo-coordinator", "demo-reviewer"]
    context = browser.new_context()
    pages = Pages(context.new_page(), base, keys)
    page = pages.page

    pages.sign_in("demo-coordinator", passwords["demo-coordinator"])
    page.click("nav >> text=Next steps")
    pages.check("coordinator-next-steps")
    pages.open("/cases/1/step/5/")
    page.click("text=Prepare a review request")
    pages.check("coordinator-prepare")
    page.click("button[value=send]")  # nothing chosen: the form says what is missing
    assert "Choose at least one reviewer." in page.inner_text("main") or page.is_visible(
        ".error-summary"
    )
    pages.check("coordinator-prepare-errors")
    page.check("input[name=reviewers]")
    page.fill("#id_question", "Is CAR-T realistic now?")
    page.click("button[value=send]")
    assert "Sent. The reviewers see only the de-identified packet." in page.inner_text("main")
    pages.check("coordinator-request-sent")
    request_path = page.url.removeprefix(base)

    pages.sign_in("demo-reviewer", passwords["demo-reviewer"])
    pages.check("reviewer-inbox")
    page.click("table a >> nth=0")
    pages.check("reviewer-request")
    page.check("input[name=view][value=agree]")
    page.fill("#id_answer", "A CAR-T consult is reasonable.")
    page.fill("#id_check_next", "Repeat the PET scan.")
    page.click("text=Save the answer")
    pages.check("reviewer-answered")
    page.check("input[name=consensus_view][value=agree]")
    page.fill("#id_consensus_text", "See a CAR-T centre soon.")
    page.click("main form >> nth=1 >> button")
    assert "See a CAR-T centre soon." in page.inner_text("main")
    pages.check("reviewer-shared-view")

    pages.sign_in("demo-patient", passwords["demo-patient"])
    pages.open("/cases/1/step/5/")
    text = page.inner_text("main")
    assert "They agree with how Crossroads sorted CAR-T for this case." in text
    pages.check("patient-step5-outcome")
    pages.open(request_path)
    pages.check("patient-request")

    pages.sign_in("demo-coordinator", passwords["demo-coordinator"])
    page.click("text=API tokens")
    page.fill("#id_label", "planning tool")
    page.click("main button[type=submit]")
    assert page.inner_text("main code").startswith("crx_")
    pages.check("coordinator-api-token")
    context.close()
