"""No dead end at review: asking for a coordinator, the coordinators' queue, answers not yet read,
and the decision as the patient's side noted it (issue 13).

Why here: a self-registered patient's case has no coordinator, yet the tasks of a review are a
coordinator's. The patient's side asks (:func:`ask_coordinator`); the case then waits in a queue
that every coordinator sees (:func:`queue`), with a limited view (``Relation.QUEUE`` in
:mod:`cases.permissions`), until one of them takes it (:func:`take`). Every change goes through
this module with its audit event; the pages and their tests call the same functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, User
from audit.actions import Actor, record
from cases.actions import ActionError
from cases.models import CaseRecord
from cases.permissions import Perm, can, perms_for
from cases.results import kb
from crossroads.render.notes import DecisionNoted, ReportNotes, SpecialistAnswer
from crossroads.steps.review import explain_terms
from review.models import (
    AnswerSeen,
    CoordinationRequest,
    DecisionChoice,
    DecisionNote,
    ReviewRequest,
)
from review.permissions import can_view_review

SENTENCE_KEYS = DecisionNote.SENTENCE_KEYS


class AlreadyTakenError(ActionError):
    """Another coordinator took the case first (or it has a coordinator already)."""


# -- asking and taking ---------------------------------------------------------------------------
def open_request(case: CaseRecord) -> CoordinationRequest | None:
    """The request for a coordinator that is still waiting, if any."""
    return case.coordination_requests.filter(taken_at__isnull=True).order_by("id").first()


def ask_coordinator(
    actor: Actor, by: User, case: CaseRecord, review_wanted: bool = True
) -> CoordinationRequest:
    """Ask for a care coordinator (and a specialist review); asking twice keeps one request."""
    if not can(by, Perm.ASK_COORDINATOR, case):
        raise ActionError("only the patient's side asks for a coordinator")
    with transaction.atomic():
        found = open_request(case)
        if found is not None:
            return found
        made = CoordinationRequest.objects.create(
            case=case, asked_by=by, review_wanted=review_wanted
        )
        record(
            actor,
            "coordinator.ask",
            case_id=case.pk,
            detail={"request": made.pk, "review": review_wanted},
        )
    return made


def queue() -> QuerySet[CaseRecord]:
    """Cases whose patient's side asked for a coordinator and that have none yet, oldest first."""
    waiting = CoordinationRequest.objects.filter(taken_at__isnull=True).values("case_id")
    return (
        CaseRecord.objects.filter(coordinator__isnull=True, pk__in=waiting)
        .select_related("owner")
        .order_by("id")
    )


def take(actor: Actor, by: User, case: CaseRecord) -> CaseRecord:
    """This coordinator takes the case: they become its coordinator, the request is closed.

    The update only succeeds while the case has no coordinator, so two coordinators pressing at
    once cannot both take it.
    """
    if by.role != Role.COORDINATOR:
        raise ActionError("only a coordinator takes a case")
    with transaction.atomic():
        now = timezone.now()
        claimed = CaseRecord.objects.filter(pk=case.pk, coordinator__isnull=True).update(
            coordinator=by
        )
        if not claimed:
            raise AlreadyTakenError("this case has a coordinator already")
        requests = list(case.coordination_requests.filter(taken_at__isnull=True))
        CoordinationRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
            taken_by=by, taken_at=now
        )
        record(
            actor,
            "coordinator.take",
            case_id=case.pk,
            detail={"coordinator": by.pk, "requests": [r.pk for r in requests]},
        )
    case.refresh_from_db()
    case.__dict__.pop("_relations", None)
    return case


# -- answers not yet read ------------------------------------------------------------------------
def answered_at(request: ReviewRequest) -> dt.datetime | None:
    """When the latest answer (or the shared view) to this request arrived; None if none has."""
    times: list[dt.datetime] = [request.consensus_at] if request.consensus_at else []
    for given in request.answers.all():
        times.append(given.revised_at or given.answered_at)
    return max(times) if times else None


def _unread(user: User, requests: Iterable[ReviewRequest]) -> list[ReviewRequest]:
    requests = [r for r in requests if can_view_review(user, r)]
    seen = {
        s.request_id: s.seen_at
        for s in AnswerSeen.objects.filter(user=user, request__in=[r.pk for r in requests])
    }
    out = []
    for r in requests:
        arrived = answered_at(r)
        if arrived is not None and (r.pk not in seen or seen[r.pk] < arrived):
            out.append(r)
    return out


def reads_answers(user: User, case: CaseRecord) -> bool:
    """Answers are news for the patient's side (the coordinator follows them on their pages)."""
    return Perm.DECIDE in perms_for(user, case)


def unread_counts(user: User, cases: Iterable[CaseRecord]) -> dict[int, int]:
    """For each case, how many review requests have an answer this person has not opened."""
    cases = [c for c in cases if reads_answers(user, c)]
    if not cases:
        return {}
    requests = ReviewRequest.objects.filter(case__in=cases).prefetch_related("answers")
    counts: dict[int, int] = {}
    for r in _unread(user, requests):
        counts[r.case_id] = counts.get(r.case_id, 0) + 1
    return counts


def mark_seen(user: User, requests: Iterable[ReviewRequest]) -> None:
    """The person opened these answers (step 5 or the request's page): the badge goes."""
    now = timezone.now()
    for r in requests:
        AnswerSeen.objects.update_or_create(request=r, user=user, defaults={"seen_at": now})


