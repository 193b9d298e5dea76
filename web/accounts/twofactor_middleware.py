"""The gate of two-step sign-in: no page past the password until the second step is done.

Installed after the authentication middleware. It does django-otp's own job first (mark
``request.user`` as verified when the session passed the code step), then, for a signed-in
person whose session is not verified:

- someone with an authenticator is sent to the code step;
- staff without one are sent to set it up (they see identifiable records);
- patients and caregivers without one go on as before.

A few pages stay open: the two-step pages themselves, signing out, the language switch, the
health check, and the JSON API, which signs in with its own bearer tokens, never a session.
Deny by default, so a page added later is covered without anyone remembering to.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp.middleware import OTPMiddleware

from accounts import twofactor

OPEN_VIEWS = frozenset(
    {
        "accounts:twofactor_setup",
        "accounts:twofactor_verify",
        "accounts:logout",
        "set_language",
        "floor",
    }
)


def _open(request: HttpRequest) -> bool:
    if request.path_info.startswith("/static/"):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # nothing to protect: the answer is 404 either way
    return match.view_name in OPEN_VIEWS or match.view_name.startswith("api:")


class TwoFactorMiddleware(OTPMiddleware):  # type: ignore[misc]
    """django-otp's middleware plus the redirect to the code step or to setting it up."""

    async_capable = False  # the gate asks the database; Django adapts for async servers

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        self._install_lazy_accessors(request)
        target = _detour(request)
        if target is None:
            response: HttpResponseBase = self.get_response(request)
            return response
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)


def _detour(request: HttpRequest) -> str | None:
    """The two-step page this request must go to first, or None to let it through."""
    user = request.user
    if not user.is_authenticated or twofactor.is_verified(request) or _open(request):
        return None
    if twofactor.enrolled(user):
        return "accounts:twofactor_verify"
    if twofactor.required(user):
        return "accounts:twofactor_setup"
    return None
