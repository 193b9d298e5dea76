"""``{% idle_warning %}``: the "you will be signed out soon" box of every signed-in page."""

from __future__ import annotations

from typing import Any

from django import template

from drafts import idle

register = template.Library()


@register.inclusion_tag("drafts/idle_warning.html", takes_context=True)
def idle_warning(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    seconds = idle.idle_seconds(request)
    return {
        "show": True,
        "remaining": idle.remaining(request),
        "idle": seconds,
        "lead": idle.warn_before(seconds),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
