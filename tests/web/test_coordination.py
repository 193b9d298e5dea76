"""No dead end at review (issue 13): asking for a coordinator, the queue and taking a case,
who is awaited, unread answers, the answer first on step 5, the decision noted, and both in the
report and the hand-over letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import CaseRecord
from cases.permissions import Perm, Relation, can, relation
from review import coordination
from review.coordination import Choice
from review.models import AnswerSeen, CoordinationRequest, DecisionNote, ReviewAnswer
from tests.web.conftest import PERSONAS, World, sign_in
from tests.web.factories import CaseFactory, UserFactory
from tests.web.review_world import queued_case, request_in

pytestmark = pytest.mark.integration


def unassigned(world: World) -> CaseRecord:
    """A self-registered patient's case: no coordinator, nobody asked yet."""
    return CaseFactory(owner=world.users["patient"], coordinator=None)


def post(world: World, persona: str, name: str, case: CaseRecord, **data: Any) -> Any:
    return world.client(persona).post(reverse(name, kwargs={"case_id": case.pk}), data)


# -- asking --------------------------------------------------------------------------------------
def test_overview_and_step5_offer_to_ask_when_no_coordinator(world: World) -> None:
    case = unassigned(world)
    client = world.client("patient")
    for url in (
        reverse("cases:overview", kwargs={"case_id": case.pk}),
        reverse("cases:step", kwargs={"case_id": case.pk, "number": 5}),
    ):
        page = client.get(url).content.decode()
        assert "Ask for a coordinator and a specialist review" in page
        assert reverse("cases:ask_coordinator", kwargs={"case_id": case.pk}) in page


def test_asking_queues_the_case_once_with_an_audit_event(world: World) -> None:
    case = unassigned(world)
    response = post(world, "patient", "cases:ask_coordinator", case)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:step", kwargs={"case_id": case.pk, "number": 5})
    post(world, "patient", "cases:ask_coordinator", case, back="overview")
    assert CoordinationRequest.objects.filter(case=case).count() == 1
    events = AuditEvent.objects.filter(case_id=case.pk, action="coordinator.ask")
    assert [e.detail["review"] for e in events] == [True]
    page = world.client("patient").get(reverse("cases:step", args=[case.pk, 5])).content.decode()
    assert "Waiting for a care coordinator to take this case." in page
    assert "Ask for a coordinator and a specialist review" not in page


def test_a_caregiver_may_ask_too(world: World) -> None:
    case = world.case
    CaseRecord.objects.filter(pk=case.pk).update(coordinator=None)
    assert post(world, "caregiver", "cases:ask_coordinator", case).status_code == 302
    assert CoordinationRequest.objects.get(case=case).asked_by == world.users["caregiver"]


# -- the queue and taking --------------------------------------------------------------------------
def test_queue_lists_only_waiting_cases(world: World) -> None:
    waiting = queued_case(world)
    unassigned(world)  # nobody asked: not in the queue
    page = world.client("outsider_coordinator").get(reverse("cases:queue")).content.decode()
    assert reverse("cases:overview", kwargs={"case_id": waiting.pk}) in page
    assert list(coordination.queue()) == [waiting]


def test_queued_case_limited_view_per_persona(world: World) -> None:
    """Coordinators get the limited view (no 404); the case team its pages; others 404."""
    case = queued_case(world)
    url = reverse("cases:overview", kwargs={"case_id": case.pk})
    expected = {
        "anonymous": 302,
        "patient": 200,
        "caregiver": 404,  # no grant on this case
        "coordinator": 200,
        "reviewer": 404,
        "admin": 404,
        "outsider_patient": 404,
        "outsider_caregiver": 404,
        "outsider_coordinator": 200,
        "outsider_reviewer": 404,
    }
    got = {p: world.client(p).get(url).status_code for p in PERSONAS}
    assert got == expected
    limited = world.client("coordinator").get(url).content.decode()
    assert "You see only this summary until you take it." in limited
    assert "Who did what" not in limited
    # the limited view opens no step page
    step = reverse("cases:step", kwargs={"case_id": case.pk, "number": 1})
    assert world.client("coordinator").get(step).status_code == 404


