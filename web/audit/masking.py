"""The patient's view of their case's audit trail: who, by role, but no staff names or addresses.

A patient may see who looked at their case, but staff user names and everyone's network address
are the service's business, not theirs (and an address says where someone was). So in the
patient's page and CSV, staff appear by role ("your coordinator", "a specialist reviewer", "an
administrator"), people who are neither the patient nor one of the case's caregivers appear as
"another account", and no address is shown. Administrators see the events unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from accounts.models import Role
from audit.models import AuditEvent
from cases.models import CaseRecord


class Masker:
    """Masks events of one case for its owner; built once per page or CSV."""

    def __init__(self, case: CaseRecord) -> None:
        self.case = case
        self.known = {case.owner_id} | set(case.grants.values_list("caregiver_id", flat=True))

    def name(self, event: AuditEvent) -> str:
        if event.actor_id is not None and event.actor_id in self.known:
            return event.actor_name
        if event.role == Role.COORDINATOR:
            if event.actor_id == self.case.coordinator_id:
                return _("your coordinator")
            return _("a care coordinator")
        if event.role == Role.REVIEWER:
            return _("a specialist reviewer")
        if event.role == Role.ADMIN:
            return _("an administrator")
        if event.role == "system":
            return "Crossroads"
        if event.role == "anonymous":
            return _("someone not signed in")
        return _("another account")

    def mask(self, event: AuditEvent) -> AuditEvent:
        """A copy to show (never saved: events are append-only and the copy keeps its number)."""
        shown = copy.copy(event)
        shown.actor_name = self.name(event)
        shown.ip = None
        return shown

    def each(self, events: Iterable[AuditEvent]) -> Iterator[AuditEvent]:
        for event in events:
            yield self.mask(event)
