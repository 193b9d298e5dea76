"""``{{ moment|when }}``: a time in the reader's zone, with the zone's offset beside it.

Registered as a built-in (settings ``TEMPLATES``), so every template can use it unloaded.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.zones import offset_label

register = template.Library()


@register.filter
def when(value: object, fmt: str = "Y-m-d H:i") -> str:
    """``2026-12-07 02:22 (UTC+8)``; anything that is not a date and time gives ``""``."""
    if not isinstance(value, dt.datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    zone = timezone.get_current_timezone_name()
    return f"{date_format(local, fmt)} ({offset_label(zone, local)})"
