"""Nothing typed is lost (issue 13, item 2): step drafts kept as typed, restored, dropped on save;
the idle warning and "Stay signed in"."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.models import CaseRecord
from drafts.models import StepDraft
from drafts.store import form_pairs
from tests.web.conftest import World
from tests.web.test_step_forms import page_form, snapshot, step_url

pytestmark = pytest.mark.integration
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def draft_url(world: World, number: int = 1) -> str:
    return reverse("drafts:save", kwargs={"case_id": world.case.pk, "number": number})


def keep(client: Client, world: World, data: dict[str, Any], number: int = 1) -> Any:
    return client.post(draft_url(world, number), data, **FETCH)


def test_typing_is_kept_per_person_case_and_step(world: World) -> None:
    client = world.client("patient")
    data = {**page_form(world, 1), "patient.city": "Shanghai", "next": "stay"}
    response = keep(client, world, data)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["step"], answer["version"]) == (1, world.case.version)
    assert answer["remaining"] == settings.SESSION_IDLE_SECONDS["default"]
    draft = StepDraft.objects.get()
    assert (draft.user, draft.case_id, draft.step) == (world.users["patient"], world.case.pk, 1)
    names = {name for name, _ in draft.pairs()}
    assert "patient.city" in names
    assert not names & {"csrfmiddlewaretoken", "next", "version"}
    keep(client, world, {**data, "patient.city": "Beijing"})  # replaces, never adds a row
    assert ("patient.city", "Beijing") in StepDraft.objects.get().pairs()
    assert snapshot(world)[0].get("patient", {}).get("city") is None  # the record is untouched


def test_only_form_names_are_kept() -> None:
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for name, value in [
        ("patient.city", "Shanghai"),
        ("lines.0.agents", "R"),
        ("fitness.organ_dysfunction", "lung"),
        ("fitness.organ_dysfunction", "heart"),
        ("Evil Name", "x"),
        ("csrfmiddlewaretoken", "t"),
        ("x" * 201, "y"),
    ]:
        data.appendlist(name, value)
    assert form_pairs(data) == [
        ["patient.city", "Shanghai"],
        ["lines.0.agents", "R"],
        ["fitness.organ_dysfunction", "lung"],
        ["fitness.organ_dysfunction", "heart"],
    ]


def test_step_page_restores_the_draft_with_a_notice(world: World) -> None:
    client = world.client("patient")
    keep(client, world, {**page_form(world, 1), "patient.city": "Shanghai 徐汇"})
    html = client.get(step_url(world, 1)).content.decode()
    assert 'value="Shanghai 徐汇"' in html
    assert "We restored what you typed on" in html
    assert "It is not saved yet: check it and save." in html
    assert reverse("drafts:discard", kwargs={"case_id": world.case.pk, "number": 1}) in html
    # in Chinese too
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(step_url(world, 1)).content.decode()
    assert "我们恢复了您在" in html


def test_a_draft_is_only_its_authors(world: World) -> None:
    keep(world.client("caregiver"), world, {**page_form(world, 1), "patient.city": "Hangzhou"})
    html = world.client("patient").get(step_url(world, 1)).content.decode()
    assert "Hangzhou" not in html
    assert "We restored what you typed" not in html
    other_steps = world.client("caregiver").get(step_url(world, 2)).content.decode()
    assert "We restored what you typed" not in other_steps


def test_saving_the_step_drops_the_draft_and_clears_the_local_copy(world: World) -> None:
    client = world.client("patient")
    data = {**page_form(world, 1), "patient.city": "Shanghai", "next": "stay"}
    keep(client, world, data)
    keep(client, world, {**page_form(world, 2)}, number=2)
    assert client.post(step_url(world, 1), data).status_code == 302
    assert list(StepDraft.objects.values_list("step", flat=True)) == [2]  # step 2's stays
    html = client.get(step_url(world, 1)).content.decode()
    assert "data-draft-cleared" in html
    assert "data-draft-cleared" not in client.get(step_url(world, 1)).content.decode()  # once
    assert snapshot(world)[0]["patient"]["city"] == "Shanghai"


def test_a_draft_sent_after_its_own_save_is_not_kept(world: World) -> None:
    # the script sends typing a few seconds after a change; Save pressed in that time can reach
    # the server first, and the late draft must not bring the saved typing back as "unsaved"
    client = world.client("patient")
    data = {**page_form(world, 1), "patient.city": "Shanghai", "next": "stay"}
    assert client.post(step_url(world, 1), data).status_code == 302
    response = keep(client, world, data)
    assert (response.status_code, response.json()["kept"]) == (200, False)
    assert StepDraft.objects.count() == 0
    assert "draft-restored" not in client.get(step_url(world, 1)).content.decode()
    fresh = {**page_form(world, 1), "patient.city": "Beijing"}  # typing on the saved version
    assert keep(client, world, fresh).status_code == 200
    assert ("patient.city", "Beijing") in StepDraft.objects.get().pairs()
    other = world.client("caregiver")  # someone else's late draft is another matter
    assert keep(other, world, data).json()["step"] == 1


def test_save_and_continue_still_clears_the_saved_steps_browser_copy(world: World) -> None:
    # "continue" lands on the next step first; that page must not use up the saved step's flag
    client = world.client("patient")
    data = {**page_form(world, 1), "patient.city": "Shanghai", "next": "continue"}
    assert client.post(step_url(world, 1), data)["Location"] == step_url(world, 2)
    assert "data-draft-cleared" not in client.get(step_url(world, 2)).content.decode()
    assert "data-draft-cleared" in client.get(step_url(world, 1)).content.decode()


def test_a_save_that_is_refused_keeps_what_was_typed(world: World) -> None:
    client = world.client("patient")
    data = {**page_form(world, 1), "patient.age_years": "two hundred", "next": "stay"}
    response = client.post(step_url(world, 1), data)
    assert response.status_code == 400
    assert "data-draft-posted" in response.content.decode()
    assert ("patient.age_years", "two hundred") in StepDraft.objects.get().pairs()


def test_a_draft_older_than_someone_elses_save_is_not_saved_over_it(world: World) -> None:
    patient, caregiver = world.client("patient"), world.client("caregiver")
    keep(patient, world, {**page_form(world, 1), "patient.city": "Shanghai"})
    data = {**page_form(world, 1, "caregiver"), "patient.city": "Suzhou", "next": "stay"}
    assert caregiver.post(step_url(world, 1), data).status_code == 302
    restored = patient.get(step_url(world, 1)).content.decode()
    form = {k: v for k, v in _hidden_and_text(restored).items()}
    assert form["version"] == "1"  # the version the typing started from
    response = patient.post(step_url(world, 1), {**page_form(world, 1), **form, "next": "stay"})
    assert response.status_code == 409
    assert snapshot(world)[0]["patient"]["city"] == "Suzhou"


def _hidden_and_text(html: str) -> dict[str, str]:
    out = {}
    for name in ("version", "patient.city"):
        found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
        assert found is not None, name
        out[name] = found.group(1)
    return out


def test_discard_throws_the_draft_away(world: World) -> None:
    client = world.client("patient")
    keep(client, world, {**page_form(world, 1), "patient.city": "Shanghai"})
    url = reverse("drafts:discard", kwargs={"case_id": world.case.pk, "number": 1})
    response = client.post(url)
    assert response["Location"] == step_url(world, 1)
    assert not StepDraft.objects.exists()
    html = client.get(step_url(world, 1)).content.decode()
    assert "The unsaved changes were thrown away." in html
    assert "data-draft-cleared" in html


def test_no_draft_of_a_step_that_does_not_exist(world: World) -> None:
    client = world.client("patient")
    url = reverse("drafts:save", kwargs={"case_id": world.case.pk, "number": 7})
    assert client.post(url, {"patient.city": "x"}, **FETCH).status_code == 404
    assert not StepDraft.objects.exists()


def test_a_deleted_case_takes_its_drafts(world: World) -> None:
    keep(world.client("patient"), world, {"patient.city": "Shanghai"})
    CaseRecord.objects.filter(pk=world.case.pk).delete()
    assert not StepDraft.objects.exists()


# -- the idle time-out ---------------------------------------------------------------------------
def _age(client: Client, seconds: int) -> None:
    session = client.session
    session["seen_at"] = int(time.time()) - seconds
    session.save()


def _remaining(html: str) -> int:
    found = re.search(r'id="idle-warning"[^>]*data-remaining="(\d+)"', html, re.S)
    assert found is not None
    return int(found.group(1))


@pytest.mark.parametrize(("persona", "idle"), [("patient", 1800), ("coordinator", 900)])
def test_every_signed_in_page_carries_the_warning(world: World, persona: str, idle: int) -> None:
    client = world.client(persona)
    html = client.get(reverse("cases:dashboard")).content.decode()
    assert idle - 2 <= _remaining(html) <= idle
    assert f'data-lead="{min(120, idle // 4)}"' in html
    assert "Stay signed in" in html
    assert 'id="idle-warning"' not in Client().get(reverse("home")).content.decode()


def test_stay_signed_in_starts_the_idle_time_again(world: World) -> None:
    client = world.client("patient")
    client.get(reverse("cases:dashboard"))
    # A page read within the minute is not written back (the middleware), so the page says
    # how long is left from the last write.
    _age(client, 30)
    assert 1768 <= _remaining(client.get(reverse("cases:dashboard")).content.decode()) <= 1770
    answer = client.post(reverse("drafts:keepalive"), **FETCH).json()
    assert answer["remaining"] == 1800
    assert 1799 <= _remaining(client.get(reverse("cases:dashboard")).content.decode()) <= 1800


def test_keepalive_without_script_returns_to_the_page_and_never_elsewhere(world: World) -> None:
    client = world.client("patient")
    url = reverse("drafts:keepalive")
    assert client.post(url, {"next": "/cases/"})["Location"] == "/cases/"
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == "/"


def test_after_the_time_out_save_goes_to_sign_in_and_the_draft_endpoint_says_so(
    world: World,
) -> None:
    client = world.client("patient")
    data = {**page_form(world, 1), "patient.city": "Shanghai", "next": "stay"}
    client.get(reverse("cases:dashboard"))
    _age(client, 31 * 60)
    response = client.post(step_url(world, 1), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    login = client.get(response["Location"]).content.decode()
    assert "You were signed out after a while without activity" in login
    assert 'id="draft-kept" hidden' in login  # shown by the script when it holds a copy
    assert keep(client, world, data).status_code == 302  # the script reads: signed out
    assert not StepDraft.objects.exists()


def test_after_the_time_out_the_sign_in_page_is_in_the_persons_language(world: World) -> None:
    client = world.client("patient")
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # e.g. another browser
    client.get(reverse("cases:dashboard"))
    _age(client, 31 * 60)
    response = client.post(step_url(world, 1), {"next": "stay"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    login = client.get(response["Location"])
    assert login["Content-Language"] == "zh-hans"
