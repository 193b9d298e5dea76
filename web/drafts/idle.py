"""The idle time-out as the browser needs it: how long is left, and how to extend it.

The time-out itself is enforced by ``crossroads_web.middleware.SessionTimeoutMiddleware`` from
the session's ``seen_at`` and ``started_at``; this module reads the same values, so the warning
the page shows ("you will be signed out soon") matches what the server will do.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

# How long before the time-out the warning appears: two minutes, or a quarter of a short idle
# time (the browser test runs with a few seconds).
WARN_BEFORE = 120


def idle_seconds(request: HttpRequest) -> int:
    staff = getattr(request.user, "is_staff_role", False)
    return int(settings.SESSION_IDLE_SECONDS["staff" if staff else "default"])


def warn_before(idle: int) -> int:
    return min(WARN_BEFORE, max(1, idle // 4))


def remaining(request: HttpRequest) -> int:
    """Seconds until this session ends without further activity (0 when it already has)."""
    now = int(time.time())
    session = request.session
    idle_left = idle_seconds(request) - (now - int(session.get("seen_at", now)))
    total_left = settings.SESSION_COOKIE_AGE - (now - int(session.get("started_at", now)))
    return max(0, min(idle_left, total_left))


def touch(request: HttpRequest) -> int:
    """Count this request as activity (the middleware writes only once a minute); the seconds
    left afterwards."""
    request.session["seen_at"] = int(time.time())
    return remaining(request)
