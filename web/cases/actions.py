"""Every change to a case goes through here, together with its audit event.

Views parse and check permission; these functions change state inside one transaction and record
who did it (review requests have their own module, :mod:`review.actions`). Case records
are validated by the core's model before they are written, and a save that started from an
older version of the record is refused rather than silently overwriting someone else's work.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role, User
from audit.actions import Actor, record
from cases.models import CaregiverGrant, CaseRecord, Invite
from cases.notes import read_notes, with_notes, without_notes
from crossroads.record.case import SCHEMA_ID, Action, Case


class ActionError(Exception):
    """A change that cannot be made; the message is shown to the person."""


class VersionConflictError(ActionError):
    """Someone else saved the case after this form was opened."""


# -- helpers ------------------------------------------------------------------------------------
def with_web_notes(data: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of the record with this app's notes updated (None removes a note).

    Notes of the wrong shape already in ``data`` are dropped (:mod:`cases.notes`).
    """
    notes = read_notes(data)
    for key, value in changes.items():
        if value is None:
            notes.pop(key, None)
        else:
            notes[key] = value
    return with_notes(data, notes)


def with_own_notes(data: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with this app's notes taken from ``stored`` (none if it has none)."""
    return with_notes(data, read_notes(stored))


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by dotted path, to name the fields a save changed."""
    if isinstance(data, Mapping):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list) and data and all(isinstance(v, (Mapping, list)) for v in data):
        out = {}
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}.{i}"))
        return out
    return {prefix: data}


def changed_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    old, new = flatten(before), flatten(after)
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def _validated(data: Mapping[str, Any]) -> dict[str, Any]:
    return Case.model_validate(data).to_data()


def _write(case: CaseRecord, data: dict[str, Any], expected_version: int | None) -> None:
    """Store a new record; refuse if the stored version moved on since the form was read."""
    query = CaseRecord.objects.filter(pk=case.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    now = timezone.now()
    if not query.update(data=data, version=F("version") + 1, updated_at=now):
        raise VersionConflictError("the case was saved by someone else")
    case.refresh_from_db(fields=["data", "version", "updated_at"])


def _locked(case: CaseRecord) -> CaseRecord:
    """Re-read the case inside the transaction (locked on PostgreSQL) before changing it."""
    return CaseRecord.objects.select_for_update().get(pk=case.pk)


# -- the case record ----------------------------------------------------------------------------
def create_case(actor: Actor, owner: User, title: str) -> CaseRecord:
    with transaction.atomic():
        case = CaseRecord.objects.create(
            owner=owner, title=title, data=_validated({"schema": SCHEMA_ID})
        )
        record(actor, "case.create", case_id=case.pk)
    return case


def import_case(actor: Actor, owner: User, title: str, data: Mapping[str, Any]) -> CaseRecord:
    """A case from an existing record (the demo data, FHIR import, the API).

    A record from outside never brings this app's notes (:func:`cases.notes.without_notes`):
    they are the pages' to write, and a forged one could claim a decision or break the pages.
    """
    with transaction.atomic():
        record_data = _validated(without_notes(data))
        case = CaseRecord.objects.create(owner=owner, title=title, data=record_data)
        record(actor, "case.import", case_id=case.pk)
    return case


def owned_by_step(key: str, step_keys: set[str]) -> bool:
    """Whether a stored "I don't know" mark belongs to a step (items count under their list)."""
    return key in step_keys or key.split(".", 1)[0] in step_keys


def save_step(
    actor: Actor,
    case: CaseRecord,
    step: int,
    new_data: Mapping[str, Any],
    dont_know: Iterable[str],
    owned: Iterable[str],
    expected_version: int,
) -> list[str]:
    """Save one step's fields and its "I don't know" marks; return the changed paths."""
    owned_keys = set(owned)
    kept = [key for key in case.web.get("dont_know", []) if not owned_by_step(key, owned_keys)]
    marks = sorted(set(kept) | set(dont_know))
    data = _validated(with_web_notes(new_data, dont_know=marks or None))
    changed = changed_paths(case.data, data)
    with transaction.atomic():
        _write(case, data, expected_version)
        record(actor, "case.save", case_id=case.pk, detail={"step": step, "fields": changed})
    return changed


def replace_record(
    actor: Actor,
    case: CaseRecord,
    new_data: Mapping[str, Any],
    expected_version: int,
    title: str | None = None,
) -> list[str]:
    """Replace the whole record (the API's update); return the changed paths.

    Like a step save, it is refused when the stored version moved on since the caller read it.
    This app's own notes (``extensions.crossroads_web``: "I don't know" marks, chosen places,
    the decision note) stay as stored: only the pages write them; any the caller sent are
    dropped.
    """
    data = _validated(with_own_notes(new_data, case.data))
    changed = changed_paths(case.data, data)
    with transaction.atomic():
        _write(case, data, expected_version)
        if title is not None and title != case.title:
            CaseRecord.objects.filter(pk=case.pk).update(title=title)
            case.title = title
            changed.append("title")
        record(actor, "case.save", case_id=case.pk, detail={"fields": changed, "via": "api"})
    return changed


def delete_case(actor: Actor, case: CaseRecord) -> None:
    """Remove the case and what hangs on it (caregiver access, invitations, review requests).

    The audit trail keeps its events about the case: they name fields, never values.
    """
    with transaction.atomic():
        case_id = case.pk
        CaseRecord.objects.filter(pk=case_id).delete()
        record(actor, "case.delete", case_id=case_id)


def save_checklist(
    actor: Actor, case: CaseRecord, items: Mapping[str, bool], ticked: Iterable[str]
) -> list[str]:
    """Tick or untick checklist items.

    ``items`` maps each item's field to the value that means "in place" (for most items true;
    for "visa needed" false). Ticking sets that value; unticking an item that was in place sets
    the other one; an item nobody has answered stays unknown rather than becoming "no".
    """
    chosen = set(ticked)
    with transaction.atomic():
        fresh = _locked(case)
        data = copy.deepcopy(fresh.data)
        for path, ready in items.items():
            section, name = path.split(".", 1)
            current = (data.get(section) or {}).get(name)
            if path in chosen:
                data.setdefault(section, {})[name] = ready
            elif current is ready:
                data.setdefault(section, {})[name] = not ready
        data = _validated(data)
        changed = changed_paths(fresh.data, data)
        if changed:
            _write(fresh, data, fresh.version)
            record(actor, "checklist.save", case_id=case.pk, detail={"fields": changed})
    case.refresh_from_db()
    return changed


def add_task(actor: Actor, case: CaseRecord, title: str, owner: str | None, due: str | None) -> str:
    task_id = "t-" + secrets.token_hex(4)
    with transaction.atomic():
        fresh = _locked(case)
        data = copy.deepcopy(fresh.data)
        task = Action(id=task_id, title=title, owner=owner, due=due)
        data["actions"] = [
            *(data.get("actions") or []),
            task.model_dump(mode="json", exclude_none=True),
        ]
        _write(fresh, _validated(data), fresh.version)
        record(actor, "task.add", case_id=case.pk, detail={"task": task_id})
    case.refresh_from_db()
    return task_id


def toggle_task(
    actor: Actor,
    case: CaseRecord,
    task_id: str,
    seed: Mapping[str, Any] | None = None,
) -> bool:
    """Mark a task done or not done; returns the new state.

    A task the core's action plan suggested is not in the record until someone ticks it; then
    it is copied in (``seed``: its title, owner and due date), so the record keeps who-does-what.
    """
    with transaction.atomic():
        fresh = _locked(case)
        data = copy.deepcopy(fresh.data)
        tasks = list(data.get("actions") or [])
        task = next((t for t in tasks if t.get("id") == task_id), None)
        if task is None:
            if seed is None:
                raise ActionError("no such task")
            task = Action(
                id=task_id,
                title=str(seed["title"])[:300],
                owner=seed.get("owner"),
                due=seed.get("due"),
            ).model_dump(mode="json", exclude_none=True)
            tasks.append(task)
        task["done"] = not task.get("done", False)
        data["actions"] = tasks
        _write(fresh, _validated(data), fresh.version)
        record(
            actor,
            "task.done" if task["done"] else "task.undone",
            case_id=case.pk,
            detail={"task": task_id},
        )
    case.refresh_from_db()
    return bool(task["done"])


def record_decision(actor: Actor, case: CaseRecord, ready: bool) -> None:
    """Note that the person says they have decided, and whether the readiness check was met."""
    with transaction.atomic():
        fresh = _locked(case)
        data = with_web_notes(
            fresh.data,
            decided={"on": timezone.localdate().isoformat(), "ready": ready, "by": actor.role},
        )
        _write(fresh, _validated(data), fresh.version)
        record(actor, "decision.record", case_id=case.pk, detail={"ready": ready})
    case.refresh_from_db()


# -- caregivers ---------------------------------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite_caregiver(actor: Actor, case: CaseRecord, by: User, label: str) -> tuple[Invite, str]:
    """Make a single-use link; the token is returned once and only its digest is kept."""
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(hours=settings.CAREGIVER_INVITE_HOURS)
    with transaction.atomic():
        invite = Invite.objects.create(
            case=case, token_digest=_digest(token), label=label, created_by=by, expires_at=expires
        )
        record(actor, "caregiver.invite", case_id=case.pk, detail={"invite": invite.pk})
    return invite, token


def find_invite(token: str) -> Invite | None:
    if not token or len(token) > 100:
        return None
    return Invite.objects.select_related("case").filter(token_digest=_digest(token)).first()


def cancel_invite(actor: Actor, case: CaseRecord, invite: Invite) -> None:
    with transaction.atomic():
        updated = Invite.objects.filter(
            pk=invite.pk, case=case, used_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
        if not updated:
            raise ActionError("this invitation is already used or cancelled")
        record(actor, "caregiver.invite_cancel", case_id=case.pk, detail={"invite": invite.pk})


def accept_invite(actor: Actor, token: str, caregiver: User) -> CaregiverGrant:
    """Use the link: exactly once, before it expires, by a caregiver account."""
    if caregiver.role != Role.CAREGIVER:
        raise ActionError("only a caregiver account can accept")
    with transaction.atomic():
        invite = find_invite(token)
        if invite is None:
            raise ActionError("unknown invitation")
        now = timezone.now()
        claimed = Invite.objects.filter(
            pk=invite.pk, used_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now
        ).update(used_at=now, used_by=caregiver)
        if not claimed:
            raise ActionError("this invitation has expired or was already used")
        grant = CaregiverGrant.objects.filter(
            case=invite.case, caregiver=caregiver, revoked_at__isnull=True
        ).first() or CaregiverGrant.objects.create(case=invite.case, caregiver=caregiver)
        record(
            actor,
            "caregiver.accept",
            case_id=invite.case_id,
            detail={"invite": invite.pk, "grant": grant.pk},
        )
    return grant


def revoke_caregiver(actor: Actor, case: CaseRecord, grant: CaregiverGrant) -> None:
    with transaction.atomic():
        updated = CaregiverGrant.objects.filter(
            pk=grant.pk, case=case, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not updated:
            raise ActionError("this caregiver has no access to revoke")
        record(actor, "caregiver.revoke", case_id=case.pk, detail={"grant": grant.pk})


# -- staff work ---------------------------------------------------------------------------------
def assign_coordinator(actor: Actor, case: CaseRecord, coordinator: User | None) -> None:
    if coordinator is not None and coordinator.role != Role.COORDINATOR:
        raise ActionError("not a coordinator account")
    with transaction.atomic():
        CaseRecord.objects.filter(pk=case.pk).update(coordinator=coordinator)
        record(
            actor,
            "coordinator.assign",
            case_id=case.pk,
            detail={"coordinator": coordinator.pk if coordinator else None},
        )
    case.refresh_from_db()
