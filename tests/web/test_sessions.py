"""Sign-in safety: lock-out after repeated failures, idle and absolute session time-outs."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.web.conftest import World

pytestmark = pytest.mark.integration
RIGHT = "correct horse battery staple"


def _login(client: Client, password: str) -> int:
    response = client.post(reverse("accounts:login"), {"username": "pat", "password": password})
    return response.status_code


def test_five_failures_lock_the_account(world: World) -> None:
    client = Client()
    assert [_login(client, "wrong") for _ in range(4)] == [400, 400, 400, 400]
    assert _login(client, "wrong") == 429
    response = client.post(reverse("accounts:login"), {"username": "pat", "password": RIGHT})
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert AuditEvent.objects.filter(action="account.login_failed").count() == 6  # locked try too


def test_right_password_signs_in_and_is_recorded(world: World) -> None:
    client = Client()
    assert _login(client, RIGHT) == 302
    event = AuditEvent.objects.get(action="account.login")
    assert (event.actor_name, event.role, event.ip) == ("pat", "patient", "127.0.0.1")


def _age_session(client: Client, **ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, seconds in ago.items():
        session[key] = now - seconds
    session.save()


@pytest.mark.parametrize(
    ("persona", "idle", "signed_out"),
    [
        ("patient", 29 * 60, False),
        ("patient", 31 * 60, True),
        ("coordinator", 14 * 60, False),
        ("coordinator", 16 * 60, True),
    ],
)
def test_idle_time_out(world: World, persona: str, idle: int, signed_out: bool) -> None:
    client = world.client(persona)
    client.get(reverse("cases:dashboard"))
    _age_session(client, seen_at=idle)
    response = client.get(reverse("cases:dashboard"))
    assert (response.status_code == 302) is signed_out


def test_absolute_time_out(world: World) -> None:
    client = world.client("patient")
    client.get(reverse("cases:dashboard"))
    _age_session(client, started_at=settings.SESSION_COOKIE_AGE + 60, seen_at=10)
    response = client.get(reverse("cases:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_out_ends_the_session(world: World) -> None:
    client = world.client("patient")
    url = reverse("cases:overview", kwargs={"case_id": world.case.pk})
    assert client.get(url).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(url).status_code == 302
