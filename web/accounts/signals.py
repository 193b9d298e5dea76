"""Sign-ins, sign-outs and failed sign-ins go into the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from audit.actions import Actor, client_ip, record
from audit.models import Outcome


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        actor = Actor(user.pk, user.get_username(), user.role, client_ip(request), request.path)
        record(actor, "account.login")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and user is not None:
        actor = Actor(user.pk, user.get_username(), user.role, client_ip(request), request.path)
        record(actor, "account.logout")


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    ip = client_ip(request) if request is not None else None
    name = str(credentials.get("username", ""))[:150]
    actor = Actor(None, name, "anonymous", ip, request.path if request is not None else "")
    record(actor, "account.login_failed", outcome=Outcome.DENIED)
