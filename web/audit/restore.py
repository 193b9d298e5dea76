"""The one way audit events are written other than :func:`audit.actions.record`: a restore.

Events are append-only: the model refuses to save an event that already has a number, and the
database triggers of migration 0002 refuse every UPDATE and DELETE. A restore must put events
back with their own numbers, hashes and times, so it inserts them in bulk (an INSERT, which the
triggers allow); and replacing the events of a database that has some (``restore --force``)
lifts the triggers for that one transaction and puts them back before it commits. After a
restore commits, the anchor file (:mod:`audit.anchor`) starts again from the restored head.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import partial

from django.db import connection, transaction

from audit import anchor
from audit.models import AuditEvent

_TRIGGERS = importlib.import_module("audit.migrations.0002_append_only")
_INSTALL = {"sqlite": _TRIGGERS.SQLITE, "postgresql": _TRIGGERS.POSTGRES}
_REMOVE = {"sqlite": _TRIGGERS.SQLITE_REVERSE, "postgresql": _TRIGGERS.POSTGRES_REVERSE}


def _run(statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def install_triggers() -> None:
    """Put the append-only triggers back (dropping any half-present ones first)."""
    with transaction.atomic():
        _run(_REMOVE)
        _run(_INSTALL)


def wipe_events() -> int:
    """Remove every event (only for ``restore --force``); returns how many there were."""
    with transaction.atomic():
        count = AuditEvent.objects.count()
        _run(_REMOVE)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")  # a fixed table name
        _run(_INSTALL)
    return count


def load_events(events: Iterable[AuditEvent]) -> int:
    """Insert events exactly as they were (numbers, times, hashes), in order."""
    rows = sorted(events, key=lambda e: e.pk)
    with transaction.atomic():
        AuditEvent.objects.bulk_create(rows, batch_size=500)
        if rows:
            last = rows[-1]
            transaction.on_commit(
                partial(anchor.append, "restore", last.pk, len(rows), last.hash), robust=True
            )
    return len(rows)
