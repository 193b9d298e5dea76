"""FHIR import from the web: paste a Bundle, read the report, confirm, and only then a case.

The importer's report itself is tested in the core (tests/fhir/); here the page must show every
note in plain words, save nothing before the confirmation, and create exactly the imported
record after it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from interop.models import FhirPatientLink

from audit.models import AuditEvent
from cases import results
from cases.models import CaseRecord
from crossroads.interop.fhir import import_bundle
from interop import bundles
from tests.web.interop.conftest import Team
from tests.web.interop.helpers import MCODE_FIXTURES, hidden_inputs, load_json, main_text

pytestmark = pytest.mark.integration

URL = "/cases/import/fhir/"
EOM = MCODE_FIXTURES / "ctms-eom_patient_1.json"


def _post(client: Client, **fields: str) -> Any:
    """A form post as a browser sends it (URL-encoded, not multipart)."""
    return client.post(URL, urlencode(fields), content_type="application/x-www-form-urlencoded")


def _check(team: Team, persona: str, text: str, title: str = "From the hospital") -> Any:
    return _post(team.client(persona), step="check", title=title, bundle=text)


def test_import_url_is_stable() -> None:
    assert reverse("interop:fhir_import") == URL


def test_import_form_explains_that_nothing_is_saved_yet(team: Team) -> None:
    response = team.client("patient").get(URL)
    assert response.status_code == 200
    assert "Nothing is saved until you confirm there." in main_text(response)


def test_check_shows_the_report_in_plain_words_and_saves_nothing(team: Team) -> None:
    before = CaseRecord.objects.count()
    response = _check(team, "patient", EOM.read_text(encoding="utf-8"))
    assert response.status_code == 200
    text = main_text(response)
    assert "Check the import before you save it" in text
    assert (
        "The patient's name CC Ancora Date of birth or age 1987-01-01 Disease other cancer "
        "Lines of treatment not in the file Transplants not in the file "
        "ECOG score (how much daily life is limited) 3"
    ) in text
    assert (
        "Facts Crossroads keeps but could not read: 3. They stay unknown in the case, and you can "
        "fill them in later." in text
    )
    assert "Not mapped (left unknown) (3)" in text
    assert "Not used (Crossroads does not keep it) (14)" in text
    expected = import_bundle(load_json(EOM), results.kb())
    for note in expected.notes:
        assert f"{note.message} (in the file: {note.where})" in text
    # The mapping report: one row per record of the file, each used, ignored or not understood.
    assert f"What became of each record in the file ({len(expected.report)})" in text
    assert "Record Result Details" in text
    shown = {"used": "used", "ignored": "ignored", "not_understood": "not understood"}
    for row in expected.report:
        assert f"{row.where} {shown[row.outcome]} {row.detail}" in text
    assert CaseRecord.objects.count() == before
    assert FhirPatientLink.objects.count() == 0
    (event,) = AuditEvent.objects.filter(action="fhir.import_check")
    assert (event.case_id, event.detail) == (None, {"notes": {"not_used": 14, "unmapped": 3}})


def test_confirm_creates_exactly_the_imported_record(team: Team) -> None:
    text = EOM.read_text(encoding="utf-8")
    checked = _check(team, "patient", text)
    carried = hidden_inputs(checked)
    assert (carried["step"], carried["title"], carried["bundle"]) == (
        "confirm",
        "From the hospital",
        text,
    )
    response = _post(team.client("patient"), **carried)
    case = CaseRecord.objects.exclude(pk=team.case.pk).get()
    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.pk}/")
    assert case.data == import_bundle(load_json(EOM), results.kb()).case.to_data()
    assert (case.title, case.owner, case.coordinator) == (
        "From the hospital",
        team.users["patient"],
        None,
    )
    link = FhirPatientLink.objects.get()
    assert (link.case_id, link.patient_id, link.origin) == (case.pk, "Ancora-13", "import")
    event = AuditEvent.objects.filter(action="fhir.import").get()
    assert (event.case_id, event.detail) == (
        case.pk,
        {"notes": {"not_used": 14, "unmapped": 3}, "patient_link": True},
    )


def test_imported_case_opens_from_a_card_link(team: Team) -> None:
    _post(
        team.client("patient"),
        step="confirm",
        title="Mine",
        bundle=EOM.read_text(encoding="utf-8"),
    )
    case = CaseRecord.objects.get(title="Mine")
    response = team.client("patient").get("/cds/patients/Ancora-13")
    assert response["Location"] == f"/cases/{case.pk}/"


def test_a_coordinator_import_is_theirs_to_coordinate(team: Team) -> None:
    _post(
        team.client("outsider_coordinator"),
        step="confirm",
        title="Referral",
        bundle=EOM.read_text(encoding="utf-8"),
    )
    case = CaseRecord.objects.get(title="Referral")
    who = team.users["outsider_coordinator"]
    assert (case.owner, case.coordinator) == (who, who)
    overview = reverse("cases:overview", kwargs={"case_id": case.pk})
    assert team.client("outsider_coordinator").get(overview).status_code == 200
    assert team.client("coordinator").get(overview).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "ctms-patient_data.json",
        "mef-csv-cancer-disease-status-bundle.json",
        "mef-csv-medication-request-bundle.json",
        "mef-csv-staging-bundle.json",
    ],
)
def test_every_mcode_bundle_shows_its_report_before_saving(team: Team, name: str) -> None:
    text = (MCODE_FIXTURES / name).read_text(encoding="utf-8")
    response = _check(team, "patient", text)
    assert response.status_code == 200
    page = main_text(response)
    expected = import_bundle(load_json(MCODE_FIXTURES / name), results.kb())
    assert expected.notes  # every one of these files has something Crossroads cannot keep
    for note in expected.notes:
        assert f"{note.message} (in the file: {note.where})" in page
    assert CaseRecord.objects.count() == 1
    _post(team.client("patient"), **hidden_inputs(response))
    assert CaseRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This field is required."),
        (
            "{oops",
            "This is not JSON text (line 1, column 2). Paste the whole file, from the first { to "
            "the last }.",
        ),
        (
            (MCODE_FIXTURES / "mef-maximal-medication-request.json").read_text(encoding="utf-8"),
            "This is JSON, but not a FHIR Bundle. Ask for the patient's record as a FHIR Bundle: "
            "one file with all the resources about one patient.",
        ),
        (
            '{"resourceType": "Bundle", "type": "collection", "entry": ['
            '{"resource": {"resourceType": "Patient", "id": "a"}},'
            '{"resource": {"resourceType": "Patient", "id": "b"}}]}',
            "The file holds 2 patients. Export one patient's record and import that.",
        ),
    ],
)
@pytest.mark.parametrize("step", ["check", "confirm"])
def test_text_that_is_not_a_bundle_is_refused_with_a_plain_message(
    team: Team, text: str, message: str, step: str
) -> None:
    response = _post(team.client("patient"), step=step, title="X", bundle=text)
    assert response.status_code == 400
    assert f"The FHIR Bundle (JSON text): {message}" in main_text(response)
    assert CaseRecord.objects.count() == 1


def test_a_title_is_needed(team: Team) -> None:
    response = _check(team, "patient", EOM.read_text(encoding="utf-8"), title="")
    assert response.status_code == 400
    assert "A short name for the case: This field is required." in main_text(response)


def test_text_over_two_megabytes_is_refused_though_the_form_is_read(team: Team) -> None:
    response = _check(team, "patient", " " * (bundles.MAX_CHARS + 1))
    assert response.status_code == 400
    assert "The text is longer than 2 MB. Export a smaller part of the record." in main_text(
        response
    )


def test_a_bundle_bigger_than_the_apps_form_limit_is_accepted(team: Team) -> None:
    """1 MB of Bundle text: over the 512 kB the rest of the app accepts."""
    data = load_json(EOM)
    data["entry"][0]["resource"]["text"] = {"status": "generated", "div": "x" * 1_000_000}
    response = _check(team, "patient", json.dumps(data))
    assert response.status_code == 200


def test_a_form_over_the_byte_limit_gets_413_without_being_read(team: Team) -> None:
    response = _check(team, "patient", "%" * (bundles.MAX_FORM_BYTES // 3 + 10))
    assert response.status_code == 413
    assert "The text is longer than 2 MB." in main_text(response)


def test_the_import_form_keeps_its_csrf_check(team: Team) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.users["patient"])
    response = client.post(
        URL,
        urlencode({"step": "confirm", "title": "X", "bundle": EOM.read_text(encoding="utf-8")}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 403
    assert CaseRecord.objects.count() == 1


def test_a_large_bundle_passes_the_csrf_check_with_a_token(team: Team) -> None:
    """The CSRF check still reads the token from a form over the app-wide 512 kB limit."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.users["patient"])
    token = hidden_inputs(client.get(URL))["csrfmiddlewaretoken"]
    data = load_json(EOM)
    data["entry"][0]["resource"]["text"] = {"status": "generated", "div": "x" * 1_000_000}
    fields = {"csrfmiddlewaretoken": token, "step": "check", "title": "X"}
    response = _post(client, **fields, bundle=json.dumps(data))
    assert response.status_code == 200
    assert "Check the import before you save it" in main_text(response)


def test_a_large_body_from_another_role_is_refused_before_it_is_read(team: Team) -> None:
    response = _check(team, "caregiver", "%" * (bundles.MAX_FORM_BYTES // 3 + 10))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["caregiver", "reviewer", "admin"])
def test_other_roles_cannot_import(team: Team, persona: str) -> None:
    response = _post(
        team.client(persona), step="confirm", title="X", bundle=EOM.read_text(encoding="utf-8")
    )
    assert response.status_code == 403
    assert CaseRecord.objects.count() == 1


def test_import_page_in_chinese(team: Team) -> None:
    user = team.users["patient"]
    user.language = "zh-hans"
    user.save()
    response = _check(team, "patient", EOM.read_text(encoding="utf-8"))
    text = main_text(response)
    assert "保存之前请核对导入内容" in text
    assert "未能对应（保持未知） (3)" in text
