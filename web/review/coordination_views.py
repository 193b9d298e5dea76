"""Pages for asking a coordinator, the coordinators' queue, and what step 5 and 6 add from it.

Views check permission through :mod:`cases.access`, call :mod:`review.coordination` and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from audit.actions import Actor, record
from cases import results
from cases.access import case_view, role_view
from cases.models import CaseRecord
from cases.permissions import Perm
from crossroads.steps.review import explain_terms
from crossroads_web.context import core_lang
from review import coordination
from review.models import ReviewRequest


def waiting_words() -> dict[str, str]:
    """Who is awaited, in the page's language (see :func:`review.coordination.waiting_for`)."""
    return {
        "coordinator_asked": _("Waiting for a care coordinator to take this case."),
        "coordinator": _(
            "Waiting for a care coordinator. Ask for one on step 5 (specialist review)."
        ),
        "reviewer": _("Waiting for the coordinator to send the question to a specialist."),
    }


@case_view(Perm.ASK_COORDINATOR)
@require_POST
def ask(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """Ask for a care coordinator and a specialist review, from the overview or step 5."""
    coordination.ask_coordinator(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        case,
    )
    messages.success(
        request,
        _(
            "Your request is sent. A care coordinator will take your case and prepare the "
            "specialist review with you."
        ),
    )
    back = request.POST.get("back")
    if back == "overview":
        return redirect("cases:overview", case_id=case.pk)
    return redirect("cases:step", case_id=case.pk, number=5)


@role_view(Role.COORDINATOR)
def queue(request: HttpRequest) -> HttpResponse:
    """Cases waiting for a coordinator: any coordinator may open the limited view and take one."""
    waiting = list(coordination.queue().prefetch_related("coordination_requests"))
    rows = [{"case": c, "request": coordination.open_request(c)} for c in waiting]
    return render(request, "cases/queue.html", {"rows": rows})


@case_view(Perm.TAKE)
@require_POST
def take(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """Take a case from the queue: become its coordinator."""
    try:
        coordination.take(
            Actor.from_request(request),
            request.user,  # type: ignore[arg-type]
            case,
        )
    except coordination.AlreadyTakenError:
        messages.info(request, _("Another coordinator took this case first."))
        return redirect("cases:queue")
    messages.success(request, _("You are now this case's coordinator."))
    return redirect("cases:overview", case_id=case.pk)


def queued_page(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """The limited view of a queued case, for a coordinator who has not taken it."""
    record(Actor.from_request(request), "case.view", case_id=case.pk, detail={"page": "queued"})
    return render(
        request,
        "cases/queued.html",
        {"case": case, "asked": coordination.open_request(case)},
    )


def coordination_context(request: HttpRequest, case: CaseRecord) -> dict[str, Any]:
    """What the overview and step 5 say about the coordinator: who, or who is awaited."""
    return {
        "coordinator": case.coordinator,
        "coordination_open": coordination.open_request(case),
    }


def answers_context(
    request: HttpRequest, case: CaseRecord, requests: list[ReviewRequest]
) -> dict[str, Any]:
    """The latest answered request, for the top of step 5; opening the page marks it read."""
    user: User = request.user  # type: ignore[assignment]
    answered = [r for r in requests if coordination.answered_at(r) is not None]
    if answered and coordination.reads_answers(user, case):
        coordination.mark_seen(user, answered)
    if not answered:
        return {"answered": None, "terms": []}
    lang = core_lang(translation.get_language())
    terms = explain_terms(coordination.answer_texts(answered[0]), results.kb(), lang)
    return {"answered": answered[0], "terms": terms}
