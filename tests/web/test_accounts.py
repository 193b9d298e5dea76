"""Accounts for real people: e-mail and password reset, settings, time zones, the invitation
page, staff tools hidden from patients and caregivers, the language toggle, the PDF cache."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from api.models import ApiToken
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.templatetags.zones import when
from accounts.views import first_name
from accounts.zones import (
    country_zones,
    offset_label,
    valid_zone,
    zone_for,
    zone_for_country,
    zone_label,
    zone_names,
)
from audit.models import AuditEvent
from cases.models import CaseRecord
from tests.web.conftest import INVITE_TOKEN, World

pytestmark = pytest.mark.integration
PASSWORD = "tall ships sail 42"
NEW_PASSWORD = "green rivers bend 77"
LINK = re.compile(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)")


def _register(client: Client, name: str, email: str = "", language: str = "en") -> Any:
    return client.post(
        reverse("accounts:register"),
        {
            "username": name,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "language": language,
            "email": email,
        },
    )


# -- e-mail at sign-up and in the settings ----------------------------------------------------
def test_sign_up_keeps_the_email_and_it_stays_optional(db: None) -> None:
    assert _register(Client(), "with_mail", "daughter@example.org").status_code == 302
    assert _register(Client(), "without_mail").status_code == 302
    assert User.objects.get(username="with_mail").email == "daughter@example.org"
    assert User.objects.get(username="without_mail").email == ""


def test_sign_up_refuses_a_malformed_email_and_keeps_the_rest(db: None) -> None:
    response = _register(Client(), "typo_mail", "daughter-at-example.org")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in body
    assert 'value="typo_mail"' in body
    assert not User.objects.filter(username="typo_mail").exists()


def test_settings_save_email_and_zone_and_audit_only_field_names(world: World) -> None:
    client = world.client("patient")
    url = reverse("accounts:settings")
    response = client.post(url, {"email": "pat@example.org", "time_zone": "Asia/Shanghai"})
    assert (response.status_code, response["Location"]) == (302, url)
    user = User.objects.get(pk=world.users["patient"].pk)
    assert (user.email, user.time_zone) == ("pat@example.org", "Asia/Shanghai")
    event = AuditEvent.objects.filter(action="account.settings").get()
    assert event.detail == {"fields": ["email", "time_zone"]}
    assert "pat@example.org" not in str(event.detail)
    client.post(url, {"email": "pat@example.org", "time_zone": "Asia/Shanghai"})  # no change
    assert AuditEvent.objects.filter(action="account.settings").count() == 1


def test_settings_refuse_an_unknown_zone(world: World) -> None:
    client = world.client("caregiver")
    response = client.post(reverse("accounts:settings"), {"email": "", "time_zone": "Mars/Base"})
    assert response.status_code == 400
    assert User.objects.get(pk=world.users["caregiver"].pk).time_zone == ""


def test_settings_page_offers_automatic_with_what_it_gives(world: World) -> None:
    client = world.client("patient")
    client.cookies["browser_tz"] = "Europe/Berlin"
    body = client.get(reverse("accounts:settings")).content.decode()
    assert re.search(r'<option value="" selected>Automatic \(now: Europe/Berlin, UTC\+\d\)', body)
    assert '<option value="Asia/Shanghai">Asia/Shanghai</option>' in body


# -- password reset ---------------------------------------------------------------------------
def test_password_reset_by_email_end_to_end(world: World) -> None:
    user = world.users["patient"]
    User.objects.filter(pk=user.pk).update(email="pat@example.org")
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "PAT@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (
        ["pat@example.org"],
        "Crossroads: choose a new password",
    )
    assert 'Crossroads account "pat"' in message.body
    found = LINK.search(message.body)
    assert found is not None
    link = client.get(found.group(1))
    assert link.status_code == 302  # Django swaps the token for a session mark, then shows form
    form_page = client.get(link["Location"])
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        link["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    actions = list(
        AuditEvent.objects.filter(action__startswith="account.").values_list("action", "actor_id")
    )
    assert actions[-2:] == [("account.reset_request", None), ("account.password_reset", user.pk)]
    # The link works once.
    again = client.get(found.group(1), follow=True)
    assert "This link does not work any more" in again.content.decode()


def test_password_reset_ends_api_tokens_and_keeps_the_weak_password_out(world: World) -> None:
    user = world.users["coordinator"]
    User.objects.filter(pk=user.pk).update(email="coord@example.org")
    ApiToken.objects.create(
        user=user, label="x", digest="d" * 64, expires_at=timezone.now() + dt.timedelta(days=9)
    )
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "coord@example.org"})
    path = LINK.search(mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    form_url = client.get(path)["Location"]
    weak = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400
    assert "At least 12 characters" in weak.content.decode()
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0


def test_password_reset_says_the_same_for_unknown_addresses(world: World) -> None:
    known = world.users["patient"]
    User.objects.filter(pk=known.pk).update(email="pat@example.org")
    url = reverse("accounts:password_reset")
    one = Client().post(url, {"email": "pat@example.org"}, follow=True)
    two = Client().post(url, {"email": "nobody@example.org"}, follow=True)
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", one.content) == token.sub(b"", two.content)
    assert len(mail.outbox) == 1
    assert "nobody@example.org" not in str(list(AuditEvent.objects.values_list("detail")))


def test_password_reset_email_in_chinese(world: World) -> None:
    User.objects.filter(pk=world.users["patient"].pk).update(email="pat@example.org")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("accounts:password_reset")).content.decode()
    assert "忘记密码了？" in page
    client.post(reverse("accounts:password_reset"), {"email": "pat@example.org"})
    message = mail.outbox[0]
    assert message.subject == "Crossroads：设置新密码"
    assert "链接在两小时内有效，只能用一次。" in message.body


def test_password_reset_requests_are_rate_limited_per_address(world: World, settings: Any) -> None:
    cache.clear()
    settings.CROSSROADS_RATE_LIMITS = {**settings.CROSSROADS_RATE_LIMITS, "reset": "2/3600"}
    url = reverse("accounts:password_reset")
    statuses = [Client().post(url, {"email": f"n{i}@example.org"}).status_code for i in range(3)]
    assert statuses == [302, 302, 429]


def test_sign_in_page_links_to_the_reset(db: None) -> None:
    body = Client().get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in body


# -- time zones -------------------------------------------------------------------------------
def test_zone_tables_come_from_tzdata() -> None:
    assert country_zones()["CN"] == ("Asia/Shanghai", "Asia/Urumqi")
    assert country_zones()["US"][0] == "America/New_York"
    assert "Asia/Shanghai" in zone_names() and "UTC" in zone_names()
    assert "US/Pacific" not in zone_names()  # legacy aliases are not offered


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Asia/Shanghai", "Asia/Shanghai"),
        ("UTC", "UTC"),
        ("Mars/Base", None),
        ("", None),
        ("../etc/passwd", None),
        (None, None),
        ("A" * 65, None),
    ],
)
def test_valid_zone(name: object, expected: str | None) -> None:
    assert valid_zone(name) == expected


@pytest.mark.parametrize(
    ("country", "browser", "expected"),
    [
        ("CN", None, "Asia/Shanghai"),
        ("cn", "Europe/Berlin", "Asia/Shanghai"),  # travelling: the case's country wins
        ("US", "America/Los_Angeles", "America/Los_Angeles"),  # the browser's, in the country
        ("US", None, "America/New_York"),
        ("XX", "Europe/Berlin", None),
        (None, "Europe/Berlin", None),
    ],
)
def test_zone_for_country(country: str | None, browser: str | None, expected: str | None) -> None:
    assert zone_for_country(country, browser) == expected


def test_zone_for_follows_choice_then_case_country_then_browser(world: World) -> None:
    patient = world.users["patient"]
    caregiver = world.users["caregiver"]
    assert zone_for(patient, "Europe/Berlin") == "Europe/Berlin"  # no country on the case
    assert zone_for(patient, None) == "UTC"
    data = dict(world.case.data)
    data["patient"] = {**data["patient"], "country": "CN"}
    CaseRecord.objects.filter(pk=world.case.pk).update(data=data)
    assert zone_for(patient, "Europe/Berlin") == "Asia/Shanghai"
    assert zone_for(caregiver, None) == "Asia/Shanghai"  # through the grant
    assert zone_for(world.users["outsider_caregiver"], None) == "UTC"  # B has no country
    assert zone_for(world.users["coordinator"], "Europe/Paris") == "Europe/Paris"
    patient.time_zone = "America/Chicago"
    assert zone_for(patient, "Europe/Berlin") == "America/Chicago"


@pytest.mark.parametrize(
    ("zone", "moment", "expected"),
    [
        ("Asia/Shanghai", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "UTC+8"),
        ("UTC", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "UTC"),
        ("America/New_York", dt.datetime(2026, 1, 15, tzinfo=dt.UTC), "UTC-5"),
        ("America/New_York", dt.datetime(2026, 7, 15, tzinfo=dt.UTC), "UTC-4"),
        ("Asia/Kolkata", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "UTC+5:30"),
        ("America/St_Johns", dt.datetime(2026, 1, 15, tzinfo=dt.UTC), "UTC-3:30"),
    ],
)
def test_offset_label(zone: str, moment: dt.datetime, expected: str) -> None:
    assert offset_label(zone, moment) == expected


def test_zone_label() -> None:
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert zone_label("Asia/Shanghai", moment) == "Asia/Shanghai, UTC+8"
    assert zone_label("UTC", moment) == "UTC"


def test_when_filter_shows_local_time_with_its_offset() -> None:
    moment = dt.datetime(2026, 12, 6, 18, 22, tzinfo=dt.UTC)
    with timezone.override("Asia/Shanghai"):
        assert when(moment) == "2026-12-07 02:22 (UTC+8)"
        assert when(moment, "Y-m-d H:i:s") == "2026-12-07 02:22:00 (UTC+8)"
    with timezone.override("UTC"):
        assert when(moment) == "2026-12-06 18:22 (UTC)"
    assert when(None) == when("2026-12-06") == ""


def test_pages_show_times_in_the_persons_zone_with_label(world: World) -> None:
    User.objects.filter(pk=world.users["patient"].pk).update(time_zone="Asia/Shanghai")
    stamp = dt.datetime(2026, 3, 1, 20, 5, tzinfo=dt.UTC)
    CaseRecord.objects.filter(pk=world.case.pk).update(updated_at=stamp)
    body = world.client("patient").get(reverse("cases:dashboard")).content.decode()
    assert "2026-03-02 04:05 (UTC+8)" in body
    assert "Times are shown in your time zone: Asia/Shanghai, UTC+8." in body
    other = world.client("outsider_patient").get(reverse("cases:dashboard")).content.decode()
    assert "Times are shown in your time zone: UTC." in other


def test_the_browser_zone_counts_until_one_is_chosen(world: World) -> None:
    client = world.client("coordinator")
    client.cookies["browser_tz"] = "Europe/Berlin"
    assert "Europe/Berlin, UTC+" in client.get(reverse("cases:dashboard")).content.decode()
    client.cookies["browser_tz"] = "Not/AZone"
    assert "time zone: UTC." in client.get(reverse("cases:dashboard")).content.decode()


def test_the_zone_is_switched_off_after_the_request(world: World) -> None:
    User.objects.filter(pk=world.users["patient"].pk).update(time_zone="Asia/Tokyo")
    world.client("patient").get(reverse("cases:dashboard"))
    assert timezone.get_current_timezone_name() == "UTC"


# -- invitation -------------------------------------------------------------------------------
def test_invitation_names_the_inviter_and_the_patients_first_name(world: World) -> None:
    User.objects.filter(pk=world.users["patient"].pk).update(first_name="Mei Chen")
    body = Client().get(reverse("invite", kwargs={"token": INVITE_TOKEN})).content.decode()
    assert "Mei Chen invites you to help with Canary's case." in body
    assert "Person" not in body  # the family name stays out


def test_invitation_in_chinese(world: World) -> None:
    data = dict(world.case.data)
    data["patient"] = {**data["patient"], "name": "王芳"}
    CaseRecord.objects.filter(pk=world.case.pk).update(data=data)
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    body = client.get(reverse("invite", kwargs={"token": INVITE_TOKEN})).content.decode()
    assert "pat 邀请您帮忙照看芳的病例。" in body
    assert "王" not in body


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Canary Person", "Canary"),
        ("  Wei   Li ", "Wei"),
        ("李伟", "伟"),
        ("欧阳娜娜", "娜娜"),  # a two-character family name
        ("司马光", "光"),
        ("欧阳", "阳"),  # too short for a two-character family name and a given name
        ("欧伟", "伟"),
        ("Madonna", "Madonna"),
        ("", ""),
        (None, ""),
    ],
)
def test_first_name(name: str | None, expected: str) -> None:
    assert first_name({"patient": {"name": name}}) == expected


def test_first_name_without_patient() -> None:
    assert first_name({}) == first_name(None) == ""


# -- navigation: staff tools, language toggle --------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("patient", False),
        ("caregiver", False),
        ("coordinator", True),
        ("reviewer", True),
        ("admin", True),
    ],
)
def test_api_tokens_link_only_for_staff(world: World, persona: str, shown: bool) -> None:
    body = world.client(persona).get(reverse("accounts:settings")).content.decode()
    assert ('href="/api-tokens/"' in body) is shown
    assert 'href="/accounts/settings/"' in body


@pytest.mark.parametrize(
    ("persona", "export", "import_"),
    [("patient", False, False), ("caregiver", False, False), ("coordinator", True, True)],
)
def test_fhir_links_only_for_the_care_team(
    world: World, persona: str, export: bool, import_: bool
) -> None:
    overview = world.client(persona).get(reverse("cases:overview", args=[world.case.pk]))
    body = overview.content.decode()
    assert ("FHIR Bundle" in body) is (export or import_)
    assert (reverse("interop:fhir_export", args=[world.case.pk]) in body) is export
    assert (reverse("interop:fhir_import") in body) is import_


@pytest.mark.parametrize(("lang", "current", "other"), [("en", "English", "简体中文")])
def test_language_toggle_marks_the_current_one(
    db: None, lang: str, current: str, other: str
) -> None:
    body = Client().get("/").content.decode()
    assert re.search(
        rf'value="en"[^>]*\s+class="current" aria-current="true"><span aria-hidden="true">✓ '
        rf"</span>{current}</button>",
        body,
    )
    assert re.search(rf'value="zh-hans"[^>]*\s+class="link">{other}</button>', body)
    with translation.override("zh-hans"):
        client = Client()
        client.cookies["django_language"] = "zh-hans"
        zh = client.get("/").content.decode()
    assert re.search(r'value="zh-hans"[^>]*\s+class="current" aria-current="true">', zh)
    assert re.search(r'value="en"[^>]*\s+class="link">English</button>', zh)
