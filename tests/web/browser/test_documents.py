"""Record documents in a real browser: upload a Chinese discharge summary, review and accept its
proposals, and see step 1 and the checklist filled, in English and Chinese, on a desktop and a
390×844 phone. The server is gunicorn with the task queue's worker beside it, as `make run`
starts them, so the page's progress polling and the worker are exercised too. A discharge
summary ticks the treatment summary (the core's words); a pathology report follows it and ticks
its own item.
Every page is checked with axe (no serious or critical violations).
"""

from __future__ import annotations

import re
import subprocess
import uuid
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
from tests.web.conftest import ROOT, WEB

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CORPUS = ROOT / "tests" / "fixtures" / "records"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    workers: list[subprocess.Popen[bytes]] = []

    def load_demo_and_start_worker(manage: list[str], env: dict[str, str]) -> str:
        printed = load_demo(manage, env)
        worker = [*manage, "db_worker", "--interval", "0.2", "--no-startup-delay", "-v0"]
        workers.append(subprocess.Popen(worker, cwd=WEB, env=env))
        return printed

    state = tmp_path_factory.mktemp("documents-server")
    try:
        with web_server(state, workers=1, prepare=load_demo_and_start_worker) as (base, out):
            assert out is not None
            passwords = demo_passwords(out)
            yield base, passwords["demo-patient"]
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=20)


def _axe(page: Any, name: str) -> None:
    screenshot_and_axe(page, Axe(), ARTIFACTS / "documents" / f"{name}.png", name)


def _new_case(browser: Any, base: str, password: str, lang: str, viewport: dict[str, int]) -> Any:
    page = sign_in(browser, base, "demo-patient", password, lang, viewport)
    page.goto(base + "/cases/new/")
    page.fill("#id_title", f"Records {uuid.uuid4().hex[:6]}")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/step/1/$"))
    return page


def _upload_and_accept(page: Any, name: str, lang: str, shot: str) -> None:
    page.click("main a[href$='/documents/']")
    page.wait_for_url(re.compile(r"/documents/$"))
    page.set_input_files("#id_file", str(CORPUS / name))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    # the worker reads it; the page polls and reloads when the reading is over
    page.wait_for_selector("fieldset.proposal", timeout=30_000)
    _axe(page, f"{shot}-review")
    marks = page.locator(".source-text mark")
    assert marks.count() >= 3
    page.click("button[name=all][value=accept]")
    page.wait_for_selector(".decided")
    assert page.locator("fieldset.proposal").count() == 0
    _axe(page, f"{shot}-accepted")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_upload_review_and_accept_fill_step_1_and_the_checklist(
    browser: Any, demo: tuple[str, str], lang: str, viewport: str
) -> None:
    base, password = demo
    size = DESKTOP if viewport == "desktop" else PHONE
    page = _new_case(browser, base, password, lang, size)
    shot = f"{lang}-{viewport}"
    _upload_and_accept(page, "zh_dis_01.pdf", lang, f"{shot}-discharge")
    page.click("main a[href$='/step/1/']")
    page.wait_for_url(re.compile(r"/step/1/$"))
    assert page.locator("select[name='diagnosis.disease']").input_value() == "lbcl"
    assert page.locator("input[name='fitness.ecog'][value='1']").is_checked()
    regimens = page.locator("input[name$='.regimen']")
    assert [regimens.nth(i).input_value() for i in range(regimens.count())][:2] == [
        "R-CHOP",
        "R-GemOx",
    ]
    _axe(page, f"{shot}-step1")
    _upload_and_accept(page, "zh_path_01.pdf", lang, f"{shot}-pathology")
    page.click("main a[href$='/checklist/']")
    page.wait_for_url(re.compile(r"/checklist/$"))
    assert page.locator("input[name=done][value='records.pathology']").is_checked()
    assert page.locator("input[name=done][value='records.treatment_summary']").is_checked()
    _axe(page, f"{shot}-checklist")
    if viewport == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
    page.context.close()
