"""Template filters for audit events."""

from __future__ import annotations

from django import template

from accounts.models import Role
from audit.labels import label_for

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return label_for(action)


@register.filter
def role_label(role: str) -> str:
    """A role code in the page's language ("system" and "anonymous" stay as they are)."""
    return str(Role(role).label) if role in Role.values else role
