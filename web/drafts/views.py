"""Draft endpoints for the little script on step pages (``static/js/drafts.js``).

Both answer JSON to the script and work as plain form posts without it. They go through the same
guards as every case page: not signed in goes to the sign-in page (the script reads that as
"signed out"), a case the person may not edit is a 404 with the refusal logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from cases.access import case_view, signed_in
from cases.journey import STEP_NUMBERS
from cases.models import CaseRecord
from cases.permissions import Perm
from drafts import idle, store


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@require_POST
@case_view(Perm.EDIT)
def save(request: HttpRequest, case: CaseRecord, number: int) -> HttpResponse:
    """Keep what is typed on a step page; typing counts as activity for the idle time-out."""
    if number not in STEP_NUMBERS:
        raise Http404("no such step")
    user: User = request.user  # type: ignore[assignment]
    left = idle.touch(request)
    if store.outdated(request.session, case, number, request.POST):
        if not _wants_json(request):
            return redirect("cases:step", case_id=case.pk, number=number)
        return JsonResponse({"kept": False, "remaining": left})
    draft = store.keep(user, case, number, request.POST)
    if not _wants_json(request):
        return redirect("cases:step", case_id=case.pk, number=number)
    return JsonResponse({**draft.to_json(), "remaining": left})


@require_POST
@case_view(Perm.EDIT)
def discard(request: HttpRequest, case: CaseRecord, number: int) -> HttpResponse:
    """Throw away a restored draft: the step shows the saved record again."""
    if number not in STEP_NUMBERS:
        raise Http404("no such step")
    store.drop(request.user, case, [number])  # type: ignore[arg-type]
    store.mark_cleared(request.session, case, number)
    if _wants_json(request):
        return JsonResponse({"discarded": True})
    messages.info(request, _("The unsaved changes were thrown away."))
    return redirect("cases:step", case_id=case.pk, number=number)


@require_POST
@signed_in
def keepalive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": counts as activity, so the idle time-out starts again."""
    left = idle.touch(request)
    if _wants_json(request):
        return JsonResponse({"remaining": left})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)
