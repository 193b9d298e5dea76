"""The coordinator worklist in a real browser (issue 16): a coordinator uploads the results file
of ``crossroads synth`` + ``crossroads screen`` (60 patients) with the Bulk NDJSON it read, sees
who is on label now and who is one fact away, switches place, opens a case from a row in one
click and lands on it with the person's disease filled in; the row then links to that case, and
a second click opens it again (no copy); a wrong file gets a clear 400.

English and Chinese, desktop and a 390×844 phone; every page visited is checked with axe (no
serious or critical violation) and kept as a screenshot in ``test-artifacts/browser/worklist/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser.authenticator import Authenticator
from tests.web.browser.conftest import ARTIFACTS
from tests.web.browser.test_coordination import VIEWPORTS, Visit
from tests.web.browser.test_coordination import demo as demo
from tests.web.screening.conftest import cohort_bulk, cohort_results

pytestmark = pytest.mark.e2e

TEXT = {
    "en": {
        "title": "Screening worklists",
        "on_label": "On label now",
        "one_away": "One fact away",
        "ask": "Ask for",
        "open": "Open a case",
        "go": "Go to the case",
        "created": "The case was created from this person's records",
        "refused": "This file is not a Parquet file.",
    },
    "zh-hans": {
        "title": "筛查工作清单",
        "on_label": "目前符合适应症",
        "one_away": "只差一项信息",
        "ask": "询问",
        "open": "建立病例",
        "go": "前往病例",
        "created": "已根据筛查所用导出文件中此人的记录建立病例。",
        "refused": "这个文件不是 Parquet 文件。",
    },
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, list[Path]]]:
    folder = tmp_path_factory.mktemp("worklist-files")
    results = folder / "results.parquet"
    results.write_bytes(cohort_results())
    wrong = folder / "notes.parquet"
    wrong.write_bytes(b"%PDF-1.7 this is not a results file")
    bulk = []
    for name, data in cohort_bulk().items():
        (folder / name).write_bytes(data)
        bulk.append(folder / name)
    yield results, wrong, bulk


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_coordinator_uploads_results_and_works_the_list(
    demo: tuple[str, dict[str, str], dict[str, Authenticator]],
    browser: Any,
    files: tuple[Path, Path, list[Path]],
    lang: str,
    screen: str,
) -> None:
    base, passwords, apps = demo
    results, wrong, bulk = files
    t = TEXT[lang]
    context = browser.new_context(viewport=VIEWPORTS[screen])
    page = context.new_page()
    visit = Visit(page, base, apps, lang, f"{lang}-{screen}")
    visit.folder = ARTIFACTS / "worklist" / f"{lang}-{screen}"
    visit.folder.mkdir(parents=True, exist_ok=True)
    try:
        visit.sign_in("demo-coordinator", passwords["demo-coordinator"])
        visit.open("/screening/")
        assert t["title"] in visit.main()
        visit.check("list")

        # a file that is not a results file: refused with a message, nothing stored
        page.fill("#id_label", "Wrong file")
        page.set_input_files("#id_file", str(wrong))
        with page.expect_navigation() as nav:
            page.click("main form.upload button[type=submit]")
        assert nav.value.status == 400
        assert t["refused"] in visit.main()
        visit.check("refused")

        page.fill("#id_label", f"Registry {lang} {screen}")
        page.set_input_files("#id_file", str(results))
        page.set_input_files("#id_records", [str(p) for p in bulk])
        page.click("main form.upload button[type=submit]")
        page.wait_for_url(re.compile(r"/screening/\d+/$"))
        text = visit.main()
        assert t["on_label"] in text and t["one_away"] in text and t["ask"] in text
        visit.check("worklist-us")

        page.click("main nav a >> text=EU")
        page.wait_for_url(re.compile(r"\?place=EU$"))
        visit.check("worklist-eu")

        # one click on a row: the case is made from the person's screened records
        worklist_url = page.url
        row = page.locator("main table tbody tr").filter(has=page.locator("form.row-case")).first
        disease = row.locator("td").first.inner_text().strip()
        row.locator("form.row-case button").click()
        page.wait_for_url(re.compile(r"/cases/\d+/$"))
        case_url = page.url
        assert t["created"] in visit.main()
        visit.check("case-created")
        page.goto(case_url + "step/1/")
        chosen = page.locator("#f-diagnosis-disease option:checked").inner_text().strip()
        assert chosen == disease  # the disease the worklist showed is filled in
        visit.check("case-step-1")

        # back on the worklist the row links to that case; no second case is made
        page.goto(worklist_url)
        link = page.locator("main table a", has_text=t["go"]).first
        link.click()
        page.wait_for_url(case_url)
        visit.check("case-again")
    finally:
        context.close()
