"""Two-step sign-in: an authenticator app (TOTP) plus ten single-use recovery codes.

Coordinators, reviewers and administrators see identifiable records, so a password alone must
not open them: they set up an authenticator before they reach any case page, and give a code
after the password at every sign-in. Patients and caregivers may choose to do the same.

Built on django-otp: the authenticator is its ``TOTPDevice``, the recovery codes its
``StaticDevice`` (a code is deleted when used). Wrong codes count against the device (django-otp
doubles the wait after each failure) and every failure, enrolment and use of a recovery code is
written to the audit trail. This module is the one write path for these devices, like the
other ``actions`` modules; the pages are in ``accounts.twofactor_views`` and the gate that
sends people here is ``accounts.twofactor_middleware``.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from audit.actions import Actor, record
from audit.models import Outcome

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
_TOTP_SHAPE = re.compile(r"\d{6}")


def required(user: Any) -> bool:
    """Staff must use two-step sign-in; for patients and caregivers it is a choice."""
    return bool(getattr(user, "is_staff_role", False))


def authenticator(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    """The person's authenticator (confirmed), or the one being set up (``confirmed=False``)."""
    found: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()
    )
    return found


def enrolled(user: Any) -> bool:
    """True once the person has confirmed an authenticator with a code from it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def is_verified(request: HttpRequest) -> bool:
    """True when this session has passed the code step (django-otp's ``is_verified``)."""
    check = getattr(request.user, "is_verified", None)
    return bool(callable(check) and check())


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up; kept until confirmed, so a reload shows the same secret."""
    device = authenticator(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    plain = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def otpauth_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return str(device.config_url)


def qr_data_uri(device: TOTPDevice) -> str:
    """The QR code as an SVG ``data:`` address, made here (no network, no inline script)."""
    image = qrcode.make(otpauth_uri(device), image_factory=qrcode.image.svg.SvgPathFillImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def normalise(code: str) -> str:
    """A typed code without spaces or dashes, in lower case (recovery codes are lower case)."""
    return re.sub(r"[\s\-]", "", code or "").lower()[:32]


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def confirm_authenticator(
    actor: Actor, device: TOTPDevice, code: str
) -> tuple[TOTPDevice, list[str]] | None:
    """Switch the new authenticator on if ``code`` comes from it; then ten recovery codes.

    Returns None (and writes a refusal) for a wrong code. Any older authenticator is removed,
    so a person has one at a time.
    """
    code = normalise(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not (_TOTP_SHAPE.fullmatch(code) and device.verify_token(code)):
            _failed(actor, "enrol")
            return None
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(device.user)
        record(actor, "account.otp_enrol", detail={"user": device.user_id})
    return device, codes


def new_recovery_codes(actor: Actor, user: User) -> list[str]:
    """Ten fresh recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record(actor, "account.otp_codes", detail={"user": user.pk})
    return codes


@dataclass(frozen=True, slots=True)
class Check:
    """What happened to one code given at sign-in."""

    device: TOTPDevice | StaticDevice | None
    throttled: bool = False
    recovery_codes_left: int | None = None  # set when a recovery code was used

    @property
    def ok(self) -> bool:
        return self.device is not None


def check_code(actor: Actor, user: User, code: str) -> Check:
    """Check a code from the authenticator (six digits) or a recovery code (used up here)."""
    code = normalise(code)
    recovery = not _TOTP_SHAPE.fullmatch(code)
    model: type[TOTPDevice] | type[StaticDevice] = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("id")
            .first()
        )
        if device is None or not code:
            _failed(actor, "recovery" if recovery else "code")
            return Check(None)
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            _failed(actor, "throttled")
            return Check(None, throttled=True)
        if not device.verify_token(code):
            _failed(actor, "recovery" if recovery else "code")
            return Check(None)
        if not recovery:
            record(actor, "account.otp_verify")
            return Check(device)
        left = int(StaticToken.objects.filter(device=device).count())
        record(actor, "account.otp_recovery", detail={"codes_left": left})
        return Check(device, recovery_codes_left=left)


def _failed(actor: Actor, why: str) -> None:
    record(actor, "account.otp_failed", outcome=Outcome.DENIED, detail={"why": why})


def demo_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator for a demo account, made once and kept (``load_demo``)."""
    device = authenticator(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    return device
