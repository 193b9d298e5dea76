"""The audit trail's anchor: an append-only file outside the database that remembers its head.

After each new event is committed, one line goes to the anchor file (``CROSSROADS_AUDIT_ANCHOR``,
by default ``var/audit-anchor.jsonl``): the event's number, its position in the chain and its
hash. The chain alone cannot show that its newest events were removed, or that all of it was
rewritten by someone holding the key; the anchor can, because it lives where the database
account cannot reach. Give the file to an account other than the app's, or mark it append-only
(``chattr +a``), or ship it to a log host.

Each line is a JSON object with ``kind``: ``head`` (after an event), ``seal`` (the migration that
introduced the keyed hash, for the events before it), ``restore`` (``manage.py restore`` replaced
the trail) or ``reset`` (``manage.py verify_audit --reset-anchor`` after an intended change, such
as a database restored from a file copy). Checks use the lines since the last restore or reset.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

KINDS = frozenset({"head", "seal", "restore", "reset"})
RESTARTS = frozenset({"restore", "reset"})


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    event_id: int
    seq: int
    hash: str


class AnchorError(ValueError):
    """A line of the anchor file that is not an anchor entry."""


def anchor_path() -> Path | None:
    """The anchor file, or None when anchoring is switched off (the test settings)."""
    configured = str(getattr(settings, "CROSSROADS_AUDIT_ANCHOR", "") or "")
    return Path(configured) if configured else None


def append(kind: str, event_id: int, seq: int, head: str) -> None:
    """Add one line; a single ``write`` on an O_APPEND file, so concurrent writers never mix."""
    path = anchor_path()
    if path is None:
        return
    if kind not in KINDS:
        raise ValueError(f"unknown anchor kind {kind!r}")
    line = json.dumps(
        {
            "kind": kind,
            "id": event_id,
            "seq": seq,
            "hash": head,
            "at": timezone.now().isoformat(timespec="seconds"),
        },
        separators=(",", ":"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(handle, (line + "\n").encode("ascii"))
    finally:
        os.close(handle)


def _parse(number: int, text: str) -> Entry:
    try:
        data = json.loads(text)
        entry = Entry(str(data["kind"]), int(data["id"]), int(data["seq"]), str(data["hash"]))
    except (ValueError, KeyError, TypeError):
        raise AnchorError(f"line {number} is not an anchor entry") from None
    if entry.kind not in KINDS:
        raise AnchorError(f"line {number} has an unknown kind {entry.kind!r}")
    return entry


def current(path: Path) -> list[Entry]:
    """The entries since the last restore or reset (AnchorError on a damaged line)."""
    entries: list[Entry] = []
    with path.open(encoding="ascii", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            entry = _parse(number, text)
            if entry.kind in RESTARTS:
                entries = []
            entries.append(entry)
    return entries
