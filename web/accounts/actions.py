"""Every change to an account goes through here, together with its audit event."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import Role, User
from audit.actions import Actor, record


def create_user(
    actor: Actor,
    username: str,
    password: str,
    role: str,
    language: str = "en",
    full_name: str = "",
    email: str = "",
) -> User:
    """A new account; the password must pass the strength rules (ValidationError if not)."""
    user = User(
        username=username, role=role, language=language, first_name=full_name[:150], email=email
    )
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        record(actor, "account.create", detail={"user": user.pk, "role": role})
    return user


def register(
    actor: Actor,
    username: str,
    password: str,
    role: str,
    language: str,
    full_name: str = "",
    email: str = "",
) -> User:
    """Self-service sign-up is for patients, and for caregivers holding an invitation."""
    if role not in {Role.PATIENT, Role.CAREGIVER}:
        raise ValueError("only patients and caregivers register themselves")
    return create_user(actor, username, password, role, language, full_name, email=email)


def update_settings(actor: Actor, user: User, email: str, time_zone: str) -> list[str]:
    """Save the e-mail address and time zone; the audit event names what changed, not the values.

    Returns the names of the changed fields (empty when nothing changed, and then no event).
    """
    changed = [
        name
        for name, value in (("email", email), ("time_zone", time_zone))
        if getattr(user, name) != value
    ]
    if not changed:
        return []
    user.email, user.time_zone = email, time_zone
    with transaction.atomic():
        user.save(update_fields=changed)
        record(actor, "account.settings", detail={"fields": changed})
    return changed


def password_reset(actor: Actor) -> None:
    """A reset link was asked for. The address typed is not kept: whether it belongs to an
    account is exactly what the page does not tell."""
    record(actor, "account.reset_request")


def password_reset_done(actor: Actor) -> None:
    """A new password was set from an e-mailed link (Django's form saved it)."""
    record(actor, "account.password_reset")


def set_language(actor: Actor, user: User, language: str) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(language=language)
        record(actor, "account.language", detail={"language": language})
    user.language = language


def change_password(actor: Actor, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        record(actor, "account.password")