# -- the decision --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Choice:
    """One thing a person can say they decided, as the step-6 form offers it."""

    value: str  # "option:<code>", "wait" or "more_information"
    label: str


def decision_choices(grid: Mapping[str, Any] | None, wait: str, more: str) -> list[Choice]:
    """The options of step 3 (each once, in grid order), then "wait" and "more information"."""
    found: dict[str, str] = {}
    for setting in (grid or {}).get("settings") or []:
        for option in setting.get("options") or []:
            found.setdefault(str(option["code"]), str(option["name"]))
    return [
        *(Choice(f"option:{code}", name) for code, name in found.items()),
        Choice(DecisionChoice.WAIT.value, wait),
        Choice(DecisionChoice.MORE_INFORMATION.value, more),
    ]


def note_decision(
    actor: Actor,
    by: User,
    case: CaseRecord,
    choice: Choice,
    ready: bool,
) -> DecisionNote:
    """Keep what was decided, by whom and when, with the four sentences as they stand now."""
    if not can(by, Perm.DECIDE, case):
        raise ActionError("only the patient's side notes a decision")
    sentences = ((case.data.get("decision") or {}).get("sentences")) or {}
    kind, _sep, code = choice.value.partition(":")
    with transaction.atomic():
        note = DecisionNote.objects.create(
            case=case,
            kind=kind,
            option=code,
            label=choice.label,
            sentences={k: sentences.get(k) or "" for k in SENTENCE_KEYS},
            ready=ready,
            by=by,
        )
        record(
            actor,
            "decision.note",
            case_id=case.pk,
            detail={"note": note.pk, "kind": kind, "option": code, "ready": ready},
        )
    return note


def latest_decision(case: CaseRecord) -> DecisionNote | None:
    return case.decision_notes.select_related("by").order_by("-id").first()


# -- who is awaited ------------------------------------------------------------------------------
def waiting_for(case: CaseRecord, owner: str | None, waiting: Mapping[str, str]) -> str:
    """For a task owned by a role nobody fills yet, who is awaited (else "").

    ``waiting`` holds the page's words: ``coordinator_asked`` (a request waits in the queue),
    ``coordinator`` (nobody asked yet) and ``reviewer`` (no request was sent to a reviewer).
    """
    if owner == "coordinator" and case.coordinator_id is None:
        return waiting["coordinator_asked" if open_request(case) else "coordinator"]
    if owner == "reviewer" and not case.review_requests.exclude(state="draft").exists():
        if case.coordinator_id is None:
            return waiting["coordinator_asked" if open_request(case) else "coordinator"]
        return waiting["reviewer"]
    return ""


def with_waiting(
    case: CaseRecord, tasks: Iterable[Mapping[str, Any]], waiting: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The tasks (copied: the plan is cached), each saying who is awaited (``waiting``)."""
    return [{**t, "waiting": waiting_for(case, t.get("owner"), waiting)} for t in tasks]


# -- into the report -----------------------------------------------------------------------------
def answer_texts(request: ReviewRequest) -> list[str]:
    """Everything the reviewers wrote on this request (the words to explain come from here)."""
    texts = [request.consensus_text] if request.consensus_at else []
    for given in request.answers.all():
        texts += [given.answer, given.conditions, given.check_next, given.comment]
    return [t for t in texts if t]


def report_notes(user: User, case: CaseRecord, lang: str = "en") -> ReportNotes:
    """The latest specialist answer this person may read, and the decision in force, for the
    core's report and hand-over letter (:mod:`crossroads.render.notes`)."""
    requests = [
        r
        for r in case.review_requests.select_related("consensus_by")
        .prefetch_related("answers__reviewer")
        .order_by("-id")
        if can_view_review(user, r) and answered_at(r) is not None
    ]
    answer = None
    if requests:
        latest = requests[0]
        arrived = answered_at(latest)
        assert arrived is not None  # kept above only when answered
        givens = list(latest.answers.all())
        view = latest.consensus_view or (givens[0].view if len(givens) == 1 else "")
        answer = SpecialistAnswer(
            answered_on=timezone.localdate(arrived),
            plain=latest.consensus_text if latest.consensus_at else "",
            agrees={"agree": True, "disagree": False}.get(view),
            reviewers=tuple(g.reviewer.shown_name for g in givens),
            quotes=tuple((g.reviewer.shown_name, _quote(g)) for g in givens),
            terms=tuple((t.term, t.plain) for t in explain_terms(answer_texts(latest), kb(), lang)),
        )
    noted = latest_decision(case)
    decision = None
    if noted is not None:
        decision = DecisionNoted(
            choice=noted.label,
            by=noted.by.shown_name,
            on=timezone.localdate(noted.at),
            sentences=tuple(noted.sentence_list),
            ready=noted.ready,
        )
    return ReportNotes(answer=answer, decision=decision)


def _quote(given: Any) -> str:
    """A reviewer's answer as one quote: the answer, then what to check next and conditions."""
    parts = [given.answer, given.check_next, given.conditions]
    return "\n".join(p for p in parts if p)


def notes_fingerprint(notes: ReportNotes) -> str:
    """A short digest of what the report adds beyond the case file.

    Why: a cached PDF keyed only on the case version would miss a new answer or decision, which
    change no case version; a cache key must include this digest (and the report kind).
    """
    return hashlib.sha256(repr(notes).encode("utf-8")).hexdigest()[:16]
