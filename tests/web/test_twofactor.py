"""Two-step sign-in: staff set up an authenticator before any page, and give a code each time.

The gate (accounts/twofactor_middleware.py) is checked against every URL of the permission
matrix; enrolment, the code step, recovery codes and their audit events against the pages.
Codes are computed here from the device's secret with django-otp's own TOTP.
"""

from __future__ import annotations

import base64
import io
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from api.models import ApiToken
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import User
from audit.actions import Actor
from audit.models import AuditEvent
from tests.web.conftest import World, sign_in
from tests.web.test_permission_matrix import MATRIX

pytestmark = pytest.mark.integration
SETUP = "/accounts/two-step/"
VERIFY = "/accounts/two-step/code/"
CODES = "/accounts/two-step/recovery-codes/"
PASSWORD = "correct horse battery staple"  # tests/web/factories.py
OPEN = {
    "accounts:twofactor_setup",
    "accounts:twofactor_verify",
    "accounts:logout",
    "set_language",
    "floor",
}
STAFF = ("coordinator", "reviewer", "admin")


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` time steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A six-digit code that matches none of the steps the device accepts now."""
    near = {code_for(device, offset) for offset in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in near)


def unthrottle(user: User) -> None:
    """Forget earlier failures, as waiting out django-otp's back-off would."""
    for device in TOTPDevice.objects.filter(user=user):
        device.throttle_reset()


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """An authenticator switched on with a right code, and the recovery codes that came with it."""
    device = twofactor.pending_authenticator(user)
    done = twofactor.confirm_authenticator(Actor.system("test"), device, code_for(device))
    assert done is not None
    return done


def password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def actions_of(user: User) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(actor_id=user.pk, action__startswith="account.otp")
        .order_by("id")
        .values_list("action", "outcome")
    )


def _urls(world: World) -> list[tuple[str, str, str]]:
    """(name, method, path) for every URL and method of the permission matrix."""
    out = []
    for name, row in MATRIX.items():
        variant = row.variants[0] if row.variants else {}
        path = reverse(name, kwargs={**row.kwargs(world), **variant})
        out += [(name, method, path) for method, t in (("GET", row.get), ("POST", row.post)) if t]
    return out


@pytest.mark.parametrize("persona", STAFF)
def test_staff_without_authenticator_is_sent_to_setup_from_every_page(
    world: World, persona: str
) -> None:
    sent = {}
    for name, method, path in _urls(world):
        if name in OPEN:
            if not name.startswith("accounts:twofactor"):  # those two send on by themselves
                response = password_only(world.users[persona]).post(path, {})
                assert not response.get("Location", "").startswith(SETUP), name
            continue
        client = password_only(world.users[persona])  # fresh: one of the pages signs out
        response = client.get(path) if method == "GET" else client.post(path, {})
        assert response.status_code == 302, (name, method)
        location = urlsplit(response["Location"])
        assert location.path == SETUP, (name, method)
        sent[(name, method)] = parse_qs(location.query).get("next", [""])[0]
        assert sent[(name, method)] == (path if method == "GET" else ""), (name, method)
    assert {name for name, _method in sent} == set(MATRIX) - OPEN
    assert ("cases:overview", "GET") in sent
    assert ("api_tokens:list", "POST") in sent
    assert not TOTPDevice.objects.filter(user=world.users[persona], confirmed=True).exists()


def test_enrolment_shows_qr_and_secret_then_recovery_codes_once(world: World) -> None:
    user = world.users["coordinator"]
    client = password_only(user)
    overview = reverse("cases:overview", kwargs={"case_id": world.case.pk})
    page = client.get(f"{SETUP}?next={overview}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your account can open health records, so it needs a second step" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'<code id="twofactor-secret">([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    assert base64.b32decode(secret.group(1).replace(" ", "")) == device.bin_key
    image = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert image is not None
    assert b"<svg" in base64.b64decode(image.group(1))
    assert client.get(SETUP).content.decode().count(secret.group(1)) == 1  # same secret on reload

    wrong = client.post(SETUP, {"code": wrong_code_for(device), "next": overview})
    assert wrong.status_code == 400
    assert "This code is not right." in wrong.content.decode()
    unthrottle(user)
    right = client.post(SETUP, {"code": code_for(device), "next": overview})
    assert right.status_code == 302
    assert right["Location"] == f"{CODES}?next={overview.replace('/', '%2F')}"

    shown = client.get(right["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(set(codes)) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert f'href="{overview}"' in shown
    again = client.get(CODES).content.decode()
    assert re.findall(r"<li><code>", again) == []
    assert "Recovery codes left: 10." in again
    assert client.get(overview).status_code == 200
    assert actions_of(user) == [("account.otp_failed", "denied"), ("account.otp_enrol", "ok")]


def test_sign_in_asks_for_a_code_and_refuses_a_wrong_one(world: World) -> None:
    user = world.users["reviewer"]
    device, _codes = enrol(user)
    client = Client()
    inbox = reverse("reviews:inbox")
    signed = client.post(reverse("accounts:login"), {"username": "rev", "password": PASSWORD})
    assert signed.status_code == 302
    sent = client.get(inbox)
    assert sent["Location"] == f"{VERIFY}?next={inbox.replace('/', '%2F')}"

    wrong = client.post(VERIFY, {"code": wrong_code_for(device), "next": inbox})
    assert wrong.status_code == 400
    assert "This code is not right." in wrong.content.decode()
    assert client.get(inbox).status_code == 302
    too_soon = client.post(VERIFY, {"code": code_for(device, 1), "next": inbox})
    assert too_soon.status_code == 429  # django-otp's back-off after a failure
    assert "Too many wrong codes in a row." in too_soon.content.decode()

    unthrottle(user)
    right = client.post(VERIFY, {"code": code_for(device, 1), "next": inbox})
    assert (right.status_code, right["Location"]) == (302, inbox)
    assert client.get(inbox).status_code == 200
    assert actions_of(user) == [
        ("account.otp_failed", "denied"),
        ("account.otp_failed", "denied"),
        ("account.otp_verify", "ok"),
    ]


def test_the_same_totp_code_works_only_once(world: World) -> None:
    user = world.users["admin"]
    device = twofactor.pending_authenticator(user)
    code = code_for(device)
    assert twofactor.confirm_authenticator(Actor.system("test"), device, code) is not None
    response = password_only(user).post(VERIFY, {"code": code})
    assert response.status_code == 400


def test_recovery_code_works_once_only(world: World) -> None:
    user = world.users["coordinator"]
    _device, codes = enrol(user)
    first = password_only(user)
    response = first.post(VERIFY, {"code": codes[3].upper()}, follow=True)
    assert response.redirect_chain[0] == ("/cases/", 302)
    assert "Recovery codes left: 9." in response.content.decode()
    event = AuditEvent.objects.filter(action="account.otp_recovery").get()
    assert event.detail == {"codes_left": 9}

    second = password_only(user)
    again = second.post(VERIFY, {"code": codes[3]})
    assert again.status_code == 400
    assert second.get(reverse("cases:dashboard"))["Location"].startswith(VERIFY)
    assert twofactor.recovery_codes_left(user) == 9


def test_new_recovery_codes_replace_the_old_ones(world: World) -> None:
    user = world.users["coordinator"]
    _device, old = enrol(user)
    client = Client()
    sign_in(client, user)
    made = client.post(CODES, follow=True).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", made)
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert twofactor.recovery_codes_left(user) == 10
    assert password_only(user).post(VERIFY, {"code": old[0]}).status_code == 400


def test_patient_is_not_asked_but_may_choose_it(world: World) -> None:
    user = world.users["patient"]
    overview = reverse("cases:overview", kwargs={"case_id": world.case.pk})
    assert password_only(user).get(overview).status_code == 200
    page = password_only(user).get(SETUP).content.decode()
    assert "This is your choice." in page
    device, _codes = enrol(user)
    later = password_only(user)
    assert later.get(overview)["Location"].startswith(VERIFY)
    assert later.post(VERIFY, {"code": code_for(device, 1)}).status_code == 302
    assert later.get(overview).status_code == 200


def test_api_token_is_made_only_after_the_code_step(world: World) -> None:
    user = world.users["coordinator"]
    device, _codes = enrol(user)
    client = password_only(user)
    url = reverse("api_tokens:list")
    refused = client.post(url, {"label": "tool", "days": 30})
    assert refused["Location"].startswith(VERIFY)
    assert ApiToken.objects.filter(user=user).count() == 0
    client.post(VERIFY, {"code": code_for(device, 1)})
    assert client.post(url, {"label": "tool", "days": 30}).status_code == 302
    assert ApiToken.objects.filter(user=user).count() == 1


def test_api_bearer_tokens_are_not_asked_for_a_code(world: World) -> None:
    from api import tokens

    user = world.users["coordinator"]
    _token, raw = tokens.issue(Actor.system("test"), user, "tool", 30)
    response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_foreign_next_is_not_followed(world: World) -> None:
    user = world.users["coordinator"]
    device, _codes = enrol(user)
    client = password_only(user)
    response = client.post(VERIFY, {"code": code_for(device, 1), "next": "https://evil.example/"})
    assert response["Location"] == "/cases/"


def test_pages_in_chinese(world: World) -> None:
    user = world.users["coordinator"]
    User.objects.filter(pk=user.pk).update(language="zh-hans")
    user.refresh_from_db()
    setup = password_only(user).get(SETUP).content.decode()
    assert "设置两步登录" in setup
    assert "您的账户可以打开健康记录" in setup
    device, _codes = enrol(user)
    verify = password_only(user).get(VERIFY).content.decode()
    assert "登录验证码" in verify
    wrong = password_only(user).post(VERIFY, {"code": wrong_code_for(device)})
    assert "验证码不对" in wrong.content.decode()


def test_throttled_recovery_codes_are_refused_even_when_right(world: World) -> None:
    user = world.users["coordinator"]
    _device, codes = enrol(user)
    client = password_only(user)
    assert client.post(VERIFY, {"code": "aaaaaaaa"}).status_code == 400
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 429
    assert twofactor.recovery_codes_left(user) == 10


def test_load_demo_prints_each_staff_accounts_authenticator(world: World) -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    for username in ("demo-coordinator", "demo-reviewer", "demo-admin"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        line = next(x for x in text.splitlines() if x.strip().startswith(username + " "))
        assert line.split()[1:] == [secret, twofactor.otpauth_uri(device)]
    assert not TOTPDevice.objects.filter(user__username="demo-patient").exists()
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert secret in again.getvalue()  # the authenticator is kept across restarts


def test_backup_keeps_the_authenticators_and_recovery_codes(world: World) -> None:
    from cases.backup import snapshot

    device, codes = enrol(world.users["coordinator"])
    tables = snapshot()["tables"]
    assert [row["fields"]["key"] for row in tables["otp_totp.totpdevice"]] == [device.key]
    assert sorted(row["fields"]["token"] for row in tables["otp_static.statictoken"]) == sorted(
        codes
    )
