"""Configuration: production refuses to start half-configured, passes Django's deployment check,
SQLite is durable, and every response carries the security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import Client
from django.urls import reverse

from crossroads_web.settings.base import database_config
from tests.web.conftest import ROOT, WEB, World

pytestmark = pytest.mark.integration


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=WEB,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_environment() -> None:
    result = _manage(["check"], {"DJANGO_SETTINGS_MODULE": "crossroads_web.settings.production"})
    assert result.returncode == 1
    assert (
        "Production settings need these environment variables: SECRET_KEY, DATABASE_URL, "
        "ALLOWED_HOSTS." in result.stderr
    )


def test_production_refuses_weak_secret_key(tmp_path: Path) -> None:
    result = _manage(
        ["check"],
        {
            "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.production",
            "SECRET_KEY": "short",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "crossroads.example.org",
        },
    )
    assert result.returncode == 1
    assert "SECRET_KEY must be at least 50 varied characters." in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "crossroads.example.org",
            "CROSSROADS_VAR_DIR": str(tmp_path / "var"),
        },
    )
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )


def test_sqlite_uses_wal_and_full_sync(db: None, tmp_path: Path) -> None:
    config = database_config(f"sqlite:///{tmp_path / 'durable.sqlite3'}")
    config.update(
        {
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        }
    )
    wrapper = DatabaseWrapper(config)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
    finally:
        wrapper.close()
    assert (journal, synchronous) == ("wal", 2)  # 2 = FULL


def test_postgres_url_gives_pooled_postgres_config() -> None:
    config = database_config("postgres://user:pw@127.0.0.1:5432/crossroads")
    assert (config["ENGINE"], config["NAME"], config["CONN_MAX_AGE"]) == (
        "django.db.backends.postgresql",
        "crossroads",
        60,
    )


def test_security_headers_on_every_kind_of_page(world: World) -> None:
    pages = [
        (Client(), reverse("home")),
        (Client(), reverse("accounts:login")),
        (world.client("patient"), reverse("cases:overview", kwargs={"case_id": world.case.pk})),
        (
            world.client("patient"),
            reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 1}),
        ),
    ]
    for client, url in pages:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_post_without_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["patient"])
    url = reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 1})
    assert client.post(url, {"version": "1"}).status_code == 403


def test_password_rules_are_strong() -> None:
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] == {"min_length": 12}


def test_core_never_imports_django() -> None:
    core = ROOT / "src" / "crossroads"
    offenders = [
        p
        for p in core.rglob("*.py")
        if "import django" in p.read_text(encoding="utf-8")
        or "from django" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_migrations_match_the_models(db: None) -> None:
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
