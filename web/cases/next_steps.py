"""Next steps across a coordinator's cases: every open task and review request, overdue first.

The tasks are each case's action plan from the core (the same list the case's task page shows);
the review requests are the ones still waiting (a draft not sent, or a request without a shared
view yet). Nothing here decides what is due: the plan's dates and the requests' due dates do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.actions import Actor, record
from cases import results
from cases.access import role_view
from cases.models import CaseRecord
from cases.permissions import visible_cases
from cases.steps import action_plan
from cases.views import lang_of
from crossroads.common.dates import PartialDate
from review.models import ReviewRequest
from review.workflow import ReviewState

WAITING = (ReviewState.DRAFT, ReviewState.SENT, ReviewState.ANSWERED)


@dataclass(frozen=True, slots=True)
class NextStep:
    case: CaseRecord
    what: str
    who: str
    due: str | None
    overdue: bool
    url: str

    def sort_key(self) -> tuple[int, dt.date, int]:
        """Overdue first, then by the earliest day each could be due; undated last."""
        due = PartialDate.parse(self.due).earliest if self.due else dt.date.max
        return (0 if self.overdue else 1, due, self.case.pk)


def _tasks(case: CaseRecord, lang: str) -> list[NextStep]:
    plan: list[dict[str, Any]] | None = action_plan(case, lang)
    if plan is None:
        plan = [{**t, "owner_text": t.get("owner") or ""} for t in case.data.get("actions") or []]
    url = reverse("cases:tasks", kwargs={"case_id": case.pk})
    today = results.today()
    steps = []
    for task in plan:
        if task.get("done"):
            continue
        due = task.get("due")
        overdue = bool(task.get("overdue")) or bool(due and PartialDate.parse(due).latest < today)
        steps.append(NextStep(case, task["title"], task.get("owner_text") or "", due, overdue, url))
    return steps


def _reviews(case: CaseRecord, requests: list[ReviewRequest]) -> list[NextStep]:
    today = results.today()
    steps = []
    for review in requests:
        if review.state == ReviewState.DRAFT:
            what = _("Send review request %(n)d (a draft, not sent yet)") % {"n": review.pk}
        else:
            what = _("Review request %(n)d: %(state)s") % {
                "n": review.pk,
                "state": ReviewState(review.state).label,
            }
        url = reverse("cases:review_detail", kwargs={"case_id": case.pk, "request_id": review.pk})
        due = review.due_date.isoformat() if review.due_date else None
        steps.append(NextStep(case, what, _("care coordinator"), due, review.overdue(today), url))
    return steps


def next_steps_for(user: User, lang: str) -> list[NextStep]:
    """Every open step on this coordinator's cases, overdue first."""
    cases = list(visible_cases(user))
    waiting: dict[int, list[ReviewRequest]] = {}
    for review in ReviewRequest.objects.filter(case__in=cases, state__in=WAITING).order_by("id"):
        waiting.setdefault(review.case_id, []).append(review)
    steps: list[NextStep] = []
    for case in cases:
        steps += _tasks(case, lang) + _reviews(case, waiting.get(case.pk, []))
    return sorted(steps, key=NextStep.sort_key)


@role_view(Role.COORDINATOR)
def next_steps_page(request: HttpRequest) -> HttpResponse:
    steps = next_steps_for(request.user, lang_of(request))  # type: ignore[arg-type]
    record(
        Actor.from_request(request),
        "case.list",
        detail={"page": "next_steps", "count": len(steps)},
    )
    return render(
        request,
        "cases/next_steps.html",
        {"steps": steps, "overdue": sum(1 for s in steps if s.overdue)},
    )
