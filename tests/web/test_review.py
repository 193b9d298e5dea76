"""Specialist review through the pages: the coordinator prepares and sends a request, reviewers
see only the de-identified packet and answer in structured form, one records the shared view,
the patient reads the outcome attributed to the reviewers, and closing ends reviewer access."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import CaseRecord
from review.models import ReviewAnswer, ReviewRequest
from tests.web.conftest import World, sign_in
from tests.web.factories import UserFactory
from tests.web.review_world import request_in

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
    CaseRecord.objects.filter(pk=case.pk).update(data=data, title="Canary Person, relapse")


def _send(world: World, question: str, **extra: object) -> ReviewRequest:
    response = world.client("coordinator").post(
        reverse("cases:review_send", kwargs={"case_id": world.case.pk}),
        {"reviewers": [world.users["reviewer"].pk], "question": question, **extra},
    )
    assert response.status_code == 302
    return ReviewRequest.objects.latest("id")


def _answer_url(review: ReviewRequest) -> str:
    return reverse("reviews:packet", kwargs={"request_id": review.pk})


def test_packet_question_and_reviewer_pages_carry_no_identifiers(world: World) -> None:
    _plant_identifiers(world)
    sent = _send(world, "Is CAR-T realistic now for Canary Person (MRN A-998877)?", action="send")
    stored = json.dumps(sent.packet, ensure_ascii=False) + sent.question
    reviewer = world.client("reviewer")
    pages = [
        reviewer.get(reverse("reviews:inbox")).content.decode(),
        reviewer.get(_answer_url(sent)).content.decode(),
        reviewer.get(
            reverse("reviews:packet_document", kwargs={"request_id": sent.pk})
        ).content.decode(),
    ]
    for text in (stored, *pages):
        assert [c for c in CANARIES if c in text] == []
    assert (sent.state, "Is CAR-T realistic now for" in pages[1]) == ("sent", True)
    assert f"/cases/{world.case.pk}/" not in pages[0] + pages[1]


def test_send_without_action_keeps_a_draft_reviewers_cannot_see(world: World) -> None:
    draft = _send(world, "Is CAR-T realistic now?")
    assert (draft.state, draft.sent_at) == ("draft", None)
    assert world.client("reviewer").get(_answer_url(draft)).status_code == 404
    step5 = world.client("patient").get(
        reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 5})
    )
    assert [r.pk for r in step5.context["review_requests"]] == [world.review.pk]


def test_due_date_today_is_accepted_yesterday_is_refused(world: World) -> None:
    today = timezone.localdate()
    ok = _send(world, "Q?", due_date=today.isoformat())
    assert ok.due_date == today
    before = ReviewRequest.objects.count()
    response = world.client("coordinator").post(
        reverse("cases:review_send", kwargs={"case_id": world.case.pk}),
        {
            "reviewers": [world.users["reviewer"].pk],
            "question": "Q?",
            "due_date": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "This date has passed. Choose today or a later day." in response.content.decode()
    assert ReviewRequest.objects.count() == before


@pytest.mark.parametrize(("count", "ok"), [(0, False), (1, True), (10, True), (11, False)])
def test_reviewer_count_boundaries(world: World, count: int, ok: bool) -> None:
    chosen = [UserFactory(username=f"rv{i}", role="reviewer").pk for i in range(count)]
    before = ReviewRequest.objects.count()
    response = world.client("coordinator").post(
        reverse("cases:review_send", kwargs={"case_id": world.case.pk}),
        {"reviewers": chosen, "question": "Q?"},
    )
    assert (response.status_code, ReviewRequest.objects.count() - before) == (
        (302, 1) if ok else (400, 0)
    )


def test_whole_review_through_the_pages(world: World) -> None:
    second = UserFactory(username="rev3", role="reviewer", first_name="Dr Okafor")
    world.users["reviewer"].first_name = "Dr Rivera"
    world.users["reviewer"].save()
    coordinator = world.client("coordinator")
    response = coordinator.post(
        reverse("cases:review_send", kwargs={"case_id": world.case.pk}),
        {"reviewers": [world.users["reviewer"].pk, second.pk], "question": "Is CAR-T realistic?"},
    )
    review = ReviewRequest.objects.latest("id")
    kwargs = {"case_id": world.case.pk, "request_id": review.pk}
    coordinator.post(
        reverse("cases:review_edit", kwargs=kwargs),
        {
            "reviewers": [world.users["reviewer"].pk, second.pk],
            "question": "Is CAR-T realistic now?",
        },
    )
    coordinator.post(reverse("cases:review_dispatch", kwargs=kwargs))
    review.refresh_from_db()
    assert (review.state, review.question) == ("sent", "Is CAR-T realistic now?")

    first_client = world.client("reviewer")
    answer = {
        "view": "agree",
        "answer": "A CAR-T consult is reasonable.",
        "conditions": "Once the infection has cleared.",
        "check_next": "Repeat the PET scan.",
        "comment": "",
    }
    assert first_client.post(_answer_url(review), answer).status_code == 302
    review.refresh_from_db()
    assert review.state == "answered"
    second_client = world.client("reviewer")
    sign_in(second_client, second)
    second_client.post(_answer_url(review), {**answer, "view": "disagree", "answer": "Not yet."})
    first_client.post(_answer_url(review), {**answer, "answer": "A CAR-T consult is right."})
    response = second_client.post(
        reverse("reviews:consensus", kwargs={"request_id": review.pk}),
        {
            "consensus_view": "agree",
            "consensus_text": "See a CAR-T centre once the infection clears.",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.consensus_by, review.consensus_view) == (
        "consensus",
        second,
        "agree",
    )
    revised = ReviewAnswer.objects.get(request=review, reviewer=world.users["reviewer"])
    assert (revised.answer, revised.revised_at is not None) == ("A CAR-T consult is right.", True)

    # Answers can no longer change once the shared view is recorded.
    late = first_client.post(_answer_url(review), {**answer, "answer": "Changed my mind."})
    assert late.status_code == 409
    assert ReviewAnswer.objects.get(pk=revised.pk).answer == "A CAR-T consult is right."

    html = (
        world.client("patient")
        .get(reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 5}))
        .content.decode()
    )
    today = timezone.localdate().isoformat()
    for text in (
        "See a CAR-T centre once the infection clears.",
        "They agree with how Crossroads sorted CAR-T for this case.",
        f"Recorded by Dr Okafor on {today}.",
        "Reviewers who answered: Dr Rivera, Dr Okafor.",
        "Dr Rivera</strong> agrees with how Crossroads sorted CAR-T for this case.",
        "Dr Okafor</strong> does not agree with how Crossroads sorted CAR-T for this case.",
        "Conditions: Once the infection has cleared.",
        "What to check next: Repeat the PET scan.",
        f"Answer from Dr Rivera, {today}.",
    ):
        assert text in html, text

    coordinator.post(reverse("cases:review_withdraw", kwargs=kwargs))
    review.refresh_from_db()
    assert review.state == "closed"
    assert first_client.get(_answer_url(review)).status_code == 404
    moves = list(
        AuditEvent.objects.filter(action__startswith="review.", detail__request=review.pk)
        .exclude(action="review.view")
        .values_list("action", "detail__from", "detail__to")
    )
    assert moves == [
        ("review.create", None, None),
        ("review.edit", "draft", "draft"),
        ("review.send", "draft", "sent"),
        ("review.answer", "sent", "answered"),
        ("review.answer", "answered", "answered"),
        ("review.answer", "answered", "answered"),
        ("review.consensus", "answered", "consensus"),
        ("review.close", "consensus", "closed"),
    ]


def test_consensus_before_any_answer_is_refused(world: World) -> None:
    response = world.client("reviewer").post(
        reverse("reviews:consensus", kwargs={"request_id": world.review.pk}),
        {"consensus_view": "agree", "consensus_text": "Fine."},
    )
    world.review.refresh_from_db()
    assert (response.status_code, world.review.state) == (409, "sent")


def test_answer_is_shown_with_name_and_date(world: World) -> None:
    world.users["reviewer"].first_name = "Dr Rivera"
    world.users["reviewer"].save()
    reviewer = world.client("reviewer")
    response = reviewer.post(
        _answer_url(world.review), {"view": "agree", "answer": "A CAR-T consult is reasonable."}
    )
    assert response.status_code == 302
    html = (
        world.client("patient")
        .get(reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 5}))
        .content.decode()
    )
    assert "A CAR-T consult is reasonable." in html
    assert f"Answer from Dr Rivera, {timezone.localdate().isoformat()}." in html


def test_withdrawn_request_is_closed_to_the_reviewer(world: World) -> None:
    reviewer = world.client("reviewer")
    url = _answer_url(world.review)
    assert reviewer.get(url).status_code == 200
    world.client("coordinator").post(
        reverse(
            "cases:review_withdraw",
            kwargs={"case_id": world.case.pk, "request_id": world.review.pk},
        )
    )
    assert reviewer.get(url).status_code == 404
    assert list(reviewer.get(reverse("reviews:inbox")).context["requests"]) == []


def test_sent_request_cannot_be_edited(world: World) -> None:
    kwargs = {"case_id": world.case.pk, "request_id": world.review.pk}
    response = world.client("coordinator").post(
        reverse("cases:review_edit", kwargs=kwargs),
        {"reviewers": [world.users["reviewer"].pk], "question": "Changed?"},
    )
    world.review.refresh_from_db()
    assert (response.status_code, world.review.question) == (302, "Is CAR-T realistic now?")


def test_team_does_not_see_drafts(world: World) -> None:
    draft = request_in(world, "draft")
    url = reverse("cases:review_detail", kwargs={"case_id": world.case.pk, "request_id": draft.pk})
    assert [
        world.client(p).get(url).status_code for p in ("patient", "caregiver", "coordinator")
    ] == [
        404,
        404,
        200,
    ]


def test_save_and_send_sends_the_question_as_edited(world: World) -> None:
    """Issue 17 M1: the coordinator's redaction on the edit page is what reviewers receive."""
    draft = _send(world, "Can Zed Quillborne from ward 7 have CAR-T now?")
    kwargs = {"case_id": world.case.pk, "request_id": draft.pk}
    response = world.client("coordinator").post(
        reverse("cases:review_edit", kwargs=kwargs),
        {
            "reviewers": [world.users["reviewer"].pk],
            "question": "Can this patient have CAR-T now?",
            "action": "send",
        },
    )
    draft.refresh_from_db()
    assert (response.status_code, draft.state, draft.question) == (
        302,
        "sent",
        "Can this patient have CAR-T now?",
    )
    page = world.client("reviewer").get(_answer_url(draft)).content.decode()
    assert ("Can this patient have CAR-T now?" in page, "Quillborne" in page) == (True, False)
