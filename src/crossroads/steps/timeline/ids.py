"""A stable key for one person's case that reveals nothing, for calendar event ids.

Re-exporting a plan must update the same calendar events, so the key is stable for one case on
one installation. It is a keyed hash (HMAC-SHA-256) of the identity fields with a secret of this
installation: an unsalted hash of a name and birth date can be reversed by trying candidates, so
anyone who saw a calendar file could confirm who it is about. With the secret they cannot.

Where the secret comes from, first match wins:

1. ``CROSSROADS_SECRET_KEY``: the secret itself (at least 32 characters), for servers and CI;
2. ``CROSSROADS_KEY_FILE``: a file holding it;
3. ``secret.key`` in the per-user config folder: ``$CROSSROADS_CONFIG_DIR``, else
   ``$XDG_CONFIG_HOME/crossroads``, else ``~/.config/crossroads`` (on Windows
   ``%APPDATA%\\crossroads``). It is created on first use with 32 random bytes, readable by its
   owner only (0600). Deleting it changes every calendar id this installation makes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from crossroads.common.errors import InstallationKeyError
from crossroads.record.case import Case

KEY_ENV = "CROSSROADS_SECRET_KEY"
KEY_FILE_ENV = "CROSSROADS_KEY_FILE"
CONFIG_DIR_ENV = "CROSSROADS_CONFIG_DIR"
KEY_FILE_NAME = "secret.key"
MIN_KEY_CHARS = 32
KEY_CHARS = 16  # hex characters of the key kept in ids: 64 bits, ample for one person's cases


def config_dir() -> Path:
    """The per-user folder where Crossroads keeps this installation's settings."""
    given = os.environ.get(CONFIG_DIR_ENV)
    if given:
        return Path(given)
    if sys.platform == "win32" and os.environ.get("APPDATA"):  # pragma: no cover - not on CI
        return Path(os.environ["APPDATA"]) / "crossroads"
    base = os.environ.get("XDG_CONFIG_HOME")
    return (Path(base) if base else Path.home() / ".config") / "crossroads"


def key_file() -> Path:
    """The file that holds this installation's secret (it may not exist yet)."""
    given = os.environ.get(KEY_FILE_ENV)
    return Path(given) if given else config_dir() / KEY_FILE_NAME


def _checked(secret: str, where: str) -> bytes:
    secret = secret.strip()
    if len(secret) < MIN_KEY_CHARS:
        raise InstallationKeyError(
            f"{where}: the secret key has {len(secret)} characters; it needs at least "
            f"{MIN_KEY_CHARS}. Set {KEY_ENV} to a longer random value, or delete the key file "
            "so that Crossroads makes a new one."
        )
    return secret.encode("utf-8")


def _create(path: Path) -> None:
    """Write a new random secret, owner-only, without overwriting one made meanwhile.

    The mode is set when the file is created (a umask can only narrow 0600), so there is no
    moment when the secret is readable by others.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        return  # another process made it first; use theirs
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_hex(32) + "\n")


def installation_key() -> bytes:
    """This installation's secret: from the environment, or the key file (made on first use)."""
    given = os.environ.get(KEY_ENV)
    if given:
        return _checked(given, KEY_ENV)
    path = key_file()
    try:
        if not path.exists():
            _create(path)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstallationKeyError(
            f"{path}: cannot read or create the installation's secret key ({exc}). "
            f"Set {KEY_ENV}, or {KEY_FILE_ENV} to a file Crossroads may write."
        ) from None
    return _checked(text, str(path))


def _identity(case: Case) -> dict[str, Any]:
    patient = case.patient
    identity: dict[str, Any] = {
        "name": patient.name,
        "birth": str(patient.birth_date) if patient.birth_date else None,
        "numbers": [n.value for n in patient.record_numbers],
        "diagnosed": str(case.diagnosis.diagnosed) if case.diagnosis.diagnosed else None,
        "disease": case.diagnosis.disease,
    }
    if not any(identity.values()):
        identity = {"lines": [line.model_dump(mode="json") for line in case.lines or []]}
    return identity


def case_key(case: Case, key: bytes | None = None) -> str:
    """A stable key for one person's case that reveals nothing: a keyed hash of identity fields.

    ``key`` defaults to :func:`installation_key`. Calendar event ids use the result, so that
    re-exporting a plan updates the same events.
    """
    text = json.dumps(_identity(case), sort_keys=True, ensure_ascii=False)
    secret = installation_key() if key is None else key
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()[:KEY_CHARS]
