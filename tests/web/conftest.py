"""Web tests: Django settings, the personas, and a signed-in client per persona.

The same personas drive every web test and the permission matrix (conventions §10): a patient
who owns case A, the caregiver they invited, the coordinator assigned to it, the reviewer it was
sent to, an administrator, and for each role an outsider who is linked only to case B (the
caregiver outsider also once had access to case A, since revoked).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
if str(WEB) not in sys.path:
    sys.path.insert(0, str(WEB))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossroads_web.settings.test")
os.environ.setdefault("CROSSROADS_VAR_DIR", str(ROOT / ".cache" / "web-test-var"))
# One audit key for the tests and the servers and commands they start (a restore in a fresh
# state directory must verify the events this process wrote).
os.environ.setdefault("CROSSROADS_AUDIT_KEY", "test-audit-key-not-secret-0123456789abcdef")

import django  # noqa: E402

django.setup()

import pytest  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.web.factories import (  # noqa: E402
    CaseFactory,
    GrantFactory,
    InviteFactory,
    ReviewRequestFactory,
    UserFactory,
)

PERSONAS = (
    "anonymous",
    "patient",
    "caregiver",
    "coordinator",
    "reviewer",
    "admin",
    "outsider_patient",
    "outsider_caregiver",
    "outsider_coordinator",
    "outsider_reviewer",
)
INVITE_TOKEN = "matrix-token-0123456789abcdef"


@dataclass
class World:
    users: dict[str, Any]
    case: Any  # case A
    other_case: Any  # case B
    grant: Any
    revoked_grant: Any
    invite: Any
    review: Any
    other_review: Any
    task_id: str

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            sign_in(client, self.users[persona])
        return client


def pass_two_factor(client: Client, user: Any) -> None:
    """Mark the client's session as past the code step, as signing in with a code does.

    The person gets a confirmed authenticator (django-otp's TOTP device) if they have none, and
    the session names it, which is what django-otp's ``login`` stores after a right code.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in(client: Client, user: Any) -> None:
    """Sign ``user`` in; staff also pass the two-step sign-in, which their role requires."""
    client.force_login(user)
    if user.is_staff_role:
        pass_two_factor(client, user)


def _build_world() -> World:
    users = {
        "patient": UserFactory(username="pat", role="patient"),
        "caregiver": UserFactory(username="care", role="caregiver"),
        "coordinator": UserFactory(username="coord", role="coordinator"),
        "reviewer": UserFactory(username="rev", role="reviewer"),
        "admin": UserFactory(username="adm", role="admin"),
        "outsider_patient": UserFactory(username="pat2", role="patient"),
        "outsider_caregiver": UserFactory(username="care2", role="caregiver"),
        "outsider_coordinator": UserFactory(username="coord2", role="coordinator"),
        "outsider_reviewer": UserFactory(username="rev2", role="reviewer"),
    }
    case = CaseFactory(owner=users["patient"], coordinator=users["coordinator"])
    other = CaseFactory(owner=users["outsider_patient"], coordinator=users["outsider_coordinator"])
    grant = GrantFactory(case=case, caregiver=users["caregiver"])
    revoked = GrantFactory(
        case=case, caregiver=users["outsider_caregiver"], revoked_at=timezone.now()
    )
    GrantFactory(case=other, caregiver=users["outsider_caregiver"])
    invite = InviteFactory(case=case, created_by=users["patient"], token=INVITE_TOKEN)
    review = ReviewRequestFactory(
        case=case, reviewer=users["reviewer"], sent_by=users["coordinator"]
    )
    other_review = ReviewRequestFactory(
        case=other, reviewer=users["outsider_reviewer"], sent_by=users["outsider_coordinator"]
    )
    return World(users, case, other, grant, revoked, invite, review, other_review, "t-1")


@pytest.fixture
def world(db: None) -> World:
    return _build_world()


@pytest.fixture
def client_for(world: World) -> Callable[[str], Client]:
    return world.client


@pytest.fixture(autouse=True)
def _one_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request of a web test falls in one rate-limit window. With the real clock, two
    requests could straddle the end of a minute and both pass (seen once in CI)."""
    monkeypatch.setattr("crossroads_web.limits.clock", lambda: 1_000_000_030.0)
