"""No dead end at review, in a real browser (issue 13): a self-registered patient asks for a
coordinator, a coordinator takes the case from the queue and sends it for review, the reviewer
answers, and the patient finds the answer (badge, then first on step 5 in plain words), notes
the decision, and sees both in the report.

English and Chinese, desktop and a 390×844 phone; every page visited is checked with axe (no
serious or critical violation) and kept as a screenshot in ``test-artifacts/browser/coordination/``.
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
from tests.web.browser.test_journey import PASSWORD, _fill_step1

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
TEXT = {
    "en": {
        "waiting": "Waiting for a care coordinator to take this case.",
        "badge": "New answer from a specialist",
        "plain": "What the specialists say, in plain words:",
        "term": "IHC (immunohistochemistry)",
        "own_words": "In the specialists' own words",
        "pause": "Pause for a moment",
        "noted": "Your decision, as noted",
        "wait": "Wait for now, and look again later",
        "report_answer": "Specialist's answer",
        "report_decision": "The decision, as noted",
        "limited": "You see only this summary until you take it.",
        "question": "The one question you want the specialists to answer",
    },
    "zh-hans": {
        "waiting": "正在等待就医协调员接手本病例。",
        "badge": "专家的新回答",
        "plain": "专家的意见，用通俗的话说：",
        "term": "IHC（免疫组化）",
        "own_words": "专家的原话",
        "pause": "请先暂停一下",
        "noted": "已记录的决定",
        "wait": "暂时等待，以后再看",
        "report_answer": "专家的回答",
        "report_decision": "已记录的决定",
        "limited": "接手之前，您只能看到这份摘要。",
        "question": "您最想请专家回答的一个问题",
    },
}


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str], dict[str, Authenticator]]]:
    """A server with the demo staff accounts: their passwords and authenticator apps (one per
    account for the whole module: the server refuses a code of a time step already used)."""

    state = tmp_path_factory.mktemp("coordination-server")
    with web_server(state, workers=1, prepare=load_demo) as (base, out):
        assert out is not None
        passwords = demo_passwords(out)
        keys = dict(re.findall(r"^\s+(demo-\w+)\s+([A-Z2-7]{32})\s+otpauth://", out, re.MULTILINE))
        yield base, passwords, {name: Authenticator(key) for name, key in keys.items()}


class Visit:
    """One browser page, signed in as one person at a time, with axe on every page checked."""

    def __init__(
        self, page: Any, base: str, apps: dict[str, Authenticator], lang: str, tag: str
    ) -> None:
        self.page, self.base, self.lang, self.count, self.axe = page, base, lang, 0, Axe()
        self.apps = apps
        self.folder = ARTIFACTS / "coordination" / tag
        self.folder.mkdir(parents=True, exist_ok=True)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)

    def check(self, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        screenshot_and_axe(self.page, self.axe, path, name)
        expected = "zh-Hans" if self.lang == "zh-hans" else "en"
        assert self.page.get_attribute("html", "lang") == expected

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
        self.page.click(f"button[name=language][value={self.lang}]")
        self.page.wait_for_load_state()

    def main(self) -> str:
        return str(self.page.inner_text("main"))


def _register(visit: Visit, username: str) -> None:
    page = visit.page
    visit.open("/accounts/register/")
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.select_option("#id_language", visit.lang)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/new/$"))


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_self_registered_patient_reaches_answer_and_decision(
    demo: tuple[str, dict[str, str], dict[str, Authenticator]],
    browser: Any,
    lang: str,
    screen: str,
) -> None:
    base, passwords, apps = demo
    t = TEXT[lang]
    tag = f"{lang}-{screen}"
    patient = f"self_{lang.replace('-', '_')}_{screen}"
    context = browser.new_context(viewport=VIEWPORTS[screen])
    visit = Visit(context.new_page(), base, apps, lang, tag)
    page = visit.page

    # -- a patient signs up, starts a case, and asks for a coordinator on step 5 ------------------
    _register(visit, patient)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/step/1/$"))
    case_path = page.url.removeprefix(base).rsplit("/step/", 1)[0]
    _fill_step1(page)
    page.click("button[name=next][value=stay]")
    visit.open(f"{case_path}/step/5/")
    visit.check("patient-step5-no-coordinator")
    page.click("form[action$='/coordinator/ask/'] button")
    assert t["waiting"] in visit.main()
    visit.check("patient-step5-asked")

    # -- a coordinator finds it in the queue, sees the limited view, takes it, sends it ----------
    visit.sign_in("demo-coordinator", passwords["demo-coordinator"])
    visit.open("/cases/queue/")
    visit.check("coordinator-queue")
    page.click(f"main a[href='{case_path}/']")
    assert t["limited"] in visit.main()
    visit.check("coordinator-limited-view")
    page.click("main form[action$='/coordinator/take/'] button")
    page.wait_for_url(re.compile(re.escape(case_path) + r"/$"))
    visit.open(f"{case_path}/review/send/")
    page.check("input[name=reviewers]")
    page.fill("#id_question", "Is CAR-T realistic now?")
    page.click("button[name=action][value=send]")
    page.wait_for_url(re.compile(r"/review/\d+/$"))

    # -- the reviewer answers in their own words and records the shared view ---------------------
    visit.sign_in("demo-reviewer", passwords["demo-reviewer"])
    page.click("table a >> nth=0")  # newest first: this case's request
    page.check("input[name=view][value=agree]")
    page.fill("#id_answer", "A CAR-T consult is reasonable.")
    page.fill("#id_check_next", "CD19 IHC; HBV DNA")
    page.click("main form:not([action*='/consensus/']) button[type=submit]")
    page.check("input[name=consensus_view][value=agree]")
    page.fill("#id_consensus_text", "See a CAR-T centre soon. First, two tests are needed.")
    page.click("main form[action*='/consensus/'] button[type=submit]")

    # -- the patient sees that an answer came, reads it first on step 5 in plain words ------------
    visit.sign_in(patient, PASSWORD)
    visit.open("/cases/")
    assert t["badge"] in visit.main()
    visit.check("patient-dashboard-badge")
    visit.open(f"{case_path}/")
    assert t["badge"] in visit.main()
    visit.open(f"{case_path}/step/5/")
    text = visit.main()
    assert text.index(t["plain"]) < text.index(t["own_words"]) < text.index("CD19 IHC; HBV DNA")
    assert text.index(t["plain"]) < text.index(t["question"])  # at the top, before the form
    assert "See a CAR-T centre soon." in text
    assert t["term"] in text
    visit.check("patient-step5-answer")
    visit.open("/cases/")
    assert t["badge"] not in visit.main()  # opened: no longer new

    # -- the decision: what was chosen, noted with who and when --------------------------------
    visit.open(f"{case_path}/step/6/")
    page.check("input[name=choice][value=wait]")
    page.click("form[action$='/decide/'] button[type=submit]")
    assert t["pause"] in visit.main()
    visit.check("patient-pause")
    page.click("form[action$='/decide/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/step/6/$"))
    text = visit.main()
    assert t["noted"] in text
    assert t["wait"] in text
    visit.check("patient-decision-noted")

    # -- the report carries both ----------------------------------------------------------------
    visit.open(f"{case_path}/report/")
    report = str(page.inner_text("body"))
    assert t["report_answer"] in report
    assert t["report_decision"] in report
    assert t["wait"] in report
    assert "See a CAR-T centre soon." in report
    visit.check("patient-report")
    context.close()
