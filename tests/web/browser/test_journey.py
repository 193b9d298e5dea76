"""The whole journey in a real browser, in English and in Chinese.

A patient registers, enters a relapsed DLBCL case step by step with one unknown (whether a
transplant is possible), sees the classification and the option grid, and invites a caregiver.
The caregiver signs up through the link, completes the checklist, ticks a task and meets the
pause prompt. The report downloads as a PDF. Every page is checked with axe (no serious or
critical violations) and kept as a screenshot.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.browser.conftest import ARTIFACTS, screenshot_and_axe

pytestmark = pytest.mark.e2e
PASSWORD = "tall ships sail 42"

TEXT = {
    "en": {
        "language_button": "English",
        "register": "Create an account",
        "start": "Start",
        "continue": "Save and go to the next step",
        "save": "Save",
        "established": "Established option",
        "ask_transplant": "whether the treating team thinks a stem-cell transplant could be done",
        "grid_title": "Your options side by side",
        "head_to_head": "never tested against each other in one trial",
        "invite": "Make an invitation link",
        "create_and_accept": "Create the account and accept",
        "save_checklist": "Save the checklist",
        "checklist_saved": "Checklist saved.",
        "changed_by": "last changed by",
        "mark_done": "Mark as done",
        "decided": "Note our decision",
        "pause": "Pause for a moment",
        "pdf_link": "Download it as a PDF",
        "pdf_text": "Crossroads",
        "sign_out": "Sign out",
    },
    "zh-hans": {
        "language_button": "简体中文",
        "register": "建立账户",
        "start": "开始",
        "continue": "保存并进入下一步",
        "save": "保存",
        "established": "已获批的选择",
        "ask_transplant": "移植",
        "grid_title": None,  # the grid's title comes from the knowledge base (checked below)
        "head_to_head": None,
        "invite": "生成邀请链接",
        "create_and_accept": "建立账户并接受邀请",
        "save_checklist": "保存清单",
        "checklist_saved": "清单已保存。",
        "changed_by": "最近由",
        "mark_done": "标为已完成",
        "decided": "记录我们的决定",
        "pause": "请先暂停一下",
        "pdf_link": "下载为 PDF",
        "pdf_text": "Crossroads",
        "sign_out": "退出登录",
    },
}


class Visit:
    """One browser page plus the checks every visited page gets: axe and a screenshot."""

    def __init__(self, page: Any, lang: str) -> None:
        self.page = page
        self.lang = lang
        self.folder = ARTIFACTS / lang
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.axe = Axe()

    def check(self, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        screenshot_and_axe(self.page, self.axe, path, name)
        expected = "zh-Hans" if self.lang == "zh-hans" else "en"
        assert self.page.get_attribute("html", "lang") == expected


def _fill_step1(page: Any) -> None:
    page.fill("#f-patient-age-years", "58")
    page.select_option("#f-diagnosis-disease", "lbcl")
    page.select_option("#f-diagnosis-subtype", "dlbcl_nos")
    page.check("input[name='diagnosis.stage'][value='IV']")
    page.check("input[name='diagnosis.cns_involvement'][value='no']")
    page.check("input[name='lines.known'][value='yes']")
    page.fill("#f-lines-0-regimen", "R-CHOP")
    page.fill(
        "#f-lines-0-agents", "rituximab, cyclophosphamide, doxorubicin, vincristine, prednisone"
    )
    page.select_option("#f-lines-0-kind", "systemic")
    page.fill("#f-lines-0-start", "2024-03")
    page.fill("#f-lines-0-end", "2024-08")
    page.select_option("#f-lines-0-best-response", "CR")
    page.fill("#f-lines-0-progression", "2025-02")
    page.check("input[name='lines.0.refractory'][value='no']")
    page.check("input[name='disease_status.state'][value='relapsed']")
    page.fill("#f-disease-status-relapse-number", "1")
    page.fill("#f-disease-status-last-progression", "2025-02")
    page.check("input[name='transplants.known'][value='no']")
    page.check("input[name='transplant_eligible'][value='unknown']")  # the one unknown
    page.check("input[name='prior_cellular_therapy.known'][value='no']")
    page.check("input[name='fitness.ecog'][value='1']")
    page.check("input[name='fitness.active_infection'][value='no']")
    page.check("input[name='fitness.organ_dysfunction'][value='none']")


def _register_by_keyboard(page: Any, username: str, lang: str) -> None:
    """Fill the sign-up form with the keyboard only, in tab order."""
    page.focus("#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_language"
    page.select_option("#id_language", lang)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_email"  # optional: left empty
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_patient_and_caregiver_journey(
    server: str, browser: Any, lang: str, tmp_path: Path
) -> None:
    t = TEXT[lang]
    suffix = "en" if lang == "en" else "zh"
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    visit = Visit(page, lang)

    # -- the patient signs up, in the chosen language ------------------------------------------
    page.goto(server + "/")
    page.click(f"header button:has-text('{t['language_button']}')")
    page.wait_for_load_state()
    page.keyboard.press("Tab")  # the first stop on every page is the skip link
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    visit.check("home")
    page.click(f"main a:has-text('{t['register']}')")
    visit.check("register")
    _register_by_keyboard(page, f"patient_{suffix}", lang)
    page.wait_for_url(re.compile(r"/cases/new/$"))
    visit.check("new-case")
    page.click(f"main button:has-text('{t['start']}')")
    page.wait_for_url(re.compile(r"/cases/\d+/step/1/$"))
    case_url = page.url.rsplit("/step/", 1)[0]

    # -- step 1: the disease, with one unknown ------------------------------------------------
    _fill_step1(page)
    visit.check("step1-filled")
    page.click(f"button:has-text('{t['continue']}')")
    page.wait_for_url(re.compile(r"/step/2/$"))

    # -- step 2: the classification -----------------------------------------------------------
    us = page.locator("section[aria-labelledby='j-US']")
    assert t["established"] in us.locator("h3").inner_text()
    assert t["ask_transplant"] in page.inner_text("main")
    visit.check("step2-classification")

    # -- step 3: goals, then the option grid --------------------------------------------------
    page.goto(case_url + "/step/3/")
    page.check("input[name='preferences.main_goal'][value='cure']")
    page.check("input[name='preferences.importance.serious_risks'][value='3']")
    page.click(f"button:has-text('{t['continue']}')")
    page.wait_for_url(re.compile(r"/step/4/$"))
    page.goto(case_url + "/step/3/")
    assert page.locator("table.grid").count() >= 1
    if t["grid_title"]:
        assert t["grid_title"] in page.inner_text("main")
        assert t["head_to_head"] in page.inner_text("main")
    visit.check("step3-grid")

    # -- steps 4 to 6 -------------------------------------------------------------------------
    for number in (4, 5, 6):
        page.goto(f"{case_url}/step/{number}/")
        visit.check(f"step{number}")
    page.goto(case_url + "/")
    visit.check("overview")

    # -- the report downloads as a PDF ---------------------------------------------------------
    with page.expect_download() as download_info:
        page.click(f"a:has-text('{t['pdf_link']}')")
    pdf = tmp_path / "report.pdf"
    download_info.value.save_as(pdf)
    (ARTIFACTS / lang).mkdir(parents=True, exist_ok=True)
    download_info.value.save_as(ARTIFACTS / lang / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert t["pdf_text"] in text
    if lang == "zh-hans":
        assert re.search(r"[\u4e00-\u9fff]", text)

    # -- the patient invites a caregiver -------------------------------------------------------
    page.goto(case_url + "/caregivers/")
    page.click(f"main button:has-text('{t['invite']}')")
    link = page.inner_text("#invite-link").strip()
    visit.check("invite-link")
    page.click(f"header button:has-text('{t['sign_out']}')")

    # -- the caregiver signs up through the link and helps -------------------------------------
    page.goto(link)
    visit.check("invite")
    _register_by_keyboard(page, f"caregiver_{suffix}", lang)
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    page.goto(case_url + "/checklist/")
    boxes = page.locator("input[name='done']")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.click(f"main button:has-text('{t['save_checklist']}')")
    assert t["checklist_saved"] in page.inner_text("main")
    assert t["changed_by"] in page.inner_text("main")
    assert page.locator("input[name='done']:not(:checked)").count() == 0
    visit.check("checklist-done")

    page.goto(case_url + "/tasks/")
    page.locator(f"main form button:has-text('{t['mark_done']}')").first.click()
    visit.check("tasks")

    page.goto(case_url + "/step/6/")
    page.check("input[name=choice][value=more_information]")  # what was decided (issue 13)
    page.click(f"main button:has-text('{t['decided']}')")
    assert t["pause"] in page.inner_text("main")
    visit.check("pause")
    context.close()
