from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Specialist review: requests about a case, the reviewers' answers and their shared view."""

    name = "review"
    verbose_name = "Specialist review"
