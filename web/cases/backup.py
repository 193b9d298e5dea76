"""Backup and restore of everything the web app keeps, as one JSON file.

``manage.py backup PATH`` reads every row of the project's own apps (accounts, cases, audit, API
tokens, ...) inside one transaction, so the file is a consistent snapshot even while people keep
working: on SQLite the transaction holds the write lock for the few moments it takes; on
PostgreSQL it is a REPEATABLE READ snapshot. The same file restores on either database.

``manage.py restore PATH`` loads it into an empty, migrated database (it refuses one that holds
data unless ``--force``), in one transaction: everything or nothing. Audit events go back through
their own path (:mod:`audit.restore`), keeping their numbers and hash chain, which is checked
after loading. Sessions and sign-in lock-outs are not kept: people sign in again.

The file holds password hashes, token digests and health data: it is written readable by its
owner only, and must be stored like the database itself.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from audit.actions import verify_chain
from audit.models import AuditEvent
from audit.restore import load_events, wipe_events

FORMAT = "crossroads-web.backup/v1"


class BackupError(Exception):
    """A backup file that cannot be restored here; the message says why and what to do."""


# Apps from installed packages whose rows belong with the accounts: two-step sign-in devices
# (without them a restored staff account could be set up again by anyone with its password).
PACKAGE_APPS = ("otp_totp", "otp_static")


def project_models() -> list[type[models.Model]]:
    """The models of this project's own apps, audit events excepted (they have their path)."""
    web = Path(settings.WEB_DIR).resolve()
    configs = [c for c in apps.get_app_configs() if Path(c.path).resolve().is_relative_to(web)]
    configs += [apps.get_app_config(label) for label in PACKAGE_APPS]
    found = []
    for config in configs:
        for model in config.get_models():
            if model is not AuditEvent and not model._meta.proxy and model._meta.managed:
                found.append(model)
    return found


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _applied() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


class _Encoder(json.JSONEncoder):
    """Times to the microsecond (Django's encoder keeps milliseconds, which would break the
    audit chain: each event's hash covers its time to the microsecond)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


def _digest(tables: Any, audit: Any) -> str:
    text = json.dumps({"tables": tables, "audit": audit}, cls=_Encoder, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rows(queryset: models.QuerySet[Any]) -> list[dict[str, Any]]:
    data = serializers.serialize("python", queryset.order_by("pk").iterator())
    return json.loads(json.dumps(data, cls=_Encoder))  # type: ignore[no-any-return]


@transaction.atomic
def snapshot() -> dict[str, Any]:
    """Every row, read in one transaction."""
    if connection.vendor == "postgresql" and not _nested():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    tables = {_label(m): _rows(m._default_manager.all()) for m in project_models()}
    audit = _rows(AuditEvent.objects.all())
    return {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": _applied(),
        "counts": {**{k: len(v) for k, v in tables.items()}, "audit.auditevent": len(audit)},
        "sha256": _digest(tables, audit),
        "tables": tables,
        "audit": audit,
    }


def _nested() -> bool:
    """True inside an outer transaction (tests), where the isolation level is already set."""
    return len(connection.savepoint_ids) > 0


def write_backup(path: Path) -> dict[str, int]:
    """Write a snapshot to ``path`` (atomically, owner-readable only); return the row counts."""
    data = snapshot()
    path = path.resolve()
    handle, temporary = tempfile.mkstemp(prefix=".backup-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).chmod(0o600)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return dict(data["counts"])


def read_backup(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Crossroads backup ({FORMAT}).")
    if _digest(data.get("tables"), data.get("audit")) != data.get("sha256"):
        raise BackupError(f"{path} is damaged or was changed: its checksum does not match.")
    return data


@dataclass(frozen=True, slots=True)
class RestoreReport:
    counts: dict[str, int]
    audit_checked: int
    audit_broken_at: int | None


def _occupied() -> list[str]:
    full = [_label(m) for m in project_models() if m._default_manager.exists()]
    return full + (["audit.auditevent"] if AuditEvent.objects.exists() else [])


def _deserialize(rows: list[dict[str, Any]]) -> Iterator[Any]:
    return serializers.deserialize("python", rows, ignorenonexistent=False)


def restore(data: dict[str, Any], force: bool = False) -> RestoreReport:
    """Load a backup into this database, in one transaction."""
    if data["migrations"] != _applied():
        raise BackupError(
            "This database is not at the same version as the backup. Run `manage.py migrate` "
            "with the version of Crossroads that made the backup, then restore."
        )
    occupied = _occupied()
    if occupied and not force:
        raise BackupError(
            "This database already holds data (" + ", ".join(occupied) + "). Restore into an "
            "empty database, or add --force to replace everything in it."
        )
    known = {_label(m): m for m in project_models()}
    unknown = sorted(set(data["tables"]) - set(known))
    if unknown:
        raise BackupError(
            "The backup holds tables this version does not have: " + ", ".join(unknown)
        )
    with transaction.atomic():
        if occupied:
            for table in reversed(list(known.values())):
                table._default_manager.all().delete()
            wipe_events()
        with connection.constraint_checks_disabled():
            for label in known:
                for item in _deserialize(data["tables"].get(label, [])):
                    item.save()
        connection.check_constraints(table_names=[m._meta.db_table for m in known.values()])
        loaded = load_events(item.object for item in _deserialize(data["audit"]))
        _reset_sequences([*known.values(), AuditEvent])
        counts = {label: model._default_manager.count() for label, model in known.items()}
        counts["audit.auditevent"] = loaded
        if counts != {**{k: 0 for k in known}, **data["counts"]}:
            raise BackupError(
                f"Restored counts {counts} differ from the backup's {data['counts']}."
            )
    chain = verify_chain()
    return RestoreReport(counts, chain.checked, chain.broken_at)


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    """After rows with their own numbers, new rows must get higher ones (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
