"""Request-wide behaviour: the signed-in person's language and time zone, session time-outs."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from accounts import zones
from crossroads_web.context import set_language_cookie

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


class TimeZoneMiddleware:
    """Every time on a page is shown in the person's zone (``accounts.zones.zone_for``).

    A zone that follows the case's country is worked out once every few minutes per session,
    not on every request; a zone chosen in the settings applies at once.
    """

    RECHECK_SECONDS = 300

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = self.zone(request)
        request.time_zone = zone  # type: ignore[attr-defined]
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def zone(self, request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        browser = zones.valid_zone(request.COOKIES.get(zones.BROWSER_COOKIE))
        if user is None or not user.is_authenticated:
            return browser or zones.FALLBACK
        chosen = zones.valid_zone(getattr(user, "time_zone", ""))
        if chosen:
            return chosen
        now = int(time.time())
        kept = request.session.get("auto_zone")
        if (
            isinstance(kept, list)
            and len(kept) == 3
            and kept[1] == browser
            and now - int(kept[2]) < self.RECHECK_SECONDS
            and zones.valid_zone(kept[0])
        ):
            return str(kept[0])
        zone = zones.zone_for(user, browser)
        request.session["auto_zone"] = [zone, browser, now]
        return zone


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
            set_language_cookie(response, ended_language)
        return response
