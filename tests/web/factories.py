"""factory_boy factories for the web app's models."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import factory
from django.utils import timezone

from accounts.models import User
from cases.models import CaregiverGrant, CaseRecord, Invite
from crossroads.record.case import Case
from review.models import ReviewAnswer, ReviewAssignment, ReviewRequest

CASE_DATA: dict[str, Any] = {
    "schema": "crossroads.case/v1",
    "patient": {"name": "Canary Person", "age_years": 61},
    "diagnosis": {"disease": "lbcl", "subtype": "dlbcl_nos"},
    "lines": [
        {
            "regimen": "R-CHOP",
            "agents": ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"],
            "start": "2024-03",
            "end": "2024-08",
            "best_response": "CR",
            "progression": "2025-01",
        }
    ],
    "disease_status": {"state": "relapsed", "relapse_number": 1, "last_progression": "2025-01"},
    "actions": [{"id": "t-1", "title": "Ask for the pathology report"}],
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = "patient"
    password = factory.django.Password("correct horse battery staple")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseRecord

    owner = factory.SubFactory(UserFactory)
    title = "Test case"
    data = factory.LazyFunction(lambda: Case.model_validate(CASE_DATA).to_data())


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaregiverGrant

    case = factory.SubFactory(CaseFactory)
    caregiver = factory.SubFactory(UserFactory, role="caregiver")


class InviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invite
        exclude = ("token",)

    token = factory.Sequence(lambda n: f"token-{n}")
    case = factory.SubFactory(CaseFactory)
    created_by = factory.SelfAttribute("case.owner")
    token_digest = factory.LazyAttribute(lambda o: hashlib.sha256(o.token.encode()).hexdigest())
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=72))


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    reviewer = factory.SubFactory(UserFactory, role="reviewer")


class ReviewRequestFactory(factory.django.DjangoModelFactory):
    """A request in ``state`` (sent by default), assigned to ``reviewer``, made by ``sent_by``."""

    class Meta:
        model = ReviewRequest
        exclude = ("reviewer", "sent_by")
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    reviewer = factory.SubFactory(UserFactory, role="reviewer")
    sent_by = factory.SubFactory(UserFactory, role="coordinator")
    created_by = factory.SelfAttribute("sent_by")
    state = "sent"
    sent_at = factory.LazyAttribute(lambda o: None if o.state == "draft" else timezone.now())
    question = "Is CAR-T realistic now?"
    packet = factory.LazyFunction(lambda: {"question": "Is CAR-T realistic now?", "case": {}})
    assignment = factory.RelatedFactory(
        ReviewAssignmentFactory,
        factory_related_name="request",
        reviewer=factory.SelfAttribute("..reviewer"),
    )


class ReviewAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAnswer

    view = "agree"
    answer = "A CAR-T consult is reasonable."
