"""View guards: every view that touches a case or a role-only page goes through one of these.

They ask the permission layer (:mod:`cases.permissions`), record refusals in the audit trail,
and answer a refusal the same way as a missing case (404), so case numbers reveal nothing.
Anonymous visitors are sent to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from audit import refusals
from audit.actions import Actor, record
from audit.models import Outcome
from cases.models import CaseRecord
from cases.permissions import Perm, can

View = Callable[..., HttpResponseBase]


def deny(request: HttpRequest, case_id: int | None, why: str) -> None:
    """Log a refusal; those of people not signed in are summarised (:mod:`audit.refusals`)."""
    actor = Actor.from_request(request)
    if actor.user_id is None:
        refusals.record_anonymous(actor, case_id, why, str(request.method))
        return
    record(
        actor,
        "access.denied",
        case_id=case_id,
        outcome=Outcome.DENIED,
        detail={"why": why, "method": request.method},
    )


def checked_case(request: HttpRequest, case_id: int, perm: Perm) -> CaseRecord | None:
    """The case, if it exists and the person may ``perm`` it; else None, with the refusal logged.

    The one check behind every case page and every case endpoint of the API: the caller answers
    None with 404, the same as for a case that does not exist.
    """
    found = CaseRecord.objects.select_related("owner", "coordinator").filter(pk=case_id).first()
    if found is None or not can(request.user, perm, found):  # type: ignore[arg-type]
        deny(request, case_id, str(perm))
        return None
    return found


def case_view(
    perm: Perm, read: str | None = None, limited: tuple[Perm, View] | None = None
) -> Callable[[View], View]:
    """Load the case named in the URL and check ``perm``; log a read of ``read`` on GET.

    The view receives the loaded case instead of its number. ``limited`` is a lesser permission
    and the page for it: someone without ``perm`` but with that one gets that page instead of a
    refusal (a coordinator's limited view of a case waiting in the queue).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, case_id: int, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                deny(request, case_id, "anonymous")
                return redirect_to_login(request.get_full_path())
            if limited is not None:
                lesser, page = limited
                loaded = CaseRecord.objects.select_related("owner", "coordinator")
                loaded_case, user = loaded.filter(pk=case_id).first(), request.user
                if (
                    loaded_case is not None
                    and not can(user, perm, loaded_case)
                    and can(user, lesser, loaded_case)
                ):
                    return page(request, loaded_case)
            found = checked_case(request, case_id, perm)
            if found is None:
                raise Http404("no such case")
            if read and request.method in {"GET", "HEAD"}:
                record(
                    Actor.from_request(request),
                    "case.view",
                    case_id=found.pk,
                    detail={"page": read},
                )
            return view(request, found, *args, **kwargs)

        return wrapper

    return decorate


def role_view(*roles: str) -> Callable[[View], View]:
    """Only signed-in people with one of ``roles``; others get 403 (and a log line)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                deny(request, None, "anonymous")
                return redirect_to_login(request.get_full_path())
            if getattr(request.user, "role", None) not in roles:
                deny(request, None, "role")
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def signed_in(view: View) -> View:
    """Any signed-in person (the page itself shows only what their role may see)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
