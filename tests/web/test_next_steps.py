"""Next steps for a coordinator: open tasks and waiting review requests of their cases only,
overdue first, then by date, undated last."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import CaseRecord
from cases.next_steps import next_steps_for
from review.models import ReviewRequest
from tests.web.conftest import World
from tests.web.review_world import request_in

pytestmark = pytest.mark.integration


def _tasks(world: World, today: dt.date) -> None:
    data = dict(world.case.data)
    data["actions"] = [
        {
            "id": "t-late",
            "title": "Send the scans",
            "due": (today - dt.timedelta(days=3)).isoformat(),
        },
        {
            "id": "t-later",
            "title": "Book the consult",
            "due": (today + dt.timedelta(days=9)).isoformat(),
        },
        {"id": "t-done", "title": "Already done", "due": "2020-01-01", "done": True},
        {"id": "t-none", "title": "Ask about lodging"},
    ]
    CaseRecord.objects.filter(pk=world.case.pk).update(data=data, version=2)
    world.case.refresh_from_db()


def test_overdue_first_then_by_date_undated_last(world: World) -> None:
    today = timezone.localdate()
    _tasks(world, today)
    late_review = request_in(world, "sent")
    ReviewRequest.objects.filter(pk=late_review.pk).update(due_date=today - dt.timedelta(days=1))
    ReviewRequest.objects.filter(pk=world.review.pk).update(state="consensus")  # not waiting
    with translation.override("en"):  # the step names are interface text
        steps = next_steps_for(world.users["coordinator"], "en")
    mine = [s.what for s in steps if s.case.pk == world.case.pk]
    assert {s.case.pk for s in steps} == {world.case.pk}
    assert "Already done" not in mine
    assert mine.index("Send the scans") < mine.index(
        f"Review request {late_review.pk}: sent, waiting for answers"
    )
    assert mine.index(f"Review request {late_review.pk}: sent, waiting for answers") < mine.index(
        "Book the consult"
    )
    assert mine.index("Book the consult") < mine.index("Ask about lodging")
    flags = [s.overdue for s in steps]
    assert flags == sorted(flags, reverse=True)  # every overdue step before every other
    dated = [s.sort_key() for s in steps]
    assert dated == sorted(dated)


def test_due_today_is_not_overdue(world: World) -> None:
    today = timezone.localdate()
    data = {
        **world.case.data,
        "actions": [{"id": "t-today", "title": "Call", "due": today.isoformat()}],
    }
    CaseRecord.objects.filter(pk=world.case.pk).update(data=data, version=3)
    steps = [s for s in next_steps_for(world.users["coordinator"], "en") if s.what == "Call"]
    assert [(s.due, s.overdue) for s in steps] == [(today.isoformat(), False)]


def test_page_lists_steps_with_overdue_marked(world: World) -> None:
    _tasks(world, timezone.localdate())
    html = world.client("coordinator").get(reverse("cases:next_steps")).content.decode()
    assert "Send the scans" in html and "(overdue)" in html
    other = world.client("outsider_coordinator").get(reverse("cases:next_steps")).content.decode()
    assert "Send the scans" not in other