def test_relation_queue_only_while_waiting(world: World) -> None:
    case = queued_case(world)
    coordinator = world.users["outsider_coordinator"]
    assert relation(coordinator, case) is Relation.QUEUE
    assert can(coordinator, Perm.TAKE, case)
    assert not can(coordinator, Perm.VIEW, case)
    fresh = CaseRecord.objects.get(pk=case.pk)
    CoordinationRequest.objects.filter(case=case).update(taken_at=timezone.now())
    assert relation(coordinator, fresh) is Relation.NONE


def test_take_assigns_and_closes_the_request(world: World) -> None:
    case = queued_case(world)
    response = post(world, "outsider_coordinator", "cases:take", case)
    assert response["Location"] == reverse("cases:overview", kwargs={"case_id": case.pk})
    case.refresh_from_db()
    assert case.coordinator == world.users["outsider_coordinator"]
    asked = CoordinationRequest.objects.get(case=case)
    assert asked.taken_by == world.users["outsider_coordinator"]
    assert asked.taken_at is not None
    event = AuditEvent.objects.get(case_id=case.pk, action="coordinator.take")
    assert event.detail == {"coordinator": case.coordinator_id, "requests": [asked.pk]}
    # now the full case, and the patient's pages name the coordinator
    full = world.client("outsider_coordinator").get(reverse("cases:step", args=[case.pk, 5]))
    assert full.status_code == 200
    page = world.client("patient").get(reverse("cases:overview", args=[case.pk])).content.decode()
    assert "Your care coordinator is" in page


def test_second_coordinator_cannot_take_a_taken_case(world: World) -> None:
    case = queued_case(world)
    post(world, "coordinator", "cases:take", case)
    response = post(world, "outsider_coordinator", "cases:take", case)
    assert response.status_code == 404  # no longer queued: no relation left
    case.refresh_from_db()
    assert case.coordinator == world.users["coordinator"]


def test_take_action_refuses_a_race_loser(world: World) -> None:
    case = queued_case(world)
    coordination.take(_actor(), world.users["coordinator"], case)
    with pytest.raises(coordination.AlreadyTakenError):
        coordination.take(_actor(), world.users["outsider_coordinator"], case)


def _actor() -> Any:
    from audit.actions import Actor

    return Actor.system("test")


# -- who is awaited ------------------------------------------------------------------------------
WORDS = {"coordinator_asked": "asked", "coordinator": "nobody", "reviewer": "reviewer"}


@pytest.mark.parametrize(
    ("owner", "state", "expected"),
    [
        ("coordinator", "no coordinator", "nobody"),
        ("coordinator", "asked", "asked"),
        ("coordinator", "assigned", ""),
        ("reviewer", "no coordinator", "nobody"),
        ("reviewer", "asked", "asked"),
        ("reviewer", "assigned", "reviewer"),
        ("patient", "no coordinator", ""),
        (None, "no coordinator", ""),
    ],
)
def test_waiting_for(world: World, owner: str | None, state: str, expected: str) -> None:
    case = queued_case(world) if state == "asked" else unassigned(world)
    if state == "assigned":
        CaseRecord.objects.filter(pk=case.pk).update(coordinator=world.users["coordinator"])
        case.refresh_from_db()
    assert coordination.waiting_for(case, owner, WORDS) == expected


def test_reviewer_task_not_awaited_once_sent(world: World) -> None:
    assert coordination.waiting_for(world.case, "reviewer", WORDS) == ""  # sent request exists


def test_tasks_page_says_who_is_awaited(world: World) -> None:
    case = queued_case(world)
    data = dict(case.data)
    data["actions"] = [{"id": "t-9", "title": "Send records", "owner": "coordinator"}]
    CaseRecord.objects.filter(pk=case.pk).update(data=data)
    page = world.client("patient").get(reverse("cases:tasks", args=[case.pk])).content.decode()
    assert "Waiting for a care coordinator to take this case." in page


