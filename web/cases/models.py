"""Where case records live, and who may reach them.

The case itself is stored as JSON in the public case format and is always validated by the
core's model (``crossroads.record.case.Case``) before it is saved, so the web app, the CLI and any
file export hold exactly the same record. The other models say who reaches a case: the patient who
owns it, caregivers they invited, the coordinator an administrator assigned, and reviewers a
coordinator sent a packet to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.workflow import ReviewState
from crossroads.record.case import Case


class Opinion(models.TextChoices):
    """A reviewer's view of how Crossroads classified CAR-T for the case."""

    AGREE = "agree", _("agrees with how Crossroads sorted CAR-T for this case")
    DISAGREE = "disagree", _("does not agree with how Crossroads sorted CAR-T for this case")


class CaseRecord(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    title = models.CharField(max_length=100)
    data = models.JSONField(default=dict)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_cases",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"case {self.pk}: {self.title}"

    def case(self) -> Case:
        """The stored record as the core's model (validated again on every read)."""
        return Case.model_validate(self.data)

    @property
    def web(self) -> dict[str, Any]:
        """This app's own notes inside the record (``extensions.crossroads_web``)."""
        extensions = self.data.get("extensions") or {}
        value = extensions.get("crossroads_web") or {}
        return value if isinstance(value, dict) else {}


class CaregiverGrant(models.Model):
    """A caregiver's access to one case; revoking keeps the row (who had access, and when)."""

    case = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="grants")
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Invite(models.Model):
    """A single-use, expiring link that turns its holder into a caregiver of one case.

    Only a SHA-256 digest of the token is stored: a copy of the database cannot be used to
    accept an invitation.
    """

    case = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="invites")
    token_digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)

    def usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.cancelled_at is None and now < self.expires_at


class ReviewRequest(models.Model):
    """A question about one case for specialist reviewers, with its de-identified packet.

    The packet is frozen when the request is sent: reviewers read what the coordinator checked
    and sent. The state moves only through :mod:`cases.review_actions`, following the table in
    :mod:`cases.workflow`; the consensus is the reviewers' shared view, with who recorded it and
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
        ordering = ("id",)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["request", "reviewer"], name="one_answer_each")
        ]
