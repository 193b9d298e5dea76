"""The shared task list: the core's action plan plus the people's own tasks, with who did what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import CaseRecord
from tests.web.conftest import World

pytestmark = pytest.mark.integration


def _actions(world: World) -> list[dict[str, object]]:
    return list(CaseRecord.objects.get(pk=world.case.pk).data.get("actions") or [])


def test_own_task_is_added_to_the_record(world: World) -> None:
    url = reverse("cases:tasks", kwargs={"case_id": world.case.pk})
    response = world.client("caregiver").post(
        url, {"title": "Call the clinic", "owner": "caregiver", "due": "2026-12"}
    )
    assert response.status_code == 302
    added = _actions(world)[-1]
    assert {k: added[k] for k in ("title", "owner", "due", "done")} == {
        "title": "Call the clinic",
        "owner": "caregiver",
        "due": "2026-12",
        "done": False,
    }
    event = AuditEvent.objects.get(action="task.add")
    assert (event.actor_name, event.detail) == ("care", {"task": added["id"]})


def test_ticking_a_suggested_task_copies_it_into_the_record(world: World) -> None:
    page = world.client("caregiver").get(reverse("cases:tasks", kwargs={"case_id": world.case.pk}))
    own = {str(a["id"]) for a in _actions(world)}
    # tasks standing for a checklist item keep their tick on the item (tests/web/test_page_text.py)
    suggested = [t for t in page.context["tasks"] if t["id"] not in own and not t.get("item")]
    assert suggested, "the core's action plan suggests at least one step for this case"
    first = suggested[0]
    url = reverse("cases:task_toggle", kwargs={"case_id": world.case.pk, "task_id": first["id"]})
    assert world.client("caregiver").post(url).status_code == 302
    stored = next(a for a in _actions(world) if a["id"] == first["id"])
    assert (stored["title"], stored["done"]) == (first["title"], True)
    assert world.client("patient").post(url).status_code == 302
    stored = next(a for a in _actions(world) if a["id"] == first["id"])
    assert stored["done"] is False
    assert [e.actor_name for e in AuditEvent.objects.filter(action__startswith="task.")] == [
        "care",
        "pat",
    ]


def test_unknown_task_is_404(world: World) -> None:
    url = reverse("cases:task_toggle", kwargs={"case_id": world.case.pk, "task_id": "nope"})
    assert world.client("patient").post(url).status_code == 404
