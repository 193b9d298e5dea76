"""Malformed requests answer 4xx, never 5xx: record numbers in URLs and API bodies (issue 17, M4).

``/cases/9223372036854775808/`` once failed with an ``OverflowError`` while logging the refusal
(a 500, and no audit event); an API body nested 1,000 deep, with a 4,301-digit number, or over
the 512 kB limit, once gave 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from audit.models import AuditEvent
from cases.models import CaseRecord
from crossroads_web.converters import MAX_ID
from tests.web.conftest import World
from tests.web.review_world import token_for

pytestmark = pytest.mark.integration

HUGE = "9223372036854775808"  # 2**63: one past the largest number a database column holds


@pytest.mark.parametrize(
    "path",
    [
        f"/cases/{HUGE}/",
        f"/cases/{HUGE}/step/2/",
        f"/cases/{HUGE}/report.pdf",
        f"/cases/{HUGE}/audit.csv",
        f"/cases/{HUGE}/fhir.json",
        "/cases/" + "9" * 5000 + "/",
        f"/cases/{MAX_ID + 1}/",
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "patient"])
def test_a_record_number_beyond_any_record_is_404_and_the_refusal_is_audited(
    world: World, path: str, persona: str
) -> None:
    response = world.client(persona).get(path)
    assert response.status_code in {302, 404}  # anonymous: to sign-in first
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == 404
    (event,) = AuditEvent.objects.filter(action="access.denied")
    assert (event.case_id, event.outcome, event.path) == (0, "denied", path[:300])


def test_a_step_number_beyond_any_step_is_404(world: World) -> None:
    response = world.client("patient").get(f"/cases/{world.case.pk}/step/{HUGE}/")
    assert response.status_code == 404


def test_no_url_takes_an_unbounded_number() -> None:
    """Every number in a URL uses ``<id:...>``: ``<int:...>`` would let 2**63 through again."""

    def walk(patterns: list[Any], prefix: str = "") -> list[str]:
        found = []
        for entry in patterns:
            converters = entry.pattern.converters.values()
            route = prefix + str(entry.pattern)
            if any(isinstance(c, IntConverter) for c in converters):
                found.append(route)
            if isinstance(entry, URLResolver):
                found += walk(entry.url_patterns, route)
            assert isinstance(entry, URLPattern | URLResolver)
        return found

    assert walk(get_resolver().url_patterns) == []


def _api_post(world: World, body: str | bytes) -> Any:
    return Client().post(
        "/api/v1/cases",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(world, 'patient')}",
    )


def _kind(response: Any) -> str:
    return str(response["Content-Type"]).split(";")[0]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            '{"title": "Mine", "record": ' + "[" * 1000 + "]" * 1000 + "}",
            "The body cannot be read: the data is nested more than 64 levels deep. Crossroads "
            "reads records with far fewer levels; check that the file is the record you meant "
            "to send.",
        ),
        (
            '{"title": "Mine", "n": ' + "9" * 4301 + "}",
            "The body cannot be read: a number has 4,301 digits; numbers may have at most 64 "
            "digits. Remove the number or write it as text in quotes.",
        ),
        (
            '{"title": "\\ud800"}',
            "The body cannot be read: the text holds half of a character (a lone \\ud800-style "
            "escape). Send whole characters as UTF-8 text.",
        ),
    ],
    ids=["nested-1000", "number-4301-digits", "half-character"],
)
def test_api_body_beyond_the_limits_gets_400_json(world: World, body: str, detail: str) -> None:
    before = CaseRecord.objects.count()
    response = _api_post(world, body)
    assert (response.status_code, _kind(response)) == (400, "application/json")
    assert response.json() == {"detail": detail, "errors": []}
    assert CaseRecord.objects.count() == before


def test_api_body_over_512_kb_gets_413_json(world: World) -> None:
    body = '{"title": "' + "x" * (512 * 1024) + '"}'
    response = _api_post(world, body)
    assert (response.status_code, _kind(response)) == (413, "application/json")
    assert response.json() == {
        "detail": "The body is larger than 512 kB. Send a smaller record.",
        "errors": [],
    }
    assert response["Cache-Control"] == "no-store"
