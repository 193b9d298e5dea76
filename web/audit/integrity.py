"""Everything ``manage.py verify_audit`` checks: the triggers, the chain, and the anchor.

Each check answers with plain sentences; an empty list means it holds.

- **Triggers**: the append-only triggers of migration 0002 are in place (and, on PostgreSQL,
  enabled). Without them, the app's own database account can change or remove events.
- **Chain** (:func:`audit.actions.verify_chain`): every event links to the one before it, sits at
  its position, and matches its keyed hash. This shows changed, inserted or removed events, and
  a rewrite by anyone without the key.
- **Anchor** (:mod:`audit.anchor`): the newest anchored event is still there, with the same hash,
  and the chain is at least as long as the anchor says. This shows removed newest events
  (truncation) and a rewrite of the whole chain.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.db import connection

from audit import anchor
from audit.actions import ChainReport, verify_chain
from audit.models import AuditEvent

_TRIGGERS = importlib.import_module("audit.migrations.0002_append_only")
EXPECTED = {
    "sqlite": ("audit_event_no_update", "audit_event_no_delete"),
    "postgresql": ("audit_event_no_change", "audit_event_no_truncate"),
}


def missing_triggers() -> list[str]:
    """The append-only triggers that are missing (or switched off) on this database."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
            present = {row[0] for row in cursor.fetchall()}
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'",
                [table],
            )
            present = {row[0] for row in cursor.fetchall()}
        else:
            return []
    return [name for name in EXPECTED[connection.vendor] if name not in present]


def anchor_problems(chain: ChainReport) -> list[str]:
    """What the anchor file says is missing or different; needs a whole (unbroken) chain."""
    path = anchor.anchor_path()
    if path is None:
        return [
            "no anchor file is configured (CROSSROADS_AUDIT_ANCHOR), so removed newest "
            "events cannot be detected."
        ]
    if not path.exists():
        if chain.checked:
            return [
                f"the anchor file {path} is missing, but the trail holds {chain.checked} events."
            ]
        return []
    try:
        entries = anchor.current(path)
    except anchor.AnchorError as exc:
        return [f"the anchor file {path} is damaged: {exc}."]
    except OSError as exc:
        return [f"cannot read the anchor file {path}: {exc.strerror}."]
    if not entries:
        return []
    head = max(entries, key=lambda e: (e.seq, e.event_id))
    stored = AuditEvent.objects.filter(pk=head.event_id).values_list("hash", flat=True).first()
    if stored is None or chain.checked < head.seq:
        return [
            f"truncated: the anchor records {head.seq} events up to event {head.event_id}, "
            f"but the trail holds {chain.checked} events (last: {chain.head_id})."
        ]
    if stored != head.hash:
        return [f"rewritten: event {head.event_id} no longer has the hash the anchor recorded."]
    before = AuditEvent.objects.filter(pk__lte=head.event_id).count()
    if before != head.seq:
        return [
            f"the trail holds {before} events up to event {head.event_id}; the anchor "
            f"recorded {head.seq}."
        ]
    return []


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    chain: ChainReport
    missing_triggers: list[str] = field(default_factory=list)
    anchor: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.missing_triggers and not self.anchor

    def problems(self) -> list[str]:
        out = [
            f"the append-only trigger {name} is missing or disabled; find out who removed it, "
            "then put it back with `manage.py verify_audit --restore-triggers`."
            for name in self.missing_triggers
        ]
        if not self.chain.ok:
            out.append(f"the chain breaks at event {self.chain.broken_at}: {self.chain.why}.")
        return out + self.anchor


def check() -> IntegrityReport:
    chain = verify_chain()
    return IntegrityReport(
        chain=chain,
        missing_triggers=missing_triggers(),
        anchor=anchor_problems(chain) if chain.ok else [],
    )
