"""FHIR import and the clinical-trials page in a real browser, each page checked with axe.

A patient signs up, pastes an mCODE Bundle into the import box, reads the report of what could
not be carried over, confirms, and opens the trials page of the new case.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.browser.test_journey import Visit, _register_by_keyboard
from tests.web.conftest import ROOT

pytestmark = pytest.mark.e2e
BUNDLE = ROOT / "tests" / "fixtures" / "fhir" / "mcode" / "ctms-eom_patient_1.json"


def test_import_then_trials_page(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    visit = Visit(page, "en")
    visit.folder = visit.folder.parent / "interop"
    visit.folder.mkdir(parents=True, exist_ok=True)

    page.goto(server + "/accounts/register/")
    _register_by_keyboard(page, "patient_interop", "en")
    page.wait_for_url(re.compile(r"/cases/new/$"))

    page.goto(server + "/cases/import/fhir/")  # no link for patients: a tool for the team
    page.wait_for_url(re.compile(r"/cases/import/fhir/$"))
    visit.check("import-form")
    page.fill("#id_title", "From the hospital")
    page.fill("#id_bundle", BUNDLE.read_text(encoding="utf-8"))
    page.click("main button:has-text('Read the Bundle')")
    assert "Check the import before you save it" in page.inner_text("main")
    assert "Not mapped (left unknown) (3)" in page.inner_text("main")
    visit.check("import-check")
    page.click("main button:has-text('Create the case')")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "The case was created from the FHIR Bundle." in page.inner_text("main")

    page.click("main a:has-text('Clinical trials')")
    page.wait_for_url(re.compile(r"/cases/\d+/trials/$"))
    assert "This is not a ranking of the studies." in page.inner_text("main")
    visit.check("trials")
    page.select_option("#trial-country", "CN")
    page.check("input[name='all']")
    page.click("main button:has-text('Show')")
    page.wait_for_url(re.compile(r"/trials/\?country=CN&all=1$"))
    assert "NCT90000001" in page.inner_text("main")
    visit.check("trials-china-all")
    context.close()
