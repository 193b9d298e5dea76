"""API tokens: how programs sign in to the JSON API on a person's behalf.

A token is a random string shown once when it is made. Only its SHA-256 digest is stored, so a
copy of the database cannot be used to call the API; a short prefix is kept so the person can
tell their tokens apart. A token acts with exactly the rights of its owner (the same permission
layer as the pages) and ends when revoked, when it expires, or when the account is deactivated.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.label or 'no label'})"

    def usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at
