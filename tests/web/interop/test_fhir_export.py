"""FHIR export from the case page, and where a CDS card's link lands afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from interop.models import FhirPatientLink

from audit.models import AuditEvent
from cases import results
from crossroads.interop.fhir import import_bundle
from crossroads.record.load import load_case
from tests.web.factories import CaseFactory
from tests.web.interop.conftest import Team
from tests.web.interop.helpers import EXAMPLES, main_text

pytestmark = pytest.mark.integration


def _export(team: Team, persona: str = "patient", case: Any = None) -> Any:
    url = reverse("interop:fhir_export", kwargs={"case_id": (case or team.case).pk})
    return team.client(persona).get(url)


def test_export_downloads_a_fhir_bundle_file(team: Team) -> None:
    response = _export(team)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="crossroads-case-{team.case.pk}.fhir.json"'
    )
    bundle = json.loads(response.content)
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")


def test_export_round_trips_to_the_same_case_record(team: Team) -> None:
    bundle = json.loads(_export(team).content)
    assert import_bundle(bundle, results.kb()).case.to_data() == team.case.data


@pytest.mark.parametrize(
    "name",
    ["lbcl_prior_cd19_car_t_team_question.yaml", "mm_four_lines_no_anti_cd38_cn_patient.yaml"],
)
def test_export_of_a_full_example_round_trips(team: Team, name: str) -> None:
    data = load_case(EXAMPLES / name).to_data()
    case = CaseFactory(owner=team.users["patient"], data=data)
    bundle = json.loads(_export(team, case=case).content)
    assert import_bundle(bundle, results.kb()).case.to_data() == data


def test_export_is_audited_and_remembers_the_bundles_patient_id(team: Team) -> None:
    bundle = json.loads(_export(team, "caregiver").content)
    patient_id = bundle["entry"][0]["resource"]["id"]
    assert bundle["entry"][0]["resource"]["resourceType"] == "Patient"
    links = list(FhirPatientLink.objects.values_list("case_id", "patient_id", "origin"))
    assert links == [(team.case.pk, patient_id, "export")]
    (event,) = AuditEvent.objects.filter(action="fhir.export")
    assert (event.case_id, event.actor_name, event.detail) == (
        team.case.pk,
        "caregiver",
        {"new_patient_link": True},
    )
    _export(team)  # the same record gives the same Bundle: no second link
    assert FhirPatientLink.objects.count() == 1
    assert AuditEvent.objects.filter(action="fhir.export").count() == 2


@pytest.mark.parametrize("persona", ["outsider_patient", "reviewer", "admin"])
def test_export_is_refused_like_a_missing_case(team: Team, persona: str) -> None:
    assert _export(team, persona).status_code == 404
    assert FhirPatientLink.objects.count() == 0


# -- the card link ------------------------------------------------------------------------------
def _open(team: Team, persona: str, patient_id: str) -> Any:
    url = reverse("interop:cds_patient", kwargs={"patient_id": patient_id})
    return team.client(persona).get(url)


def _exported_id(team: Team) -> str:
    bundle = json.loads(_export(team).content)
    return str(bundle["entry"][0]["resource"]["id"])


@pytest.mark.parametrize("persona", ["patient", "caregiver", "coordinator"])
def test_card_link_opens_the_case_for_its_team(team: Team, persona: str) -> None:
    response = _open(team, persona, _exported_id(team))
    assert (response.status_code, response["Location"]) == (302, f"/cases/{team.case.pk}/")
    event = AuditEvent.objects.filter(action="cds.open").get()
    assert (event.case_id, event.detail) == (team.case.pk, {"cases": 1})


@pytest.mark.parametrize(
    "persona", ["outsider_patient", "outsider_coordinator", "reviewer", "admin"]
)
def test_card_link_tells_an_outsider_nothing(team: Team, persona: str) -> None:
    known = _open(team, persona, _exported_id(team))
    unknown = _open(team, persona, "no-such-patient")
    assert (known.status_code, unknown.status_code) == (200, 200)
    assert main_text(known) == main_text(unknown)
    assert main_text(known).startswith(
        "This case is not in Crossroads yet Crossroads has no case for this patient that you can "
        "open."
    )
    assert AuditEvent.objects.filter(action="cds.open", case_id__isnull=False).count() == 0


def test_card_link_offers_import_to_patients_and_coordinators_only(team: Team) -> None:
    import_url = reverse("interop:fhir_import")
    for persona, offered in (
        ("outsider_patient", True),
        ("outsider_coordinator", True),
        ("reviewer", False),
        ("admin", False),
    ):
        page = _open(team, persona, "1288992").content.decode()
        assert (f'href="{import_url}"' in page) is offered, persona


def test_card_link_sends_anonymous_visitors_to_sign_in(team: Team) -> None:
    response = _open(team, "anonymous", "1288992")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cds/patients/1288992"


def test_card_link_lists_several_cases_with_the_same_patient_id(team: Team) -> None:
    second = CaseFactory(owner=team.users["patient"], title="Second opinion")
    for case in (team.case, second):
        FhirPatientLink.objects.create(case=case, patient_id="p-7", origin="import")
    response = _open(team, "patient", "p-7")
    assert response.status_code == 200
    text = main_text(response)
    assert "More than one case matches this patient" in text
    assert "Test case" in text and "Second opinion" in text
    # the caregiver sees only the case they were invited to
    only = _open(team, "caregiver", "p-7")
    assert only["Location"] == f"/cases/{team.case.pk}/"


def test_an_export_that_breaks_fhir_rules_sends_nothing(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crossroads.interop.fhir import Issue

    broken = [Issue("error", "Patient", "pat-1", "made-up failure")]
    monkeypatch.setattr("interop.views.validate_bundle", lambda bundle: broken)
    response = _export(team)
    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "The FHIR Bundle cannot be made right now" in main_text(response)
    assert AuditEvent.objects.filter(action="fhir.export").count() == 0
    assert FhirPatientLink.objects.count() == 0


def test_card_link_with_an_id_longer_than_fhir_allows_matches_nothing(team: Team) -> None:
    FhirPatientLink.objects.create(case=team.case, patient_id="p" * 64, origin="import")
    assert _open(team, "patient", "p" * 64)["Location"] == f"/cases/{team.case.pk}/"
    response = _open(team, "patient", "p" * 65)
    assert response.status_code == 200
    assert "This case is not in Crossroads yet" in main_text(response)
