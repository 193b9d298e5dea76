"""Specialist review: the coordinator sends a de-identified packet; the reviewer sees only that,
answers with name and date; withdrawing ends the reviewer's access at once."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cases.models import CaseRecord, ReviewRequest
from tests.web.conftest import World

pytestmark = pytest.mark.integration
CANARIES = ("Canary Person", "A-998877", "+44 7700 900123", "canary@example.org", "Canary Street")


def _plant_identifiers(world: World) -> None:
    case = CaseRecord.objects.get(pk=world.case.pk)
    data = dict(case.data)
    data["patient"] = {
        **data["patient"],
        "record_numbers": [{"system": "MRN", "value": "A-998877"}],
        "contact": {
            "phone": "+44 7700 900123",
            "email": "canary@example.org",
            "address": "1 Canary Street",
        },
    }
    CaseRecord.objects.filter(pk=case.pk).update(data=data)


def test_packet_and_reviewer_pages_carry_no_identifiers(world: World) -> None:
    _plant_identifiers(world)
    coordinator = world.client("coordinator")
    url = reverse("cases:review_send", kwargs={"case_id": world.case.pk})
    response = coordinator.post(
        url, {"reviewer": world.users["reviewer"].pk, "question": "Is CAR-T realistic now?"}
    )
    assert response.status_code == 302
    sent = ReviewRequest.objects.latest("id")
    stored = json.dumps(sent.packet, ensure_ascii=False)
    reviewer = world.client("reviewer")
    pages = [
        reviewer.get(reverse("reviews:inbox")).content.decode(),
        reviewer.get(reverse("reviews:packet", kwargs={"request_id": sent.pk})).content.decode(),
        reviewer.get(
            reverse("reviews:packet_document", kwargs={"request_id": sent.pk})
        ).content.decode(),
    ]
    for text in (stored, *pages):
        assert [c for c in CANARIES if c in text] == []
    assert "Is CAR-T realistic now?" in pages[1]


def test_answer_is_shown_with_name_and_date(world: World) -> None:
    world.users["reviewer"].first_name = "Dr Rivera"
    world.users["reviewer"].save()
    reviewer = world.client("reviewer")
    url = reverse("reviews:packet", kwargs={"request_id": world.review.pk})
    assert reviewer.post(url, {"answer": "A CAR-T consult is reasonable."}).status_code == 302
    page = world.client("patient").get(
        reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 5})
    )
    html = page.content.decode()
    assert "A CAR-T consult is reasonable." in html
    assert "Answer from Dr Rivera" in html


def test_withdrawn_request_is_closed_to_the_reviewer(world: World) -> None:
    reviewer = world.client("reviewer")
    url = reverse("reviews:packet", kwargs={"request_id": world.review.pk})
    assert reviewer.get(url).status_code == 200
    world.client("coordinator").post(
        reverse(
            "cases:review_withdraw",
            kwargs={"case_id": world.case.pk, "request_id": world.review.pk},
        )
    )
    assert reviewer.get(url).status_code == 404
    assert list(reviewer.get(reverse("reviews:inbox")).context["requests"]) == []
