"""Every change to an API token goes through here, with its audit event; and the look-up."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken
from audit.actions import Actor, record

PREFIX = "crx_"
MAX_DAYS = 365


class TokenError(Exception):
    """A token change that cannot be made; the message is shown to the person."""


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue(actor: Actor, user: User, label: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user``; the token itself is returned once and never stored."""
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"a token lasts 1 to {MAX_DAYS} days")
    raw = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            label=label[:100],
            prefix=raw[:12],
            digest=digest(raw),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        record(actor, "api_token.create", detail={"token": token.pk, "user": user.pk})
    return token, raw


def revoke(actor: Actor, token: ApiToken) -> None:
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise TokenError("this token is already revoked")
        record(actor, "api_token.revoke", detail={"token": token.pk, "user": token.user_id})


def user_for(raw: str) -> User | None:
    """The active account a presented token belongs to, or None."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    if token is None or not token.usable() or not token.user.is_active:
        return None
    return token.user


def revoke_all(actor: Actor, user: User, why: str) -> int:
    """End every live token of ``user`` (for example when their password changes)."""
    with transaction.atomic():
        live = list(
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("pk", flat=True)
        )
        if not live:
            return 0
        ApiToken.objects.filter(pk__in=live).update(revoked_at=timezone.now())
        record(actor, "api_token.revoke", detail={"tokens": live, "user": user.pk, "why": why})
    return len(live)
