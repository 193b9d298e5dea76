"""A small team for the interop tests: one case with its patient, caregiver and coordinator,
and people outside it. Built here rather than from the full ``world`` so these tests need
only the case and caregiver models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tests.web.conftest import sign_in
from tests.web.factories import CaseFactory, GrantFactory, UserFactory


@dataclass
class Team:
    users: dict[str, Any]
    case: Any

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            sign_in(client, self.users[persona])
        return client


@pytest.fixture
def team(db: None) -> Team:
    users = {
        name: UserFactory(username=name, role=role)
        for name, role in (
            ("patient", "patient"),
            ("caregiver", "caregiver"),
            ("coordinator", "coordinator"),
            ("reviewer", "reviewer"),
            ("admin", "admin"),
            ("outsider_patient", "patient"),
            ("outsider_coordinator", "coordinator"),
        )
    }
    case = CaseFactory(owner=users["patient"], coordinator=users["coordinator"])
    GrantFactory(case=case, caregiver=users["caregiver"])
    return Team(users, case)
