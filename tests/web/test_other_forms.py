"""Bad input on every form outside the step pages: a message, what was typed kept, nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from cases.models import CaseRecord, Invite
from review.models import ReviewAnswer, ReviewRequest
from tests.web.conftest import INVITE_TOKEN, World
from tests.web.formdata import form_data

pytestmark = pytest.mark.integration
LONG = "x" * 400
SCRIPT = "<script>alert(1)</script>"


@dataclass(frozen=True)
class FormCase:
    persona: str
    url: Callable[[World], str]
    field: str
    data: dict[str, Any]
    message: str
    count: Callable[[World], Any]


def _case_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={"case_id": w.case.pk})


def _tasks(w: World) -> Any:
    return CaseRecord.objects.get(pk=w.case.pk).data.get("actions")


CASES = {
    "register-long-name": FormCase(
        "anonymous",
        lambda w: reverse("accounts:register"),
        "username",
        {
            "username": "a" * 151,
            "password1": "tall ships sail 42",
            "password2": "tall ships sail 42",
            "language": "en",
        },
        "Ensure this value has at most 150 characters",
        lambda w: User.objects.count(),
    ),
    "register-script-name": FormCase(
        "anonymous",
        lambda w: reverse("accounts:register"),
        "username",
        {
            "username": SCRIPT,
            "password1": "tall ships sail 42",
            "password2": "tall ships sail 42",
            "language": "en",
        },
        "Letters, digits and @ . + - _ only",
        lambda w: User.objects.count(),
    ),
    "register-weak-password": FormCase(
        "anonymous",
        lambda w: reverse("accounts:register"),
        "username",
        {
            "username": "newperson",
            "password1": "12345678",
            "password2": "12345678",
            "language": "en",
        },
        "This password is too short",
        lambda w: User.objects.count(),
    ),
    "register-passwords-differ": FormCase(
        "anonymous",
        lambda w: reverse("accounts:register"),
        "username",
        {
            "username": "newperson",
            "password1": "tall ships sail 42",
            "password2": "tall ships sail 43",
            "language": "en",
        },
        "The two passwords are not the same.",
        lambda w: User.objects.count(),
    ),
    "register-bad-language": FormCase(
        "anonymous",
        lambda w: reverse("accounts:register"),
        "username",
        {
            "username": "newperson",
            "password1": "tall ships sail 42",
            "password2": "tall ships sail 42",
            "language": "klingon",
        },
        "Select a valid choice.",
        lambda w: User.objects.count(),
    ),
    "invite-register-taken-name": FormCase(
        "anonymous",
        lambda w: reverse("invite", kwargs={"token": INVITE_TOKEN}),
        "username",
        {
            "username": "PAT",
            "password1": "tall ships sail 42",
            "password2": "tall ships sail 42",
            "language": "en",
        },
        "We could not make an account with these details.",
        lambda w: (User.objects.count(), Invite.objects.filter(used_at__isnull=False).count()),
    ),
    "password-wrong-current": FormCase(
        "patient",
        lambda w: reverse("accounts:password"),
        "old_password",
        {"old_password": "not it", "new_password": "tall ships sail 42"},
        "The current password is not right.",
        lambda w: User.objects.get(username="pat").password,
    ),
    "password-too-common": FormCase(
        "patient",
        lambda w: reverse("accounts:password"),
        "old_password",
        {"old_password": "correct horse battery staple", "new_password": "password1234"},
        "This password is too common.",
        lambda w: User.objects.get(username="pat").password,
    ),
    "new-case-script-title": FormCase(
        "patient",
        lambda w: reverse("cases:new"),
        "title",
        {"title": SCRIPT},
        "Please write plain text without",
        lambda w: CaseRecord.objects.count(),
    ),
    "new-case-long-title": FormCase(
        "patient",
        lambda w: reverse("cases:new"),
        "title",
        {"title": LONG},
        "This is too long: 400 characters. The most is 100.",
        lambda w: CaseRecord.objects.count(),
    ),
    "invite-label-script": FormCase(
        "patient",
        _case_url("cases:caregivers"),
        "label",
        {"label": SCRIPT},
        "Please write plain text without",
        lambda w: Invite.objects.count(),
    ),
    "task-title-long": FormCase(
        "caregiver",
        _case_url("cases:tasks"),
        "title",
        {"title": LONG, "owner": "", "due": ""},
        "This is too long: 400 characters. The most is 300.",
        _tasks,
    ),
    "task-impossible-date": FormCase(
        "caregiver",
        _case_url("cases:tasks"),
        "due",
        {"title": "Call the clinic", "owner": "", "due": "2026-02-30"},
        "2026-02 has no day 30.",
        _tasks,
    ),
    "task-wrong-owner": FormCase(
        "caregiver",
        _case_url("cases:tasks"),
        "title",
        {"title": "Call the clinic", "owner": "boss", "due": ""},
        "Select a valid choice.",
        _tasks,
    ),
    "review-question-long": FormCase(
        "coordinator",
        _case_url("cases:review_send"),
        "question",
        {"reviewers": "", "question": "q" * 2001},
        "This is too long: 2001 characters. The most is 2000.",
        lambda w: ReviewRequest.objects.count(),
    ),
    "review-answer-script": FormCase(
        "reviewer",
        lambda w: reverse("reviews:packet", kwargs={"request_id": w.review.pk}),
        "answer",
        {"view": "agree", "answer": SCRIPT},
        "Please write plain text without",
        lambda w: ReviewAnswer.objects.count(),
    ),
    "staff-wrong-role": FormCase(
        "admin",
        lambda w: reverse("accounts:staff"),
        "username",
        {
            "username": "newstaff",
            "full_name": "",
            "role": "patient",
            "password": "tall ships sail 42",
        },
        "Select a valid choice.",
        lambda w: User.objects.count(),
    ),
    "staff-number-password": FormCase(
        "admin",
        lambda w: reverse("accounts:staff"),
        "username",
        {
            "username": "newstaff",
            "full_name": "",
            "role": "reviewer",
            "password": "123456789012345",
        },
        "This password is entirely numeric.",
        lambda w: User.objects.count(),
    ),
}


@pytest.mark.parametrize("key", list(CASES))
def test_form_bad_input_gets_message_keeps_typed_saves_nothing(world: World, key: str) -> None:
    case = CASES[key]
    client = world.client(case.persona)
    url = case.url(world)
    before = case.count(world)
    changes = AuditEvent.objects.exclude(action__in=["case.view", "access.denied"]).count()
    response = client.post(url, case.data)
    html = response.content.decode()
    assert response.status_code == 400
    assert case.message in html
    assert case.count(world) == before
    assert AuditEvent.objects.exclude(action__in=["case.view", "access.denied"]).count() == changes
    typed = case.data[case.field]
    if "password" not in case.field:
        index = html.count("<form", 0, html.index(f'name="{case.field}"'))
        assert form_data(html, index - 1)[case.field] == typed
    assert SCRIPT not in html


def test_register_then_new_case_works(db: None) -> None:
    from django.test import Client

    client = Client()
    response = client.post(
        reverse("accounts:register"),
        {
            "username": "newperson",
            "password1": "tall ships sail 42",
            "password2": "tall ships sail 42",
            "language": "zh-hans",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newperson")
    assert (user.role, user.language) == ("patient", "zh-hans")
    response = client.post(reverse("cases:new"), {"title": "我的病例"})
    case = CaseRecord.objects.get(owner=user)
    assert response["Location"] == reverse("cases:step", kwargs={"case_id": case.pk, "number": 1})
    assert case.data == {"schema": "crossroads.case/v1"} | {
        k: v for k, v in case.data.items() if k != "schema"
    }
    assert [e.action for e in AuditEvent.objects.filter(actor_id=user.pk).order_by("id")] == [
        "account.login",
        "case.create",
    ]
