"""Review requests get a life cycle (draft, sent, answered, consensus, closed), several reviewers
and structured answers.

Requests made before this change had one reviewer, one free-text answer and a "withdrawn" time.
They become: an assignment of that reviewer; the answer, as that reviewer's answer (without the
agree/disagree view, which was not asked then); and the state ``closed`` if withdrawn, else
``answered`` if answered, else ``sent``.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def forward(apps: Any, schema_editor: Any) -> None:
    request_model = apps.get_model("cases", "ReviewRequest")
    assignment_model = apps.get_model("cases", "ReviewAssignment")
    answer_model = apps.get_model("cases", "ReviewAnswer")
    for old in request_model.objects.all().order_by("id"):
        assignment_model.objects.create(
            request_id=old.pk, reviewer_id=old.reviewer_id, assigned_at=old.sent_at
        )
        if old.answered_at is not None:
            answer_model.objects.create(
                request_id=old.pk,
                reviewer_id=old.reviewer_id,
                view="",
                answer=old.answer or "-",
                answered_at=old.answered_at,
            )
        if old.withdrawn_at is not None:
            old.state, old.closed_at, old.closed_by_id = (
                "closed",
                old.withdrawn_at,
                old.created_by_id,
            )
        elif old.answered_at is not None:
            old.state = "answered"
        else:
            old.state = "sent"
        old.created_at = old.sent_at
        old.save(update_fields=["state", "closed_at", "closed_by", "created_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("reviewrequest", "sent_by", "created_by"),
        migrations.AlterField(
            model_name="reviewrequest",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="reviewrequest",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reviewrequest",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="reviewrequest",
            name="state",
            field=models.CharField(
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
        migrations.AddField(
            model_name="reviewrequest",
            name="due_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reviewrequest",
            name="consensus_view",
            field=models.CharField(
                blank=True,
                choices=[
                    ("agree", "agrees with how Crossroads sorted CAR-T for this case"),
                    ("disagree", "does not agree with how Crossroads sorted CAR-T for this case"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="reviewrequest",
            name="consensus_text",
            field=models.TextField(blank=True, max_length=3000),
        ),
        migrations.AddField(
            model_name="reviewrequest",
            name="consensus_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="reviewrequest",
            name="consensus_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reviewrequest",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reviewrequest",
            name="closed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="ReviewAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("assigned_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="cases.reviewrequest",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_assignments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ("id",)},
        ),
        migrations.AddConstraint(
            model_name="reviewassignment",
            constraint=models.UniqueConstraint(
                fields=("request", "reviewer"), name="one_assignment_each"
            ),
        ),
        migrations.CreateModel(
            name="ReviewAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "view",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("agree", "agrees with how Crossroads sorted CAR-T for this case"),
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
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="cases.reviewrequest",
                    ),
                ),
                (
                    "reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_answers",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ("id",)},
        ),
        migrations.AddConstraint(
            model_name="reviewanswer",
            constraint=models.UniqueConstraint(
                fields=("request", "reviewer"), name="one_answer_each"
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="reviewrequest", name="reviewer"),
        migrations.RemoveField(model_name="reviewrequest", name="withdrawn_at"),
        migrations.RemoveField(model_name="reviewrequest", name="answer"),
        migrations.RemoveField(model_name="reviewrequest", name="answered_at"),
        migrations.AddField(
            model_name="reviewrequest",
            name="reviewers",
            field=models.ManyToManyField(
                related_name="review_requests",
                through="cases.ReviewAssignment",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
