"""Migrations: forward from an empty database, review requests made before the review life
cycle carried over (one reviewer, a free-text answer, a withdrawal), and review rows kept when the
review models moved from the ``cases`` app to their own ``review`` app. That the models need no
new migration is checked in test_settings.py."""

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
from review.models import ReviewRequest
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

# A database as it was before the review models moved to the review app (cases 0002), holding a
# request with an assignment and an answer; migrated forward, every row is still there, read
# through the review app's models, and the content types now name the review app.
BEFORE_MOVE = r"""
import json
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", "cases", "0002_review_workflow", verbosity=0)
call_command("migrate", "contenttypes", verbosity=0)
state = MigrationExecutor(connection).loader.project_state(("cases", "0002_review_workflow"))
User = state.apps.get_model("accounts", "User")
Case = state.apps.get_model("cases", "CaseRecord")
Review = state.apps.get_model("cases", "ReviewRequest")
Assignment = state.apps.get_model("cases", "ReviewAssignment")
Answer = state.apps.get_model("cases", "ReviewAnswer")
ContentType = state.apps.get_model("contenttypes", "ContentType")
ContentType.objects.get_or_create(app_label="cases", model="reviewrequest")
coordinator = User.objects.create(username="c", role="coordinator")
reviewer = User.objects.create(username="r", role="reviewer")
case = Case.objects.create(owner=User.objects.create(username="p"), title="t", data={})
review = Review.objects.create(
    case=case, created_by=coordinator, question="Still realistic?", state="answered",
    packet={"schema": "x"}, sent_at="2026-11-01T10:00:00+00:00",
)
Assignment.objects.create(request=review, reviewer=reviewer)
Answer.objects.create(request=review, reviewer=reviewer, view="agree", answer="Yes.")
call_command("migrate", verbosity=0)
from django.contrib.contenttypes.models import ContentType as Current
from review.models import ReviewRequest
r = ReviewRequest.objects.get()
print(json.dumps({
    "id": r.pk,
    "case": r.case.title,
    "question": r.question,
    "state": r.state,
    "packet": r.packet,
    "reviewers": [u.username for u in r.reviewers.all()],
    "answers": [[a.reviewer.username, a.view, a.answer] for a in r.answers.all()],
    "table": ReviewRequest._meta.db_table,
    "content_type": sorted(
        Current.objects.filter(model="reviewrequest").values_list("app_label", flat=True)
    ),
}))
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


def test_review_rows_survive_the_move_to_the_review_app(tmp_path: Path) -> None:
    result = _manage(tmp_path, "shell", "-c", BEFORE_MOVE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "id": 1,
        "case": "t",
        "question": "Still realistic?",
        "state": "answered",
        "packet": {"schema": "x"},
        "reviewers": ["r"],
        "answers": [["r", "agree", "Yes."]],
        "table": "cases_reviewrequest",
        "content_type": ["review"],
    }
