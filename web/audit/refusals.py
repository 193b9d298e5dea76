"""Refusals of people who are not signed in, summarised instead of one row each.

Anyone can send thousands of requests for case pages without signing in; one audit row each
would bury the trail (and slow it) and, with the case's number, fill the patient's own audit view
with strangers' knocking. So for each address and window (``CROSSROADS_REFUSAL_WINDOW_SECONDS``)
the first refusal is recorded in full, and further ones only counted, with one summary row when
the count reaches 10, 100, 1000, ... (``access.denied_repeat``, with the count so far). These
rows carry no case number (the case asked for is in ``detail``), so they show to administrators
and not in a case's audit view. Counts live in the shared cache, so they hold across processes.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings

from audit.actions import Actor, record
from audit.models import Outcome
from crossroads_web.limits import bump


def _milestone(count: int) -> bool:
    """10, 100, 1000, ...: the counts at which a summary row is written."""
    return count >= 10 and str(count).rstrip("0") == "1"


def count_refusal(address: str, now: float | None = None) -> tuple[int, int]:
    """Count one refusal for ``address``; returns (count in this window, window seconds)."""
    seconds = int(getattr(settings, "CROSSROADS_REFUSAL_WINDOW_SECONDS", 600))
    window = int((time.time() if now is None else now) // seconds)
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:32]
    return bump(f"refused:{digest}:{window}", seconds + 1), seconds


def record_anonymous(actor: Actor, case_id: int | None, why: str, method: str) -> None:
    """Record (or only count) one refusal of someone who is not signed in."""
    count, seconds = count_refusal(actor.ip or "unknown")
    detail: dict[str, object] = {"why": why, "method": method}
    if case_id is not None:
        detail["case"] = case_id
    if count == 1:
        record(actor, "access.denied", outcome=Outcome.DENIED, detail=detail)
    elif _milestone(count):
        detail.update(count=count, window_seconds=seconds)
        record(actor, "access.denied_repeat", outcome=Outcome.DENIED, detail=detail)
