"""Backup and restore: a snapshot restored into a fresh database holds every row, the audit
chain still verifies, and damaged files or occupied databases are refused."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api import tokens
from audit.actions import Actor, verify_chain
from audit.models import AuditEvent
from cases.backup import BackupError, read_backup, restore
from cases.models import CaseRecord
from review import actions as review_actions
from review.models import ReviewAnswer, ReviewRequest
from tests.web.conftest import WEB, World
from tests.web.review_world import request_in

pytestmark = pytest.mark.integration


def _manage(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}},
        "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.base",
        "DATABASE_URL": f"sqlite:///{state / 'db.sqlite3'}",
        "CROSSROADS_VAR_DIR": str(state / "var"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _busy_world(world: World) -> None:
    """Cases, a review with answers and a shared view, a token, and their audit events."""
    review = request_in(world, "sent")
    reviewer = world.users["reviewer"]
    actor = Actor(reviewer.pk, reviewer.username, reviewer.role)
    review_actions.answer(actor, reviewer, review, review_actions.AnswerFields("agree", "Yes."))
    review_actions.record_consensus(actor, reviewer, review, "agree", "A consult is worth it.")
    tokens.issue(Actor.system("test"), world.users["patient"], "planner")


def test_backup_restores_into_a_fresh_database(world: World, tmp_path: Path) -> None:
    _busy_world(world)
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    original = json.loads(path.read_text(encoding="utf-8"))
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    state = tmp_path / "fresh"
    state.mkdir()
    assert _manage(state, "migrate", "--noinput", "-v0").returncode == 0
    restored = _manage(state, "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert f"Audit chain: ok ({AuditEvent.objects.count()} events)." in restored.stdout

    again = tmp_path / "again.json"
    assert _manage(state, "backup", str(again)).returncode == 0
    copy = json.loads(again.read_text(encoding="utf-8"))
    assert (copy["tables"], copy["audit"], copy["sha256"]) == (
        original["tables"],
        original["audit"],
        original["sha256"],
    )
    with sqlite3.connect(state / "db.sqlite3") as db:
        found = {
            table: sorted(r[0] for r in db.execute(f"SELECT id FROM {table}"))
            for table in ("cases_caserecord", "cases_reviewrequest", "cases_reviewanswer")
        }
        audit_ids = [r[0] for r in db.execute("SELECT id FROM audit_auditevent ORDER BY id")]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    assert found == {
        "cases_caserecord": sorted(CaseRecord.objects.values_list("id", flat=True)),
        "cases_reviewrequest": sorted(ReviewRequest.objects.values_list("id", flat=True)),
        "cases_reviewanswer": sorted(ReviewAnswer.objects.values_list("id", flat=True)),
    }
    assert audit_ids == list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert integrity == "ok"

    refused = _manage(state, "restore", str(path))
    assert refused.returncode == 1
    assert "This database already holds data" in refused.stderr
    forced = _manage(state, "restore", "--force", str(path))
    assert forced.returncode == 0, forced.stderr
    assert "Audit chain: ok" in forced.stdout


def test_restore_force_replaces_everything_in_place(world: World, tmp_path: Path) -> None:
    _busy_world(world)
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    data = read_backup(path)
    CaseRecord.objects.filter(pk=world.other_case.pk).update(title="changed after the backup")
    report = restore(data, force=True)
    assert (report.audit_broken_at, report.counts["cases.caserecord"]) == (None, 2)
    assert CaseRecord.objects.get(pk=world.other_case.pk).title == "Test case"
    assert verify_chain().ok


def test_damaged_backup_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["cases.caserecord"][0]["fields"]["title"] = "tampered"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        CommandError, match="is damaged or was changed: its checksum does not match"
    ):
        call_command("restore", str(path))


def test_backup_from_another_version_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    data = read_backup(path)
    data["migrations"] = data["migrations"][:-1]
    with pytest.raises(BackupError, match="not at the same version as the backup"):
        restore(data, force=True)


def test_not_a_backup_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"schema": "crossroads.case/v1"}', encoding="utf-8")
    with pytest.raises(BackupError, match="is not a Crossroads backup"):
        read_backup(path)
