"""``manage.py verify_audit``: check the audit trail's triggers, keyed hash chain and anchor.

Exit status 0 when every check holds, 1 (with one line per problem) when one does not. Run it
from cron; it reads every event once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit import anchor, integrity
from audit.restore import install_triggers


class Command(BaseCommand):
    help = (
        "Check that the append-only triggers are in place and that no audit event was changed, "
        "removed or inserted behind the app's back (keyed hash chain and anchor file)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reset-anchor",
            action="store_true",
            help="after an intended change (a database put back from a file copy): accept the "
            "trail as it is now as the anchor's new starting point, if its chain holds",
        )
        parser.add_argument(
            "--restore-triggers",
            action="store_true",
            help="put the append-only triggers back (after finding out who removed them)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["restore_triggers"]:
            install_triggers()
            self.stdout.write("Append-only triggers: put back.")
        report = integrity.check()
        if options["reset_anchor"] and report.chain.ok:
            if report.chain.head_id is not None:
                anchor.append(
                    "reset", report.chain.head_id, report.chain.checked, report.chain.head_hash
                )
            report = integrity.check()
        if not report.ok:
            raise CommandError(
                "The audit trail does not verify:\n"
                + "\n".join(f"- {p}" for p in report.problems())
            )
        chain = report.chain
        unkeyed = f", {chain.unkeyed} from before the keyed hash" if chain.unkeyed else ""
        self.stdout.write(f"Audit chain: ok ({chain.checked} events{unkeyed}).")
        self.stdout.write("Append-only triggers: in place.")
        self.stdout.write("Anchor: the trail reaches the anchored head.")
