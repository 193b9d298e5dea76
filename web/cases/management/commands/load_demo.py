"""``manage.py load_demo``: one account per role and a few example cases, for trying the app.

Run by ``make run`` at every start. Accounts are made once; their passwords are new at every
run and printed, so nothing secret is stored in the repository. Cases are loaded only the first
time, from the example case files.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import twofactor
from accounts.models import Role, User
from audit.actions import Actor
from cases import actions
from cases.models import CaregiverGrant, CaseRecord
from crossroads.record.load import load_case
from review import actions as review_actions
from review.packet import build_packet, scrub_question

ACCOUNTS = [
    ("demo-patient", Role.PATIENT, "Ana Demo", "en"),
    ("demo-caregiver", Role.CAREGIVER, "Ben Demo", "en"),
    ("demo-coordinator", Role.COORDINATOR, "Chen Demo", "zh-hans"),
    ("demo-reviewer", Role.REVIEWER, "Dr. Demo Reviewer", "en"),
    ("demo-admin", Role.ADMIN, "Admin Demo", "en"),
]
# (example file, title, owner); the last two belong to patients without a sign-in.
CASES = [
    ("lbcl_dlbcl_third_line_cn_patient_cross_border", "DLBCL, second relapse", "demo-patient"),
    ("us_axi_cel_second_line_early_relapse", "Early relapse after R-CHOP", "demo-patient"),
    ("mm_three_lines_triple_class_exposed", "Myeloma after three lines", "demo-patient-2"),
    ("fl_after_three_lines_eu_axi_cel", "Follicular lymphoma", "demo-patient-3"),
]


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(12)


class Command(BaseCommand):
    help = "Create the demo accounts (new passwords each run) and, once, the demo cases."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the passwords.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("load_demo")
        passwords: list[tuple[str, str, str]] = []
        authenticators: list[tuple[str, str, str]] = []
        with transaction.atomic():
            users = {}
            for username, role, name, language in ACCOUNTS:
                user, _created = User.objects.get_or_create(
                    username=username,
                    defaults={"role": role, "first_name": name, "language": language},
                )
                password = _password()
                user.set_password(password)
                user.save()
                users[username] = user
                passwords.append((role.value, username, password))
                if twofactor.required(user):  # staff pass a code step after the password
                    device = twofactor.demo_authenticator(user)
                    key = twofactor.secret_text(device).replace(" ", "")
                    authenticators.append((username, key, twofactor.otpauth_uri(device)))
            for extra in ("demo-patient-2", "demo-patient-3"):
                user, created = User.objects.get_or_create(
                    username=extra, defaults={"role": Role.PATIENT, "first_name": extra}
                )
                if created:
                    user.set_unusable_password()
                    user.save()
                users[extra] = user
            if not CaseRecord.objects.exists():
                self._load_cases(actor, users)
        if not options["quiet"]:
            self._print(passwords, authenticators)

    def _load_cases(self, actor: Actor, users: dict[str, User]) -> None:
        examples = Path(settings.ROOT_DIR) / "examples"
        loaded = []
        for name, title, owner in CASES:
            case = load_case(examples / f"{name}.yaml")
            record = actions.import_case(actor, users[owner], title, case.to_data())
            actions.assign_coordinator(actor, record, users["demo-coordinator"])
            loaded.append(record)
        first = loaded[0]
        CaregiverGrant.objects.create(case=first, caregiver=users["demo-caregiver"])
        question = (
            "Is CAR-T in China or in the US the more realistic path now, given the second "
            "relapse after an autologous transplant?"
        )
        coordinator = users["demo-coordinator"]
        review = review_actions.create(
            actor,
            coordinator,
            first,
            question,
            None,
            [users["demo-reviewer"]],
            build_packet(first, "en"),
        )
        review_actions.send(
            actor,
            coordinator,
            review,
            build_packet(first, "en"),
            scrub_question(first, question, "en"),
        )

    def _print(
        self, passwords: list[tuple[str, str, str]], authenticators: list[tuple[str, str, str]]
    ) -> None:
        out = self.stdout
        out.write("")
        out.write("Crossroads demo accounts (new passwords at every start):")
        out.write(f"  {'role':<12} {'user name':<18} password")
        for role, username, password in passwords:
            out.write(f"  {role:<12} {username:<18} {password}")
        out.write("")
        out.write(
            "Staff accounts also need a sign-in code: add the key to an authenticator app once"
        )
        out.write("(or make a QR code of the otpauth address); the keys stay the same at restarts.")
        out.write(f"  {'user name':<18} {'key':<32} otpauth address")
        for username, key, uri in authenticators:
            out.write(f"  {username:<18} {key:<32} {uri}")
        out.write("")
