"""Issue 17's low findings on the web app, each reproduced and closed.

Rate limits shared by every server process (and new ones on sign-up, CDS Hooks, report PDFs and
packets); sign-up that does not tell taken user names from free ones; anonymous refusals
summarised; API tokens ended by a password change; ``no-store`` on pages with health data; the
patient's audit view without staff names or addresses; CDS Hooks multipart answered in JSON.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from api.models import ApiToken
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api import tokens
from audit.actions import Actor
from audit.models import AuditEvent
from crossroads.interop.cdshooks import SERVICE_ID
from crossroads_web.limits import VIEW_LIMITS
from crossroads_web.settings.base import cache_config
from tests.web.api.helpers import call
from tests.web.conftest import WEB, World
from tests.web.review_world import token_for

pytestmark = pytest.mark.integration
PASSWORD = "tall ships sail 42"
OFF = {name: "off" for name in ("login", "signup", "api", "api_ip", "cds", "pdf", "packet")}


def _limits(settings: Any, **on: str) -> None:
    caches["default"].clear()
    settings.CROSSROADS_RATE_LIMITS = {**OFF, **on}


# --- shared counts ---------------------------------------------------------------------------


def test_rate_limits_count_in_the_shared_database_cache_by_default() -> None:
    assert cache_config("") == {
        "default": {
            "BACKEND": "crossroads_web.dbcache.AtomicDatabaseCache",
            "LOCATION": "crossroads_cache",
        }
    }
    assert type(caches["default"]).__name__ == "AtomicDatabaseCache"


def test_redis_is_a_matter_of_configuration() -> None:
    assert cache_config("redis://cache.internal:6379/0")["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
    }
    with pytest.raises(ImproperlyConfigured, match="CROSSROADS_CACHE_URL must be a redis://"):
        cache_config("memcached://x")


COUNTER = r"""
import sys
import django
django.setup()
from crossroads_web.limits import Rate, over_limit
if sys.argv[1] == "table":
    from django.core.management import call_command
    call_command("createcachetable", verbosity=0)
else:
    refused = [over_limit("test", "one-address", Rate(45, 86400), now=1e9) for _ in range(30)]
    print(sum(wait is not None for wait in refused))
