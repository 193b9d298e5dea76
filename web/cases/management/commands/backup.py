"""``manage.py backup PATH``: a consistent snapshot of everything the web app keeps (JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from cases.backup import write_backup


class Command(BaseCommand):
    help = "Write a consistent snapshot of every case, review, account and audit event to PATH."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = write_backup(options["path"])
        total = sum(counts.values())
        self.stdout.write(f"Backed up {total} rows to {options['path']}:")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<28} {count}")
