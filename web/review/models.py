"""Specialist review requests about a case, the reviewers they go to, and their answers.

These models began in the ``cases`` app and moved here with the rest of the review workflow. The
tables keep their names (``cases_review*``, see ``db_table``), so existing databases keep every
row: the move changed only Django's bookkeeping (``review/migrations/0001_initial.py`` and
``cases/migrations/0003_review_moved_to_own_app.py``), not one table.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseRecord
from review.workflow import ReviewState


class Opinion(models.TextChoices):
    """A reviewer's view of how Crossroads classified CAR-T for the case."""

    AGREE = "agree", _("agrees with how Crossroads sorted CAR-T for this case")
    DISAGREE = "disagree", _("does not agree with how Crossroads sorted CAR-T for this case")


class ReviewRequest(models.Model):
    """A question about one case for specialist reviewers, with its de-identified packet.

    The packet is frozen when the request is sent: reviewers read what the coordinator checked
    and sent. The state moves only through :mod:`review.actions`, following the table in
    :mod:`review.workflow`; the consensus is the reviewers' shared view, with who recorded it and
    when.
    """

    case = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="review_requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        max_length=12, choices=ReviewState.choices, default=ReviewState.DRAFT, db_index=True
    )
    question = models.TextField(max_length=2000)
    due_date = models.DateField(null=True, blank=True)
    packet = models.JSONField(default=dict)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ReviewAssignment", related_name="review_requests"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    consensus_view = models.CharField(max_length=10, choices=Opinion.choices, blank=True)
    consensus_text = models.TextField(max_length=3000, blank=True)
    consensus_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consensus_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "cases_reviewrequest"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"review request {self.pk} ({self.state})"

    @property
    def active(self) -> bool:
        """Open to its reviewers (sent and not closed)."""
        return self.state in (ReviewState.SENT, ReviewState.ANSWERED, ReviewState.CONSENSUS)

    def overdue(self, today: dt.date) -> bool:
        """Past its due date with no shared view yet."""
        waiting = self.state in (ReviewState.SENT, ReviewState.ANSWERED)
        return bool(waiting and self.due_date is not None and self.due_date < today)


class ReviewAssignment(models.Model):
    """One reviewer a request is (or will be) sent to."""

    request = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "cases_reviewassignment"
        ordering = ("id",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["request", "reviewer"], name="one_assignment_each")
        ]


class ReviewAnswer(models.Model):
    """A reviewer's answer in structured form, shown as theirs with their name and the date.

    ``view`` is blank only for answers given before the structured form existed.
    """

    request = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="answers")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_answers"
    )
    view = models.CharField(max_length=10, choices=Opinion.choices, blank=True)
    answer = models.TextField(max_length=5000)
    conditions = models.TextField(max_length=2000, blank=True)
    check_next = models.TextField(max_length=2000, blank=True)
    comment = models.TextField(max_length=5000, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    revised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cases_reviewanswer"
        ordering = ("id",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["request", "reviewer"], name="one_answer_each")
        ]
