"""The review workflow's models, taken over from the ``cases`` app with their tables.

The tables already exist (``cases/migrations/0001`` and ``0002`` made them) and keep their names
through ``db_table``, so this migration only tells Django that the ``review`` app owns them now:
no table is created and no row moves. The content types of the three models are relabelled, so
anything that points at them (permissions) follows.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("reviewrequest", "reviewassignment", "reviewanswer")


def _relabel(apps: Any, schema_editor: Any, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    alias = schema_editor.connection.alias
    content_type.objects.using(alias).filter(app_label=old, model__in=MOVED).update(app_label=new)


def forward(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, schema_editor, "cases", "review")


def backward(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, schema_editor, "review", "cases")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0003_review_moved_to_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReviewAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("assigned_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "reviewer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="review_assignments",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_reviewassignment",
                        "ordering": ("id",),
                    },
                ),
                migrations.CreateModel(
                    name="ReviewRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("draft", "draft, not sent yet"),
                                    ("sent", "sent, waiting for answers"),
                                    ("answered", "answered"),
                                    ("consensus", "shared view recorded"),
                                    ("closed", "closed"),
                                ],
                                db_index=True,
                                default="draft",
                                max_length=12,
                            ),
                        ),
                        ("question", models.TextField(max_length=2000)),
                        ("due_date", models.DateField(blank=True, null=True)),
                        ("packet", models.JSONField(default=dict)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "consensus_view",
                            models.CharField(
                                blank=True,
                                choices=[
                                    (
                                        "agree",
                                        "agrees with how Crossroads sorted CAR-T for this case",
                                    ),
                                    (
                                        "disagree",
                                        "does not agree with how Crossroads sorted CAR-T for this case",
                                    ),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("consensus_text", models.TextField(blank=True, max_length=3000)),
                        ("consensus_at", models.DateTimeField(blank=True, null=True)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_requests",
                                to="cases.caserecord",
                            ),
                        ),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "consensus_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reviewers",
                            models.ManyToManyField(
                                related_name="review_requests",
                                through="review.ReviewAssignment",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_reviewrequest",
                        "ordering": ("id",),
                    },
                ),
                migrations.AddField(
                    model_name="reviewassignment",
                    name="request",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="review.reviewrequest",
                    ),
                ),
                migrations.CreateModel(
                    name="ReviewAnswer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "view",
                            models.CharField(
                                blank=True,
                                choices=[
                                    (
                                        "agree",
                                        "agrees with how Crossroads sorted CAR-T for this case",
                                    ),
                                    (
                                        "disagree",
                                        "does not agree with how Crossroads sorted CAR-T for this case",
                                    ),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("answer", models.TextField(max_length=5000)),
                        ("conditions", models.TextField(blank=True, max_length=2000)),
                        ("check_next", models.TextField(blank=True, max_length=2000)),
                        ("comment", models.TextField(blank=True, max_length=5000)),
                        ("answered_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("revised_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "reviewer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="review_answers",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="answers",
                                to="review.reviewrequest",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_reviewanswer",
                        "ordering": ("id",),
                    },
                ),
                migrations.AddConstraint(
                    model_name="reviewassignment",
                    constraint=models.UniqueConstraint(
                        fields=("request", "reviewer"), name="one_assignment_each"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reviewanswer",
                    constraint=models.UniqueConstraint(
                        fields=("request", "reviewer"), name="one_answer_each"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
