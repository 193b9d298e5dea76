"""Accounts: one person, one role.

The role decides what a person may do anywhere in the app (see ``cases.permissions``); it is
fixed when the account is made, because a role change would silently widen what someone sees.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CAREGIVER = "caregiver", _("Caregiver")
    COORDINATOR = "coordinator", _("Care coordinator")
    REVIEWER = "reviewer", _("Specialist reviewer")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = frozenset({Role.COORDINATOR, Role.REVIEWER, Role.ADMIN})


class Language(models.TextChoices):
    EN = "en", "English"
    ZH_HANS = "zh-hans", "简体中文"


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.EN)
    # An IANA zone name (zoneinfo), or empty: then the zone follows the country of the case, else
    # the browser's (accounts.zones); every time on a page is shown in it, with its label.
    time_zone = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ("username",)

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def uses_staff_tools(self) -> bool:
        """API tokens and FHIR Bundles are tools for the care team's systems; patients and
        caregivers do not see links to them (their pages stay reachable for the team)."""
        return self.role in STAFF_ROLES

    @property
    def shown_name(self) -> str:
        """The name other people see: the full name if given, else the user name."""
        return self.get_full_name() or self.username
