"""The audit trail's defences against someone with write access to the database (issue 17, M6).

Each attack drops the append-only triggers first, as a database owner can. The old check (a plain
SHA-256 chain) said "ok" after the newest events were deleted, or after one event was changed and
every hash recomputed; these tests show each is now reported, and that missing triggers are.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit import actions, anchor, integrity
from audit.actions import Actor, record, verify_chain
from audit.models import KEYED, AuditEvent
from audit.restore import _INSTALL, _REMOVE, _run, install_triggers, load_events

pytestmark = pytest.mark.integration

Capture = Callable[..., Any]


@pytest.fixture
def anchor_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "audit-anchor.jsonl"
    settings.CROSSROADS_AUDIT_ANCHOR = str(path)
    return path


def _write(capture: Capture, count: int) -> list[AuditEvent]:
    """``count`` events, committed as far as the anchor is concerned."""
    with capture(execute=True):
        for i in range(count):
            record(Actor.system(), f"test.{i}", detail={"n": i})
    return list(AuditEvent.objects.order_by("id"))


def _sql(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rewrite(events: list[AuditEvent], digest: Callable[[AuditEvent], str]) -> None:
    """What an attacker does: change each event as needed, then relink the whole chain."""
    previous = actions.GENESIS
    for event in events:
        event.prev_hash = previous
        event.hash = digest(event)
        _sql(
            "UPDATE audit_auditevent SET action = %s, prev_hash = %s, hash = %s, "
            "hash_version = %s WHERE id = %s",
            [event.action, event.prev_hash, event.hash, event.hash_version, event.pk],
        )
        previous = event.hash


def _plain_sha256(event: AuditEvent) -> str:
    fields = actions._link_fields(event)
    text = json.dumps(fields, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@pytest.fixture
def no_triggers() -> Iterator[None]:
    _run(_REMOVE)
    yield
    install_triggers()


def test_intact_trail_verifies_with_triggers_chain_and_anchor(
    db: None, anchor_file: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    events = _write(django_capture_on_commit_callbacks, 3)
    lines = [json.loads(line) for line in anchor_file.read_text().splitlines()]
    assert [(x["kind"], x["id"], x["seq"], x["hash"]) for x in lines] == [
        ("head", e.pk, n, e.hash) for n, e in enumerate(events, start=1)
    ]
    assert [(e.hash_version, e.seq) for e in events] == [(KEYED, 1), (KEYED, 2), (KEYED, 3)]
    assert oct(anchor_file.stat().st_mode & 0o777) == "0o600"
    out: list[str] = []
    call_command("verify_audit", stdout=_Lines(out))
    assert out == [
        "Audit chain: ok (3 events).",
        "Append-only triggers: in place.",
        "Anchor: the trail reaches the anchored head.",
    ]


def test_missing_triggers_are_reported(
    db: None, anchor_file: Path, no_triggers: None, django_capture_on_commit_callbacks: Capture
) -> None:
    _write(django_capture_on_commit_callbacks, 2)
    names = {"sqlite": ["audit_event_no_update", "audit_event_no_delete"]}.get(
        connection.vendor, ["audit_event_no_change", "audit_event_no_truncate"]
    )
    assert integrity.missing_triggers() == names
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")
    assert str(raised.value).splitlines() == [
        "The audit trail does not verify:",
        *[
            f"- the append-only trigger {name} is missing or disabled; find out who removed it, "
            "then put it back with `manage.py verify_audit --restore-triggers`."
            for name in names
        ],
    ]
    install_triggers()
    assert integrity.missing_triggers() == []


# SQLite cannot disable a trigger, only drop it (tested above): this test exists in the
# PostgreSQL pass of `make test` only, so that no run reports a skip.
if os.environ.get("DATABASE_URL", "").startswith("postgres"):

    def test_disabled_trigger_is_reported_on_postgresql(db: None) -> None:
        _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change", [])
        assert integrity.missing_triggers() == ["audit_event_no_change"]


def test_deleting_the_newest_events_is_reported_as_truncation(
    db: None, anchor_file: Path, no_triggers: None, django_capture_on_commit_callbacks: Capture
) -> None:
    events = _write(django_capture_on_commit_callbacks, 60)
    _sql("DELETE FROM audit_auditevent WHERE id > %s", [events[9].pk])
    report = integrity.check()
    assert (report.chain.ok, report.chain.checked) == (True, 10)  # the chain alone looks fine
    assert report.anchor == [
        f"truncated: the anchor records 60 events up to event {events[-1].pk}, but the trail "
        f"holds 10 events (last: {events[9].pk})."
    ]


def test_editing_one_event_and_relinking_without_the_key_is_reported(
    db: None, anchor_file: Path, no_triggers: None, django_capture_on_commit_callbacks: Capture
) -> None:
    events = _write(django_capture_on_commit_callbacks, 5)
    events[2].action = "test.changed"
    _rewrite(events, _plain_sha256)  # the old algorithm: all an attacker without the key has
    report = verify_chain()
    assert (report.broken_at, report.why) == (
        events[0].pk,
        "its content does not match its hash (changed, or rewritten without the key)",
    )


def test_relabelling_the_chain_as_unkeyed_is_caught_by_the_anchor(
    db: None, anchor_file: Path, no_triggers: None, django_capture_on_commit_callbacks: Capture
) -> None:
    events = _write(django_capture_on_commit_callbacks, 5)
    events[2].action = "test.changed"
    for event in events:
        event.hash_version = None  # pretend every event predates the key
    _rewrite(events, _plain_sha256)
    report = integrity.check()
    assert (report.chain.ok, report.chain.unkeyed) == (True, 5)
    assert report.anchor == [
        f"rewritten: event {events[-1].pk} no longer has the hash the anchor recorded."
    ]


def test_rewrite_with_a_stolen_key_is_caught_by_the_anchor(
    db: None, anchor_file: Path, no_triggers: None, django_capture_on_commit_callbacks: Capture
) -> None:
    events = _write(django_capture_on_commit_callbacks, 5)
    events[2].action = "test.changed"
    _rewrite(events, actions.event_hash)  # the real key: the chain itself verifies
    report = integrity.check()
    assert report.chain.ok
    assert report.anchor == [
        f"rewritten: event {events[-1].pk} no longer has the hash the anchor recorded."
    ]
    assert not report.ok


def test_events_from_before_the_key_verify_and_the_first_keyed_one_counts_them(
    db: None, anchor_file: Path
) -> None:
    previous, legacy = actions.GENESIS, []
    for i in range(3):  # as 0001/0002 wrote them: plain SHA-256, no version, no position
        event = AuditEvent(
            id=100 + i,
            at=actions.timezone.now(),
            role="system",
            action=f"old.{i}",
            prev_hash=previous,
        )
        event.hash = _plain_sha256(event)
        previous = event.hash
        legacy.append(event)
    load_events(legacy)
    keyed = record(Actor.system(), "new.event")
    report = verify_chain()
    assert (report.ok, report.checked, report.unkeyed, keyed.seq) == (True, 4, 3, 4)


def test_unkeyed_event_after_keyed_ones_is_a_rewrite(db: None, anchor_file: Path) -> None:
    record(Actor.system(), "test.0")
    later = AuditEvent(
        id=10_000,
        at=actions.timezone.now(),
        role="system",
        action="forged",
        prev_hash=AuditEvent.objects.get().hash,
    )
    later.hash = _plain_sha256(later)
    load_events([later])
    report = verify_chain()
    assert (report.broken_at, report.why) == (
        10_000,
        "it carries an unkeyed hash after keyed events (rewritten)",
    )


def test_restore_starts_the_anchor_again_from_the_restored_head(
    db: None, anchor_file: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    events = _write(django_capture_on_commit_callbacks, 4)
    anchor.append("head", events[-1].pk + 50, 54, "f" * 64)  # a longer trail, since replaced
    with django_capture_on_commit_callbacks(execute=True):
        from audit.restore import wipe_events

        wipe_events()
        load_events(events[:2])
    assert anchor.current(anchor_file) == [anchor.Entry("restore", events[1].pk, 2, events[1].hash)]
    assert integrity.check().ok


def test_reset_anchor_accepts_the_trail_as_it_is(
    db: None, anchor_file: Path, no_triggers: None, django_capture_on_commit_callbacks: Capture
) -> None:
    events = _write(django_capture_on_commit_callbacks, 4)
    _sql("DELETE FROM audit_auditevent WHERE id > %s", [events[1].pk])
    _run(_INSTALL)
    with pytest.raises(CommandError, match="truncated"):
        call_command("verify_audit")
    call_command("verify_audit", "--reset-anchor", stdout=_Lines([]))
    assert anchor.current(anchor_file)[0] == anchor.Entry("reset", events[1].pk, 2, events[1].hash)


def test_missing_or_unconfigured_anchor_is_reported(
    db: None, settings: Any, tmp_path: Path
) -> None:
    record(Actor.system(), "test.0")
    settings.CROSSROADS_AUDIT_ANCHOR = ""
    assert integrity.check().anchor == [
        "no anchor file is configured (CROSSROADS_AUDIT_ANCHOR), so removed newest events "
        "cannot be detected."
    ]
    settings.CROSSROADS_AUDIT_ANCHOR = str(tmp_path / "gone.jsonl")
    assert integrity.check().anchor == [
        f"the anchor file {tmp_path / 'gone.jsonl'} is missing, but the trail holds 1 events."
    ]


def test_a_wrong_key_fails_every_keyed_event(db: None, settings: Any) -> None:
    first = record(Actor.system(), "test.0")
    settings.CROSSROADS_AUDIT_KEY = "another-key-of-at-least-thirty-two-chars"
    assert verify_chain().broken_at == first.pk


class _Lines:
    """A stdout for call_command that keeps whole lines."""

    def __init__(self, into: list[str]) -> None:
        self.into = into

    def write(self, text: str) -> None:
        self.into.extend(line for line in text.splitlines() if line)

    def flush(self) -> None:
        return None


OLD_CHAIN = r"""
import hashlib, json
from django.core.management import call_command
from django.db import connection
call_command("migrate", "audit", "0002_append_only", verbosity=0)
previous = "0" * 64
with connection.cursor() as cursor:
    for i in range(3):
        fields = {"at": f"2026-11-0{i + 1}T10:00:00.000000+00:00", "actor_id": None,
                  "actor_name": "", "role": "system", "action": f"old.{i}", "outcome": "ok",
                  "case_id": None, "detail": {}, "ip": None, "path": "", "prev_hash": previous}
        text = json.dumps(fields, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        digest = hashlib.sha256(text.encode("ascii")).hexdigest()
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_name, role, action, outcome, detail, path, "
            "prev_hash, hash) VALUES (%s, '', 'system', %s, 'ok', '{}', '', %s, %s)",
            [fields["at"].replace("T", " ").replace("+00:00", ""), fields["action"], previous,
             digest],
        )
        previous = digest
call_command("migrate", verbosity=0)
from audit.actions import Actor, record
record(Actor.system(), "new.event")
"""


def test_migration_keeps_old_events_verifiable_and_seals_them(tmp_path: Path) -> None:
    from tests.web.test_migrations import _manage

    made = _manage(tmp_path, "shell", "-c", OLD_CHAIN)
    assert made.returncode == 0, made.stderr
    checked = _manage(tmp_path, "verify_audit")
    assert (checked.returncode, checked.stdout.splitlines()) == (
        0,
        [
            "Audit chain: ok (4 events, 3 from before the keyed hash).",
            "Append-only triggers: in place.",
            "Anchor: the trail reaches the anchored head.",
        ],
    )
    lines = (tmp_path / "var" / "audit-anchor.jsonl").read_text().splitlines()
    assert [(x["kind"], x["seq"]) for x in map(json.loads, lines)] == [("seal", 3), ("head", 4)]
