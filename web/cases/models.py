"""Where case records live, and who may reach them.

The case itself is stored as JSON in the public case format and is always validated by the
core's model (``crossroads.record.case.Case``) before it is saved, so the web app, the CLI and any
file export hold exactly the same record. The other models say who reaches a case: the patient who
owns it, caregivers they invited, and the coordinator an administrator assigned. Review requests
and the reviewers they were sent to live in the ``review`` app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.notes import read_notes, with_checked_notes
from crossroads.record.case import Case


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
        """This app's own notes inside the record (``extensions.crossroads_web``), each checked:
        a note of the wrong shape is left out and logged (:mod:`cases.notes`)."""
        return read_notes(self.data, f"case {self.pk}")

    def form_data(self) -> dict[str, Any]:
        """The record for the step forms: as stored, with only the notes that pass their check."""
        return with_checked_notes(self.data, f"case {self.pk}")


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
