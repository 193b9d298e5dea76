"""``manage.py restore PATH [--force]``: load a backup into an empty, migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError, read_backup, restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (into an empty database unless --force)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that already holds data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore(read_backup(options["path"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(report.counts.values())
        self.stdout.write(f"Restored {total} rows from {options['path']}:")
        for label, count in sorted(report.counts.items()):
            self.stdout.write(f"  {label:<28} {count}")
        if report.audit_broken_at is None:
            self.stdout.write(f"Audit chain: ok ({report.audit_checked} events).")
        else:
            raise CommandError(
                f"Restored, but the audit chain breaks at event {report.audit_broken_at}: "
                "the backup holds events changed outside the app, or this server's audit key "
                "(CROSSROADS_AUDIT_KEY or var/audit_key) is not the one that wrote them."
            )
