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


class CoordinationRequest(models.Model):
    """The patient's side asked for a care coordinator (and, usually, a specialist review).

    Open until a coordinator takes the case (:mod:`review.coordination`); while open, any
    coordinator sees the case in the queue, with a limited view (``Relation.QUEUE``).
    """

    case = models.ForeignKey(
        CaseRecord, on_delete=models.CASCADE, related_name="coordination_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    review_wanted = models.BooleanField(default=True)
    note = models.TextField(max_length=1000, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)

    @property
    def open(self) -> bool:
        return self.taken_at is None


class AnswerSeen(models.Model):
    """When a person of the patient's side last opened the answers of one review request."""

    request = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="seen")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("id",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["request", "user"], name="one_seen_each")
        ]


class DecisionChoice(models.TextChoices):
    """What a decision can be besides one of the step-3 options (stored by its option code)."""

    OPTION = "option", _("one of the options")
    WAIT = "wait", _("wait for now")
    MORE_INFORMATION = "more_information", _("more information first")


class DecisionNote(models.Model):
    """What the patient's side decided, by whom, when, with the four sentences as they stood.

    Every note is kept; the latest is the decision in force (a person may change their mind).
    ``option`` is the step-3 option's key when ``kind`` is ``option``; ``label`` is its name
    as shown when the note was taken, so the note reads the same after the grid changes.
    """

    case = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="decision_notes")
    kind = models.CharField(max_length=20, choices=DecisionChoice.choices)
    option = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=300)
    sentences = models.JSONField(default=dict)
    ready = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    SENTENCE_KEYS: ClassVar[tuple[str, ...]] = ("status", "options", "car_t", "next_step")

    class Meta:
        ordering = ("id",)

    @property
    def sentence_list(self) -> list[str]:
        """The four sentences in their order (a JSON object's key order is not kept by every
        database), leaving out those not written."""
        found = self.sentences or {}
        return [str(found[k]) for k in self.SENTENCE_KEYS if found.get(k)]
