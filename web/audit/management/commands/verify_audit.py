"""``manage.py verify_audit``: check the audit trail's hash chain from the first event on."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.actions import verify_chain


class Command(BaseCommand):
    help = "Check that no audit event was changed, removed or inserted behind the app's back."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"The audit chain breaks at event {report.broken_at}.")
        self.stdout.write(f"Audit chain: ok ({report.checked} events).")
