"""Caregiver invitations: single use, expiring, cancellable; revoking access is immediate."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import CaregiverGrant, Invite
from tests.web.conftest import INVITE_TOKEN, World

pytestmark = pytest.mark.integration
PASSWORD = "tall ships sail 42"


def _register_through(token: str, username: str) -> tuple[Client, int]:
    client = Client()
    response = client.post(
        reverse("invite", kwargs={"token": token}),
        {"username": username, "password1": PASSWORD, "password2": PASSWORD, "language": "en"},
    )
    return client, response.status_code


def test_invite_link_is_shown_once_and_works_once(world: World) -> None:
    owner = world.client("patient")
    url = reverse("cases:caregivers", kwargs={"case_id": world.case.pk})
    response = owner.post(url, {"label": "my son"}, follow=True)
    page = response.content.decode()
    link = re.search(r'id="invite-link">http://testserver(/invite/[^<]+/)</code>', page)
    assert link is not None
    token = link.group(1).split("/")[2]
    assert "invite-link" not in owner.get(url).content.decode()
    invite = Invite.objects.get(label="my son")
    assert invite.token_digest != token and len(invite.token_digest) == 64

    client, status = _register_through(token, "helper")
    assert status == 302
    helper = User.objects.get(username="helper")
    assert helper.role == "caregiver"
    overview = reverse("cases:overview", kwargs={"case_id": world.case.pk})
    assert client.get(overview).status_code == 200

    _second, status = _register_through(token, "helper2")
    assert status == 410
    assert not User.objects.filter(username="helper2").exists()


def test_expired_invite_does_not_work(world: World) -> None:
    Invite.objects.filter(pk=world.invite.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = Client().get(reverse("invite", kwargs={"token": INVITE_TOKEN}))
    assert response.status_code == 410
    _client, status = _register_through(INVITE_TOKEN, "late")
    assert status == 410
    assert not User.objects.filter(username="late").exists()


def test_unknown_token_is_404(db: None) -> None:
    assert Client().get(reverse("invite", kwargs={"token": "nope"})).status_code == 404


def test_cancelled_invite_does_not_work(world: World) -> None:
    owner = world.client("patient")
    owner.post(
        reverse(
            "cases:invite_cancel", kwargs={"case_id": world.case.pk, "invite_id": world.invite.pk}
        )
    )
    _client, status = _register_through(INVITE_TOKEN, "toolate")
    assert status == 410


def test_existing_caregiver_accepts_after_sign_in(world: World) -> None:
    other = world.client("outsider_caregiver")
    response = other.post(reverse("invite", kwargs={"token": INVITE_TOKEN}))
    assert response.status_code == 302
    assert (
        CaregiverGrant.objects.filter(
            case=world.case, caregiver=world.users["outsider_caregiver"], revoked_at__isnull=True
        ).count()
        == 1
    )


def test_patient_account_cannot_accept(world: World) -> None:
    response = world.client("outsider_patient").post(
        reverse("invite", kwargs={"token": INVITE_TOKEN})
    )
    assert response.status_code == 302
    world.invite.refresh_from_db()
    assert world.invite.used_at is None


def test_revoke_is_immediate(world: World) -> None:
    caregiver = world.client("caregiver")
    overview = reverse("cases:overview", kwargs={"case_id": world.case.pk})
    assert caregiver.get(overview).status_code == 200
    world.client("patient").post(
        reverse(
            "cases:caregiver_revoke", kwargs={"case_id": world.case.pk, "grant_id": world.grant.pk}
        )
    )
    assert caregiver.get(overview).status_code == 404
    assert caregiver.get(reverse("cases:dashboard")).context["cases"] == []
