"""The one write path for audit events, and the check of the hash chain.

Every state change in the app goes through an ``actions`` module that calls :func:`record` in
the same database transaction, so a change and its audit event are saved together or not at all.
Views call :func:`record` directly only for reads and refusals.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import anchor
from audit.keys import audit_key
from audit.models import KEYED, AuditEvent, Outcome

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
    """The caller's address: the connection's, or what a trusted proxy says it was.

    Behind nginx every request comes from 127.0.0.1, so rate limits per address and the audit
    trail would see one client. nginx sends the real address in ``X-Real-IP``; it is believed
    only when the connection itself comes from an address in ``CROSSROADS_TRUSTED_PROXIES``
    (empty by default; loopback in production settings), so a client cannot claim another
    address by sending the header itself.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is not None and remote in settings.CROSSROADS_TRUSTED_PROXIES:
        return _address(request.META.get("HTTP_X_REAL_IP")) or remote
    return remote


def _address(value: object) -> str | None:
    """A well-formed IPv4 or IPv6 address, else None."""
    if not isinstance(value, str) or not value or len(value) > 45:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _digest(fields: dict[str, Any], version: int | None) -> str:
    """Version 2 (every new event): HMAC-SHA256 with the audit key. None: the plain SHA-256 of
    events written before the key existed, checked as they were written."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    if version is None:
        return hashlib.sha256(text.encode("ascii")).hexdigest()
    return hmac.new(audit_key(), text.encode("ascii"), hashlib.sha256).hexdigest()


def _link_fields(event: AuditEvent) -> dict[str, Any]:
    fields = {
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
    if event.hash_version is not None:  # keyed events also bind their version and position
        fields["hash_version"] = event.hash_version
        fields["seq"] = event.seq
    return fields


def event_hash(event: AuditEvent) -> str:
    """The hash an event should carry, by the version it was written with."""
    return _digest(_link_fields(event), event.hash_version)


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
        last = AuditEvent.objects.order_by("-id").values_list("hash", "seq").first()
        if last is None:
            seq = 1
        elif last[1] is None:  # the first keyed event after the unkeyed ones
            seq = AuditEvent.objects.count() + 1
        else:
            seq = last[1] + 1
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
            prev_hash=last[0] if last else GENESIS,
            hash_version=KEYED,
            seq=seq,
        )
        event.hash = event_hash(event)
        event.save()
        transaction.on_commit(
            partial(anchor.append, "head", event.pk, seq, event.hash), robust=True
        )
    return event


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    broken_at: int | None
    why: str = ""
    unkeyed: int = 0  # events written before the keyed hash, checked with plain SHA-256
    head_id: int | None = None
    head_hash: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _fault(event: AuditEvent, position: int, previous: str, keyed_seen: bool) -> str:
    """Why this event breaks the chain, or "" when it holds."""
    if event.prev_hash != previous:
        return "it does not link to the event before it (one was removed, added or changed)"
    if event.hash_version is None and keyed_seen:
        return "it carries an unkeyed hash after keyed events (rewritten)"
    if event.hash_version not in {None, KEYED}:
        return f"it carries an unknown hash version {event.hash_version}"
    if event.hash_version == KEYED and event.seq != position:
        return f"it claims position {event.seq} but is number {position} in the chain"
    if not hmac.compare_digest(event_hash(event), event.hash):
        return "its content does not match its hash (changed, or rewritten without the key)"
    return ""


def verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk the events in order; report the first whose link, position or content is wrong."""
    previous, position, unkeyed, keyed_seen, head_id = GENESIS, 0, 0, False, None
    for event in events if events is not None else AuditEvent.objects.order_by("id").iterator():
        position += 1
        why = _fault(event, position, previous, keyed_seen)
        if why:
            return ChainReport(position, event.pk, why, unkeyed, head_id, previous)
        keyed_seen = keyed_seen or event.hash_version is not None
        unkeyed += event.hash_version is None
        previous, head_id = event.hash, event.pk
    return ChainReport(position, None, "", unkeyed, head_id, previous)
