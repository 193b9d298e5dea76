"""The one write path for audit events, and the check of the hash chain.

Every state change in the app goes through an ``actions`` module that calls :func:`record` in
the same database transaction, so a change and its audit event are saved together or not at all.
Views call :func:`record` directly only for reads and refusals.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEvent, Outcome

GENESIS = "0" * 64
_LOCK_KEY = 7_301_177  # any constant: the PostgreSQL advisory lock that orders the chain


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, in which role, from where: copied into every event they cause."""

    user_id: int | None
    name: str
    role: str
    ip: str | None = None
    path: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = getattr(request, "user", None)
        ip, path = client_ip(request), request.path[:300]
        if user is None or not user.is_authenticated:
            return cls(user_id=None, name="", role="anonymous", ip=ip, path=path)
        return cls(user.pk, user.get_username(), getattr(user, "role", ""), ip, path)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(user_id=None, name=name, role="system")


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address as the server saw it (a proxy must be trusted explicitly)."""
    value = request.META.get("REMOTE_ADDR") or None
    return value if value and len(value) <= 45 else None


def _digest(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _link_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "role": event.role,
        "action": event.action,
        "outcome": event.outcome,
        "case_id": event.case_id,
        "detail": event.detail,
        "ip": event.ip,
        "path": event.path,
        "prev_hash": event.prev_hash,
    }


def _lock_chain() -> None:
    """Make concurrent writers take turns, so each event links to the one before it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (see settings), which already takes the write lock.


def record(
    actor: Actor,
    action: str,
    *,
    case_id: int | None = None,
    outcome: str = Outcome.OK,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction when there is one."""
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            at=timezone.now(),
            actor_id=actor.user_id,
            actor_name=actor.name[:150],
            role=actor.role[:20],
            action=action[:60],
            outcome=outcome,
            case_id=case_id,
            detail=detail or {},
            ip=actor.ip,
            path=actor.path[:300],
            prev_hash=last or GENESIS,
        )
        event.hash = _digest(_link_fields(event))
        event.save()
    return event


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    broken_at: int | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk the events in order; report the first whose link or content does not match."""
    previous = GENESIS
    count = 0
    for event in events if events is not None else AuditEvent.objects.order_by("id").iterator():
        count += 1
        if event.prev_hash != previous or _digest(_link_fields(event)) != event.hash:
            return ChainReport(count, event.pk)
        previous = event.hash
    return ChainReport(count, None)
