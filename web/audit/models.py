"""The audit trail: who did or saw what, in which role, when, and from where.

Rows are append-only. The model refuses updates and deletes, the query set refuses bulk ones,
and database triggers (migration 0002) refuse them even for raw SQL from the app's own account.
Each row also carries a keyed link (HMAC-SHA256, key outside the database: :mod:`audit.keys`)
to the row before it and its position in the chain, so that a change made behind the app's back
(for example with a database tool) shows up when the chain is checked; the head of the chain is
also written outside the database (:mod:`audit.anchor`), which shows removed newest rows. Rows
written before the key existed keep their plain SHA-256 link (``hash_version`` empty).

Nothing here holds case content: ``detail`` names fields, never their values (no health data in
logs).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


KEYED = 2  # hash_version of HMAC-SHA256 events; empty: plain SHA-256 (before the key existed)


class Outcome(models.TextChoices):
    OK = "ok", "ok"
    DENIED = "denied", "denied"


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=60)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Nullable, so that adding them keeps the table (and its triggers) on SQLite.
    hash_version = models.PositiveSmallIntegerField(null=True, blank=True)
    seq = models.BigIntegerField(null=True, blank=True)

    objects: ClassVar[AuditQuerySet] = AuditQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("id",)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name or '-'} {self.action} {self.outcome}"