# -- unread answers ------------------------------------------------------------------------------
def test_unread_badge_until_step5_is_opened(world: World) -> None:
    review = request_in(world, "answered")
    client = world.client("patient")
    dashboard = client.get(reverse("cases:dashboard")).content.decode()
    assert "New answer from a specialist" in dashboard
    overview = client.get(reverse("cases:overview", args=[world.case.pk])).content.decode()
    assert "New answer from a specialist" in overview
    step5 = client.get(reverse("cases:step", args=[world.case.pk, 5])).content.decode()
    assert step5.index('id="answer-top"') < step5.index('<form class="journey"')
    assert AnswerSeen.objects.filter(request=review, user=world.users["patient"]).exists()
    assert "New answer" not in client.get(reverse("cases:dashboard")).content.decode()
    # the caregiver has not opened it yet
    assert coordination.unread_counts(world.users["caregiver"], [world.case]) == {world.case.pk: 1}


def test_a_revised_answer_is_new_again(world: World) -> None:
    review = request_in(world, "answered")
    patient = world.users["patient"]
    coordination.mark_seen(patient, [review])
    assert coordination.unread_counts(patient, [world.case]) == {}
    later = timezone.now() + dt.timedelta(minutes=5)
    ReviewAnswer.objects.filter(request=review).update(revised_at=later)
    assert coordination.unread_counts(patient, [world.case]) == {world.case.pk: 1}


def test_no_badge_for_sent_only_or_for_coordinator(world: World) -> None:
    patient, coordinator = world.users["patient"], world.users["coordinator"]
    assert coordination.unread_counts(patient, [world.case]) == {}  # world.review: sent only
    request_in(world, "answered")
    assert coordination.unread_counts(coordinator, [world.case]) == {}


def test_draft_answers_never_count(world: World) -> None:
    review = request_in(world, "draft")
    ReviewAnswer.objects.create(request=review, reviewer=world.users["reviewer"], answer="x")
    assert coordination.unread_counts(world.users["patient"], [world.case]) == {}


def test_step5_answer_in_plain_words_then_quote(world: World) -> None:
    request_in(world, "consensus")
    page = world.client("patient").get(reverse("cases:step", args=[world.case.pk, 5]))
    text = page.content.decode()
    plain = text.index("A CAR-T consult is worth it.")
    own = text.index("In the specialists' own words")
    assert plain < own
    assert "They agree with how Crossroads sorted CAR-T for this case on step 2." in text


def test_step5_read_back_of_second_opinion_question(world: World) -> None:
    data = dict(world.case.data)
    data["review"] = {"second_opinion_requested": True}
    CaseRecord.objects.filter(pk=world.case.pk).update(data=data)
    page = world.client("patient").get(reverse("cases:step", args=[world.case.pk, 5]))
    text = page.content.decode()
    assert "wants a second opinion" not in text
    assert "a wish for a second opinion" not in text
    assert "asked for a second opinion" in text


# -- the decision ----------------------------------------------------------------------------------
def test_step6_offers_options_wait_and_more_information(world: World) -> None:
    page = world.client("patient").get(reverse("cases:step", args=[world.case.pk, 6]))
    text = page.content.decode()
    assert 'value="wait"' in text
    assert 'value="more_information"' in text
    assert "Note our decision" in text


def test_decision_choices_from_grid() -> None:
    grid = {
        "settings": [
            {"options": [{"code": "car_t", "name": "CAR-T"}, {"code": "bsab", "name": "BsAb"}]},
            {"options": [{"code": "car_t", "name": "CAR-T"}]},
        ]
    }
    got = coordination.decision_choices(grid, "Wait", "More")
    assert got == [
        Choice("option:car_t", "CAR-T"),
        Choice("option:bsab", "BsAb"),
        Choice("wait", "Wait"),
        Choice("more_information", "More"),
    ]
    assert coordination.decision_choices(None, "Wait", "More") == got[2:]


