"""The review workflow's models moved to their own app (``review``); no table changes.

Only Django's record of which app owns the models changes here: the three tables stay as they
are, with every row, and ``review/migrations/0001_initial.py`` takes them over under the same
names (``db_table``). Nothing is created or dropped in the database.
"""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_review_workflow"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="reviewassignment",
                    name="request",
                ),
                migrations.RemoveField(
                    model_name="reviewassignment",
                    name="reviewer",
                ),
                migrations.RemoveField(
                    model_name="reviewrequest",
                    name="reviewers",
                ),
                migrations.RemoveField(
                    model_name="reviewrequest",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="reviewrequest",
                    name="closed_by",
                ),
                migrations.RemoveField(
                    model_name="reviewrequest",
                    name="consensus_by",
                ),
                migrations.RemoveField(
                    model_name="reviewrequest",
                    name="created_by",
                ),
                migrations.DeleteModel(
                    name="ReviewAnswer",
                ),
                migrations.DeleteModel(
                    name="ReviewAssignment",
                ),
                migrations.DeleteModel(
                    name="ReviewRequest",
                ),
            ],
            database_operations=[],
        ),
    ]
