"""The audit trail's key: the secret behind each event's HMAC, kept outside the database.

Someone who can write to the database but cannot read this key cannot recompute the chain after
changing, inserting or removing an event. The key comes from ``CROSSROADS_AUDIT_KEY`` (settings,
from the environment), or else from a key file (``CROSSROADS_AUDIT_KEY_FILE``, by default
``var/audit_key``), made once with owner-only permissions. Keep a copy of it with, but apart from,
the database backups: a restored trail verifies only with the key that wrote it.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings

MIN_LENGTH = 32


class AuditKeyError(RuntimeError):
    """The key is missing, too short or unreadable; the message names the setting to fix."""


def audit_key() -> bytes:
    """The key as bytes (read once per process and setting)."""
    return _key(str(settings.CROSSROADS_AUDIT_KEY), str(settings.CROSSROADS_AUDIT_KEY_FILE))


@lru_cache(maxsize=4)
def _key(configured: str, file: str) -> bytes:
    if configured:
        if len(configured) < MIN_LENGTH:
            raise AuditKeyError(f"CROSSROADS_AUDIT_KEY must be at least {MIN_LENGTH} characters.")
        return configured.encode("utf-8")
    path = Path(file)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(secrets.token_hex(32))
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise AuditKeyError(
            f"cannot read the audit key file {path} ({exc.strerror}); set CROSSROADS_AUDIT_KEY "
            "or CROSSROADS_AUDIT_KEY_FILE."
        ) from None
    if len(text) < MIN_LENGTH:
        raise AuditKeyError(f"the audit key file {path} holds fewer than {MIN_LENGTH} characters.")
    return text.encode("utf-8")
