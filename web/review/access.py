"""The guard behind every review-request endpoint that does not go through a case page."""

from __future__ import annotations

from django.http import HttpRequest

from cases.access import deny
from review.models import ReviewRequest
from review.permissions import can_view_review


def checked_review(request: HttpRequest, request_id: int) -> ReviewRequest | None:
    """The review request, if it exists and the person may read it now; else None (logged)."""
    found = ReviewRequest.objects.select_related("case").filter(pk=request_id).first()
    if found is None or not can_view_review(request.user, found):  # type: ignore[arg-type]
        deny(request, found.case_id if found else None, "review")
        return None
    return found