"""


def test_counts_add_up_across_two_server_processes(tmp_path: Path) -> None:
    """Two processes, 30 requests each against one limit of 45: exactly 15 refused in all."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}},
        "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CROSSROADS_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": os.pathsep.join([str(WEB), *sys.path]),
    }

    def run(arg: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-c", COUNTER, arg]
        return subprocess.Popen(command, cwd=WEB, env=env, stdout=subprocess.PIPE, text=True)

    table = run("table")
    table.communicate(timeout=120)
    assert table.returncode == 0
    workers = [run("count"), run("count")]
    refused = [int(worker.communicate(timeout=120)[0]) for worker in workers]
    assert sum(refused) == 15


def _url_names(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _url_names(entry, space)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_view_limit_names_a_view_that_exists() -> None:
    assert set(VIEW_LIMITS) - set(_url_names(get_resolver())) == set()


# --- new limits --------------------------------------------------------------------------------


def test_report_pdfs_are_limited_per_person(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cases.report_views._pdf", lambda *a: b"%PDF-1.7 stand-in")
    _limits(settings, pdf="2/60")
    url = reverse("cases:report_pdf", kwargs={"case_id": world.case.pk})
    patient = world.client("patient")
    statuses = [patient.get(url).status_code for _ in range(3)]
    last = patient.get(url)
    assert (statuses, world.client("caregiver").get(url).status_code) == ([200, 200, 429], 200)
    assert (last["Content-Type"], 1 <= int(last["Retry-After"]) <= 60) == (
        "text/plain; charset=utf-8",
        True,
    )
    assert last.content.decode().startswith("Too many requests. Please wait ")


def test_packet_builds_are_limited_on_pages_and_api(world: World, settings: Any) -> None:
    _limits(settings, packet="1/60")
    preview = reverse("cases:review_preview", kwargs={"case_id": world.case.pk})
    coordinator = world.client("coordinator")
    assert [coordinator.get(preview).status_code for _ in range(2)] == [200, 429]
    token = token_for(world, "coordinator")
    _limits(settings, packet="1/60")
    path = f"/cases/{world.case.pk}/packet"
    first, second = (call(world, "coordinator", "GET", path, token=token) for _ in range(2))
    assert (first.status_code, second.status_code) == (200, 429)
    assert json.loads(second.content)["detail"].startswith("Too many requests. Please wait ")


def test_cds_hook_calls_are_limited_per_address_with_json(world: World, settings: Any) -> None:
    _limits(settings, cds="2/60")
    url = reverse("interop:cds_service", kwargs={"service_id": SERVICE_ID})
    answers = [Client().post(url, "{}", content_type="application/json") for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 429]
    last = answers[-1]
    assert (last["Content-Type"], "Retry-After" in last) == ("application/json", True)
    assert json.loads(last.content)["error"].startswith("Too many requests. Please wait ")


def test_sign_up_is_limited_per_address(db: None, settings: Any) -> None:
    _limits(settings, signup="2/60")
    url = reverse("accounts:register")
    data = {"username": "new", "password1": "short", "password2": "short", "language": "en"}
    assert [Client().post(url, data).status_code for _ in range(3)] == [400, 400, 429]


# --- sign-up does not enumerate ----------------------------------------------------------------


def _register(username: str, password: str) -> tuple[int, str]:
    data = {"username": username, "password1": password, "password2": password, "language": "en"}
    response = Client().post(reverse("accounts:register"), data)
    html = response.content.decode().replace(f'value="{username}"', 'value="NAME"')
    return response.status_code, re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_sign_up_answers_the_same_for_taken_and_free_names(world: World) -> None:
    assert _register("pat", "12345678") == _register("tam", "12345678")
    status, html = _register("PAT", PASSWORD)  # a complete sign-up with a taken name
    assert status == 400
    assert "We could not make an account with these details." in html
    assert "taken" not in html


# --- anonymous refusals ------------------------------------------------------------------------


def test_anonymous_refusals_are_summarised_and_kept_out_of_the_case_audit(world: World) -> None:
    url = reverse("cases:overview", kwargs={"case_id": world.case.pk})
    stranger = Client()
    for _ in range(120):
        assert stranger.get(url).status_code == 302  # to the sign-in page
    rows = AuditEvent.objects.filter(action__startswith="access.denied", role="anonymous")
    assert [(e.action, e.case_id, e.detail.get("count"), e.detail["case"]) for e in rows] == [
        ("access.denied", None, None, world.case.pk),
        ("access.denied_repeat", None, 10, world.case.pk),
        ("access.denied_repeat", None, 100, world.case.pk),
    ]
    page = world.client("patient").get(reverse("cases:audit", kwargs={"case_id": world.case.pk}))
    assert "was refused access" not in page.content.decode()


# --- tokens and passwords ----------------------------------------------------------------------


def test_a_new_password_ends_the_accounts_api_tokens(world: World) -> None:
    user = world.users["patient"]
    token, raw = tokens.issue(Actor.system("test"), user, "planner")
    other, _raw = tokens.issue(Actor.system("test"), world.users["caregiver"], "theirs")
    client = world.client("patient")
    response = client.post(
        reverse("accounts:password"),
        {"old_password": "correct horse battery staple", "new_password": "a brand new phrase 7"},
    )
    assert response.status_code == 302
    assert (tokens.user_for(raw), ApiToken.objects.get(pk=other.pk).usable()) == (None, True)
    event = AuditEvent.objects.filter(action="api_token.revoke").get()
    assert (event.actor_name, event.detail) == (
        "password change",
        {"tokens": [token.pk], "user": user.pk, "why": "password"},
    )


def test_saving_an_account_without_a_new_password_keeps_its_tokens(world: World) -> None:
    user = world.users["patient"]
    _token, raw = tokens.issue(Actor.system("test"), user, "planner")
    user.refresh_from_db()
    user.save(update_fields=["password"])  # what a hash upgrade at sign-in looks like
    user.language = "zh-hans"
    user.save()
    assert tokens.user_for(raw) == user


# --- no-store ----------------------------------------------------------------------------------


def test_pages_with_health_data_are_never_stored(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cases.report_views._pdf", lambda *a: b"%PDF-1.7 stand-in")
    case = {"case_id": world.case.pk}
    urls = [
        reverse("cases:overview", kwargs=case),
        reverse("cases:step", kwargs={**case, "number": 2}),
        reverse("cases:report", kwargs=case),
        reverse("cases:report_pdf", kwargs=case),
        reverse("interop:fhir_export", kwargs=case),
        reverse("cases:audit", kwargs=case),
        reverse("cases:audit_csv", kwargs=case),
        reverse("cases:dashboard"),
    ]
    client = world.client("patient")
    seen = {url: (r.status_code, r.get("Cache-Control")) for url in urls for r in [client.get(url)]}
    assert seen == {url: (200, "no-store") for url in urls}
    api = call(world, "patient", "GET", f"/cases/{world.case.pk}")
    assert (api.status_code, api["Cache-Control"]) == (200, "no-store")


# --- the patient's audit view ------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_patients_audit_shows_staff_by_role_and_no_addresses(world: World) -> None:
    overview = reverse("cases:overview", kwargs={"case_id": world.case.pk})
    for persona in ("coordinator", "caregiver", "admin", "outsider_patient"):
        world.client(persona).get(overview)
    audit_csv = reverse("cases:audit_csv", kwargs={"case_id": world.case.pk})
    rows = _csv(world.client("patient").get(audit_csv))
    assert [(r[2], r[3], r[7]) for r in rows[1:]] == [
        ("your coordinator", "coordinator", ""),
        ("care", "caregiver", ""),
        ("an administrator", "admin", ""),
        ("another account", "patient", ""),
        ("pat", "patient", ""),
    ]
    page = world.client("patient").get(reverse("cases:audit", kwargs={"case_id": world.case.pk}))
    html = page.content.decode()
    assert ("<td>your coordinator</td>" in html, "<td>coord</td>" in html) == (True, False)
    assert ("127.0.0.1" in html, "pat2" in html) == (False, False)
    staff = _csv(world.client("admin").get(audit_csv))
    assert [(r[2], r[7]) for r in staff[1:3]] == [("coord", "127.0.0.1"), ("care", "127.0.0.1")]


# --- CDS Hooks ---------------------------------------------------------------------------------


def test_cds_multipart_gets_a_json_415(db: None) -> None:
    upload = BytesIO(b'{"hook": "patient-view"}')
    upload.name = "call.json"
    url = reverse("interop:cds_service", kwargs={"service_id": SERVICE_ID})
    response = Client().post(url, {"file": upload})
    assert (response.status_code, response["Content-Type"], json.loads(response.content)) == (
        415,
        "application/json",
        {"error": "send the hook call as JSON (Content-Type: application/json)."},
    )
