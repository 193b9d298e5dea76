"""Every change to a record document goes through here, with its audit event.

- :func:`add_document`: a file that passed the core's intake checks is stored and queued;
- :func:`delete_document`: the file, its text and its proposals go (the owner's choice);
- :func:`decide`: the person's accept, edit or reject per proposal. Only accepted values enter
  the case, through the step save path (:func:`cases.actions.save_step`, which validates the
  record with the core and writes the ``case.save`` event), with the core's
  :func:`~crossroads.records.apply.apply` keeping each value's provenance in the record. When no
  proposal of a document is left undecided, the document is confirmed, and if its kind is a
  records checklist item, that item is ticked (:func:`cases.actions.save_checklist`) unless
  the person turned down the reading's own proposal for that item (a kind they disagree with).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from accounts.models import User
from audit.actions import Actor, record
from cases import actions as case_actions
from cases.models import CaseRecord
from crossroads.records.apply import apply
from crossroads.records.extract import Proposal as CoreProposal
from crossroads.records.intake import CheckedDocument
from crossroads.records.text import Box, Provenance
from crossroads.records.words import load_words
from documents.models import Decision, Document, Proposal, State

log = logging.getLogger(__name__)

Value = str | int | float | bool


class DecisionError(Exception):
    """Choices that cannot be saved; ``problems`` maps a proposal id (or 0) to a message key."""

    def __init__(self, problems: Mapping[int, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


@dataclass
class Outcome:
    accepted: list[str] = field(default_factory=list)  # record paths written
    rejected: int = 0
    confirmed: bool = False
    ticked: str | None = None  # the checklist field ticked


def checklist_field(kind: str) -> str | None:
    """The records checklist item a confirmed document of this kind ticks (the core's words)."""
    found = load_words().kinds.get(kind)
    return f"records.{found.records_field}" if found and found.records_field else None


# -- upload and delete ---------------------------------------------------------------------------
def add_document(
    actor: Actor, case: CaseRecord, user: User, checked: CheckedDocument, kind: str
) -> Document:
    """Store a checked document and queue its reading.

    The file is written first and removed again if the row cannot be written, so a failure
    leaves neither a file without a row nor a row without a file.
    """
    from documents.tasks import read_document

    document = Document(
        case=case,
        uploaded_by=user,
        name=checked.name[:200] or "document",
        media_type=checked.media_type,
        sha256=checked.sha256,
        size=len(checked.data),
        pages=checked.pages,
        kind=kind,
        kind_chosen=bool(kind),
    )
    document.file.save("upload", ContentFile(checked.data), save=False)
    try:
        with transaction.atomic():
            document.save()
            record(
                actor,
                "document.upload",
                case_id=case.pk,
                detail={"document": document.pk, "kind": kind or "detect", "pages": checked.pages},
            )
    except BaseException:
        document.file.storage.delete(str(document.file.name))
        raise
    queued = read_document.enqueue(document.pk)
    Document.objects.filter(pk=document.pk).update(task_id=str(queued.id)[:64])
    document.refresh_from_db()
    return document


def delete_document(actor: Actor, document: Document) -> None:
    """Remove the file, its text and its proposals; values already accepted stay in the record
    (they are the person's now, and their provenance names the document)."""
    from documents.redaction import remove_file

    name, storage = str(document.file.name), document.file.storage
    remove_file(document)  # its redacted copy, if any
    with transaction.atomic():
        pk, case_id = document.pk, document.case_id
        document.delete()  # pages and proposals go with it (CASCADE)
        record(actor, "document.delete", case_id=case_id, detail={"document": pk})
    try:
        storage.delete(name)
    except OSError:  # the row is gone; a leftover file is logged for the administrator
        log.exception("could not remove the file of document %s", pk)


# -- decisions -----------------------------------------------------------------------------------
def _plain(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def coerce(original: Value, typed: str) -> Value:
    """An edited value in the type of the proposed one (a number stays a number)."""
    text = typed.strip()
    if not text:
        raise ValueError("empty")
    if isinstance(original, bool):
        if text.lower() in {"true", "yes", "是"}:
            return True
        if text.lower() in {"false", "no", "否"}:
            return False
        raise ValueError("not yes or no")
    if isinstance(original, int):
        return int(text)
    if isinstance(original, float):
        return float(text)
    return text


def core_proposal(row: Proposal, value: Value) -> CoreProposal:
    """The core's proposal for a stored row, with the value the person accepted."""
    box = Box(*row.box) if row.box else None
    source = Provenance(
        document=row.document.core_id,
        name=row.document.name,
        page=row.page,
        start=row.start,
        end=row.end,
        text=row.text,
        box=box,
    )
    return CoreProposal(row.field, value, source, row.confidence, row.entry or None)


def decide(
    actor: Actor,
    user: User,
    document: Document,
    choices: Mapping[int, tuple[str, str | None]],
    expected_version: int,
) -> Outcome:
    """Apply the person's choices: ``{proposal id: ("accept"|"reject"|"", edited text)}``.

    Everything is checked before anything is written: an edited value that is not of the right
    kind, two different values accepted for one field, or a record the core refuses raise
    :class:`DecisionError` and nothing changes. A version moved on since the page was read
    raises :class:`cases.actions.VersionConflictError`.
    """
    case = document.case
    rows = {p.pk: p for p in document.proposals.select_related("document")}
    problems: dict[int, str] = {}
    accepted: list[tuple[Proposal, Value]] = []
    rejected: list[Proposal] = []
    for pk, (choice, typed) in choices.items():
        row = rows.get(pk)
        if row is None or row.decision != Decision.PENDING or choice not in {"accept", "reject"}:
            continue
        if choice == "reject":
            rejected.append(row)
            continue
        value: Value = row.value
        if typed is not None and typed.strip() not in {str(row.value), _plain(row.value)}:
            try:
                value = coerce(row.value, typed)
            except ValueError:
                problems[pk] = "kind"
                continue
        accepted.append((row, value))
    by_path: dict[str, Value] = {}
    for row, value in accepted:
        if row.path in by_path and by_path[row.path] != value:
            problems[row.pk] = "twice"
        by_path[row.path] = value
    if problems:
        raise DecisionError(problems)
    outcome = Outcome(rejected=len(rejected))
    now = timezone.now()
    with transaction.atomic():
        fresh = CaseRecord.objects.select_for_update().get(pk=case.pk)
        if fresh.version != expected_version:
            raise case_actions.VersionConflictError("the case was saved by someone else")
        if accepted:
            new_data = apply(fresh.data, [core_proposal(r, v) for r, v in accepted])
            owned = {r.field for r, _ in accepted} | {r.field.split(".")[0] for r, _ in accepted}
            try:
                outcome.accepted = case_actions.save_step(
                    actor, fresh, 1, new_data, [], owned, expected_version
                )
            except ValidationError as exc:
                raise DecisionError(_invalid(exc, accepted)) from None
            for row, value in accepted:
                Proposal.objects.filter(pk=row.pk).update(
                    decision=Decision.ACCEPTED, final_value=value, decided_by=user, decided_at=now
                )
            record(
                actor,
                "document.accept",
                case_id=case.pk,
                detail={"document": document.pk, "fields": sorted({r.path for r, _ in accepted})},
            )
        if rejected:
            Proposal.objects.filter(pk__in=[r.pk for r in rejected]).update(
                decision=Decision.REJECTED, decided_by=user, decided_at=now
            )
            record(
                actor,
                "document.reject",
                case_id=case.pk,
                detail={"document": document.pk, "fields": sorted({r.path for r in rejected})},
            )
        pending = document.proposals.filter(decision=Decision.PENDING).exists()
        if (
            not pending
            and document.confirmed_at is None
            and document.state == State.READ
            and (accepted or rejected or not rows)
        ):
            Document.objects.filter(pk=document.pk).update(confirmed_at=now)
            outcome.confirmed = True
            item = checklist_field(document.kind)
            turned_down = document.proposals.filter(field=item, decision=Decision.REJECTED)
            if item is not None and not turned_down.exists():
                fresh.refresh_from_db()
                case_actions.save_checklist(actor, fresh, {item: True}, [item])
                outcome.ticked = item
    case.refresh_from_db()
    document.refresh_from_db()
    return outcome


def _invalid(exc: ValidationError, accepted: list[tuple[Proposal, Value]]) -> dict[int, str]:
    """The proposals whose field the core's record check refused (else the first accepted)."""
    heads = {".".join(str(p) for p in error["loc"][:1]) for error in exc.errors()}
    found = {r.pk: "invalid" for r, _ in accepted if r.field.split(".")[0] in heads}
    return found or {accepted[0][0].pk: "invalid"}
