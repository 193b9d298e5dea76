"""Migrations: forward from an empty database, and review requests made before the review life
cycle carried over (one reviewer, a free-text answer, a withdrawal). That the models need no new
migration is checked in test_settings.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.conftest import WEB

pytestmark = pytest.mark.integration

OLD_ROWS = r"""
import json
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", "cases", "0001_initial", verbosity=0)
state = MigrationExecutor(connection).loader.project_state(("cases", "0001_initial"))
User = state.apps.get_model("accounts", "User")
Case = state.apps.get_model("cases", "CaseRecord")
Review = state.apps.get_model("cases", "ReviewRequest")
coordinator = User.objects.create(username="c", role="coordinator")
reviewer = User.objects.create(username="r", role="reviewer")
case = Case.objects.create(owner=User.objects.create(username="p"), title="t", data={})
at = "2026-11-01T10:00:00+00:00"
Review.objects.create(case=case, reviewer=reviewer, sent_by=coordinator, question="q1", sent_at=at)
Review.objects.create(
    case=case, reviewer=reviewer, sent_by=coordinator, question="q2", sent_at=at,
    answer="Yes.", answered_at="2026-11-02T10:00:00+00:00",
)
Review.objects.create(
    case=case, reviewer=reviewer, sent_by=coordinator, question="q3", sent_at=at,
    withdrawn_at="2026-11-03T10:00:00+00:00",
)
call_command("migrate", verbosity=0)
from cases.models import ReviewRequest
out = []
for r in ReviewRequest.objects.order_by("id"):
    out.append({
        "question": r.question,
        "state": r.state,
        "created_by": r.created_by.username,
        "created_at": r.created_at.isoformat(),
        "closed_at": r.closed_at.isoformat() if r.closed_at else None,
        "reviewers": [u.username for u in r.reviewers.all()],
        "answers": [[a.reviewer.username, a.view, a.answer, a.answered_at.isoformat()]
                    for a in r.answers.all()],
    })
print(json.dumps(out))
"""


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


def test_migrations_run_forward_from_an_empty_database(tmp_path: Path) -> None:
    migrated = _manage(tmp_path, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    plan = _manage(tmp_path, "showmigrations", "--plan")
    lines = [line for line in plan.stdout.splitlines() if line.strip()]
    assert lines and [line for line in lines if not line.startswith("[X]")] == []


def test_old_review_requests_carry_over(tmp_path: Path) -> None:
    result = _manage(tmp_path, "shell", "-c", OLD_ROWS)
    assert result.returncode == 0, result.stderr
    at = "2026-11-01T10:00:00+00:00"
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        {
            "question": "q1",
            "state": "sent",
            "created_by": "c",
            "created_at": at,
            "closed_at": None,
            "reviewers": ["r"],
            "answers": [],
        },
        {
            "question": "q2",
            "state": "answered",
            "created_by": "c",
            "created_at": at,
            "closed_at": None,
            "reviewers": ["r"],
            "answers": [["r", "", "Yes.", "2026-11-02T10:00:00+00:00"]],
        },
        {
            "question": "q3",
            "state": "closed",
            "created_by": "c",
            "created_at": at,
            "closed_at": "2026-11-03T10:00:00+00:00",
            "reviewers": ["r"],
            "answers": [],
        },
    ]
