"""A new password ends the account's API tokens.

Someone who learned a password may have made a token with it; changing the password must lock
them out of the API too, not only out of the pages (sessions end through Django's session hash).
Django sends no signal for a password change, but ``set_password`` keeps the new password on the
object until it is saved, which tells a real change from a hash upgrade at sign-in (that one
clears it before saving). This covers every path: the password page, ``manage.py
changepassword``, and any code that calls ``set_password`` and saves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from api import tokens
from audit.actions import Actor


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api-revoke-on-password")
def _revoke_on_password_change(
    sender: Any,
    instance: Any,
    created: bool = False,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if created or raw or getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    tokens.revoke_all(Actor.system("password change"), instance, "password")
