"""Request-wide behaviour: the signed-in person's language, and session time-outs."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

Handler = Callable[[HttpRequest], HttpResponse]

# How often the last-seen time is written back: often enough for the idle time-out, rarely
# enough that reading a page does not cost a session write each time.
_TOUCH_EVERY = 60


class UserLanguageMiddleware:
    """A signed-in person sees the interface in the language saved on their account."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(user, "language", "") or settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or "en")
        return response


class SessionTimeoutMiddleware:
    """End a session after a spell of inactivity (shorter for staff) or 12 hours in all."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        ended_language = ""
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("started_at", now)
            last = session.get("seen_at", now)
            idle = settings.SESSION_IDLE_SECONDS[
                "staff" if getattr(user, "is_staff_role", False) else "default"
            ]
            if now - last > idle or now - started > settings.SESSION_COOKIE_AGE:
                ended_language = getattr(user, "language", "") or ""
                logout(request)
                request.session["timed_out"] = True
            elif now - last >= min(_TOUCH_EVERY, max(1, idle // 4)) or "seen_at" not in session:
                session["seen_at"] = now
        response = self.get_response(request)
        if ended_language:
            # The sign-in page that follows is in the person's language, not the default.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                ended_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
                httponly=True,
            )
        return response