def test_noting_a_decision_keeps_what_who_when_and_sentences(world: World) -> None:
    data = dict(world.case.data)
    data["decision"] = {"sentences": {"status": "S1.", "next_step": "S4."}}
    CaseRecord.objects.filter(pk=world.case.pk).update(data=data)
    response = post(world, "caregiver", "cases:decide", world.case, choice="wait", confirm="1")
    assert response["Location"] == reverse("cases:step", args=[world.case.pk, 6])
    note = DecisionNote.objects.get(case=world.case)
    assert (note.kind, note.option, note.by) == ("wait", "", world.users["caregiver"])
    assert note.sentence_list == ["S1.", "S4."]
    event = AuditEvent.objects.get(case_id=world.case.pk, action="decision.note")
    assert event.detail == {"note": note.pk, "kind": "wait", "option": "", "ready": False}
    page = world.client("patient").get(reverse("cases:step", args=[world.case.pk, 6]))
    text = page.content.decode()
    assert "Your decision, as noted" in text
    assert "Wait for now, and look again later" in text
    assert "S4." in text


def test_decision_without_a_choice_is_refused(world: World) -> None:
    response = post(world, "patient", "cases:decide", world.case, confirm="1")
    assert response.status_code == 302
    assert not DecisionNote.objects.exists()
    response = post(world, "patient", "cases:decide", world.case, choice="option:nope")
    assert not DecisionNote.objects.exists()


def test_pause_page_carries_the_choice(world: World) -> None:
    page = post(world, "patient", "cases:decide", world.case, choice="more_information")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="choice" value="more_information"' in text
    assert "Get more information first" in text


# -- into the report and the hand-over letter --------------------------------------------------
def test_report_and_letter_carry_answer_and_decision(world: World) -> None:
    request_in(world, "consensus")
    post(world, "patient", "cases:decide", world.case, choice="wait", confirm="1")
    client = world.client("patient")
    report = client.get(reverse("cases:report", args=[world.case.pk])).content.decode()
    assert "Specialist's answer" in report
    assert "A CAR-T consult is worth it." in report
    assert "The decision, as noted" in report
    assert "Wait for now, and look again later" in report
    url = reverse("cases:report", args=[world.case.pk]) + "?kind=handover"
    letter = client.get(url).content.decode()
    assert "Hand-over letter" in letter
    assert "A CAR-T consult is worth it." in letter


def test_report_in_chinese_has_translated_headings(world: World) -> None:
    request_in(world, "consensus")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    sign_in(client, world.users["patient"])
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    report = client.get(reverse("cases:report", args=[world.case.pk])).content.decode()
    assert "专家的回答" in report


def test_report_without_notes_has_no_new_sections(world: World) -> None:
    report = world.client("patient").get(reverse("cases:report", args=[world.case.pk]))
    text = report.content.decode()
    assert 'id="specialist"' not in text
    assert 'id="decision"' not in text


def test_outsider_user_is_unrelated(db: None) -> None:
    stranger = UserFactory(role="coordinator")
    case = CaseFactory(coordinator=None)
    assert relation(stranger, case) is Relation.NONE


def test_reviewer_terms_are_explained_on_step5_and_in_report(world: World) -> None:
    review = request_in(world, "answered")
    ReviewAnswer.objects.filter(request=review).update(answer="CD19 IHC; HBV DNA")
    client = world.client("patient")
    page = client.get(reverse("cases:step", args=[world.case.pk, 5])).content.decode()
    explained = page.index("Words in the answer, explained")
    assert explained < page.index("CD19 IHC; HBV DNA")  # plain words first, the quote below
    assert "IHC (immunohistochemistry)" in page
    assert "HBV (hepatitis B virus)" in page
    report = client.get(reverse("cases:report", args=[world.case.pk])).content.decode()
    assert "IHC (immunohistochemistry)" in report
    assert "CD19 IHC; HBV DNA" in report


def test_notes_fingerprint_changes_with_a_new_answer_or_decision(world: World) -> None:
    patient = world.users["patient"]
    empty = coordination.notes_fingerprint(coordination.report_notes(patient, world.case))
    request_in(world, "consensus")
    answered = coordination.notes_fingerprint(coordination.report_notes(patient, world.case))
    post(world, "patient", "cases:decide", world.case, choice="wait", confirm="1")
    decided = coordination.notes_fingerprint(coordination.report_notes(patient, world.case))
    assert len({empty, answered, decided}) == 3
    again = coordination.notes_fingerprint(coordination.report_notes(patient, world.case))
    assert again == decided
