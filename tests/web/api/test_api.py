"""The JSON API: records validated by the core with field-level messages, the core's results,
the review life cycle, tokens, and answers that are always JSON and never a stack trace."""

from __future__ import annotations

import copy
import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from api.models import ApiToken
from api.tokens import digest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cases import results
from cases.models import CaseRecord
from crossroads.engine.classify import classify
from crossroads.engine.codes import check_codes
from crossroads.render.data import assessment_data
from crossroads.steps.compare import compare, grid_data
from crossroads.steps.timeline import build_timeline, timeline_data
from review.models import ReviewRequest
from tests.web.api.helpers import BASE, call
from tests.web.conftest import World
from tests.web.factories import CASE_DATA
from tests.web.review_world import token_for

pytestmark = pytest.mark.integration


def _json(response: Any) -> Any:
    return json.loads(response.content)


# -- case records -------------------------------------------------------------------------------
def test_create_case_with_record_stores_the_core_format(world: World) -> None:
    response = call(world, "patient", "POST", "/cases", {"title": "Mine", "record": CASE_DATA})
    body = _json(response)
    stored = CaseRecord.objects.get(pk=body["id"])
    assert (response.status_code, body["title"], body["relation"]) == (201, "Mine", "owner")
    assert body["record"] == stored.data
    assert stored.owner == world.users["patient"]


def test_bad_record_gets_field_level_messages_and_saves_nothing(world: World) -> None:
    record = copy.deepcopy(CASE_DATA)
    record["lines"][0]["start"] = "2024-13"
    record["patient"]["age_yeras"] = 61
    before = CaseRecord.objects.count()
    response = call(world, "patient", "POST", "/cases", {"title": "Mine", "record": record})
    assert response.status_code == 422
    assert _json(response) == {
        "detail": "Some values cannot be used; see errors.",
        "errors": [
            {
                "field": "record.patient.age_yeras",
                "message": "is not a field of the case format.",
                "hint": "Did you mean 'age_years'?",
            },
            {
                "field": "record.lines[0].start",
                "message": "month 13 does not exist; use 01 to 12",
                "hint": "",
            },
        ],
    }
    assert CaseRecord.objects.count() == before


def test_title_with_markup_is_refused_like_on_the_pages(world: World) -> None:
    response = call(world, "patient", "POST", "/cases", {"title": "<b>Mine</b>"})
    assert (response.status_code, _json(response)["errors"]) == (
        422,
        [
            {
                "field": "title",
                "message": "Please write plain text without < and > around words.",
                "hint": "",
            }
        ],
    )


def test_update_with_the_version_read_saves_and_logs_the_fields(world: World) -> None:
    case = world.case
    record = {**case.data, "transplant_eligible": False}
    response = call(
        world, "caregiver", "PUT", f"/cases/{case.pk}", {"version": case.version, "record": record}
    )
    case.refresh_from_db()
    assert (response.status_code, _json(response)["version"], case.data["transplant_eligible"]) == (
        200,
        2,
        False,
    )
    event = AuditEvent.objects.filter(action="case.save").latest("id")
    assert (event.actor_name, event.detail) == (
        "care",
        {"fields": ["transplant_eligible"], "via": "api"},
    )


def test_update_from_a_stale_version_is_a_conflict(world: World) -> None:
    case = world.case
    CaseRecord.objects.filter(pk=case.pk).update(version=5)
    record = {**case.data, "transplant_eligible": False}
    response = call(world, "patient", "PUT", f"/cases/{case.pk}", {"version": 4, "record": record})
    case.refresh_from_db()
    assert (response.status_code, "transplant_eligible" in case.data) == (409, False)
    assert _json(response) == {
        "detail": "The case was saved by someone else since you read it. Read it again.",
        "errors": [],
    }


def test_the_apps_own_notes_stay_as_stored(world: World) -> None:
    notes = {"dont_know": ["transplant_eligible"]}
    data = {**world.case.data, "extensions": {"crossroads_web": notes}}
    CaseRecord.objects.filter(pk=world.case.pk).update(data=data)
    sent = {**data, "extensions": {"crossroads_web": {"dont_know": 5}, "other_tool": {"x": 1}}}
    response = call(
        world, "patient", "PUT", f"/cases/{world.case.pk}", {"version": 1, "record": sent}
    )
    stored = CaseRecord.objects.get(pk=world.case.pk).data["extensions"]
    assert (response.status_code, stored) == (
        200,
        {"crossroads_web": notes, "other_tool": {"x": 1}},
    )
    made = call(world, "patient", "POST", "/cases", {"title": "New", "record": sent})
    assert CaseRecord.objects.get(pk=_json(made)["id"]).data["extensions"] == {
        "other_tool": {"x": 1}
    }


def test_delete_removes_the_case_and_keeps_its_audit_trail(world: World) -> None:
    case_id = world.case.pk
    response = call(world, "patient", "DELETE", f"/cases/{case_id}")
    assert (response.status_code, _json(response)) == (200, {"deleted": case_id})
    assert CaseRecord.objects.filter(pk=case_id).exists() is False
    assert ReviewRequest.objects.filter(case_id=case_id).exists() is False
    assert AuditEvent.objects.filter(case_id=case_id, action="case.delete").count() == 1


# -- the core's results ---------------------------------------------------------------------------
def test_assessment_compare_and_timeline_are_the_cores(world: World) -> None:
    case = world.case
    kb, today = results.kb(), results.today()
    core = check_codes(case.case(), kb)
    classification = classify(core, kb, ["US", "EU", "CN"], today)
    expected = {
        "assessment": assessment_data(classification, kb, "en"),
        "compare": grid_data(compare(core, kb, classification), kb, "en"),
        "timeline?place=EU": timeline_data(build_timeline(core, kb, "EU", today=today), kb, "en"),
    }
    for path, data in expected.items():
        response = call(world, "coordinator", "GET", f"/cases/{case.pk}/{path}")
        assert (path, response.status_code, _json(response)) == (path, 200, data)


def test_assessment_in_chinese(world: World) -> None:
    kb = results.kb()
    core = check_codes(world.case.case(), kb)
    classification = classify(core, kb, ["US", "EU", "CN"], results.today())
    response = call(world, "patient", "GET", f"/cases/{world.case.pk}/assessment?lang=zh-Hans")
    assert _json(response) == assessment_data(classification, kb, "zh-Hans")


def test_assess_a_record_without_storing_it(world: World) -> None:
    kb = results.kb()
    classification = classify(
        check_codes(CaseRecord(data=CASE_DATA).case(), kb), kb, ["US"], results.today()
    )
    token = token_for(world, "reviewer")
    cases, events = CaseRecord.objects.count(), AuditEvent.objects.count()
    response = call(
        world,
        "reviewer",
        "POST",
        "/assess",
        {"record": CASE_DATA, "jurisdictions": ["US"]},
        token=token,
    )
    assert (response.status_code, _json(response)) == (
        200,
        assessment_data(classification, kb, "en"),
    )
    assert (CaseRecord.objects.count(), AuditEvent.objects.count()) == (cases, events)


def test_assess_unknown_drug_is_a_plain_422(world: World) -> None:
    record = copy.deepcopy(CASE_DATA)
    record["lines"][0]["agents"] = ["rituximabb"]
    response = call(world, "patient", "POST", "/assess", {"record": record})
    body = _json(response)
    assert response.status_code == 422
    assert body["errors"][0]["field"] == "lines[0].agents[0]"
    assert "rituximabb" in body["errors"][0]["message"]


# -- reviews --------------------------------------------------------------------------------------
def test_whole_review_through_the_api(world: World) -> None:
    case = world.case
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    created = call(
        world,
        "coordinator",
        "POST",
        f"/cases/{case.pk}/reviews",
        {
            "question": "Is CAR-T realistic?",
            "reviewers": [world.users["reviewer"].pk],
            "due_date": due,
        },
    )
    review = _json(created)
    assert (created.status_code, review["state"], review["moves"]) == (
        201,
        "draft",
        ["edit", "send", "close"],
    )
    rid = review["id"]
    sent = call(world, "coordinator", "POST", f"/reviews/{rid}/send")
    assert _json(sent)["state"] == "sent"
    twice = call(world, "coordinator", "POST", f"/reviews/{rid}/send")
    assert (twice.status_code, _json(twice)["detail"]) == (
        409,
        "cannot send a request that is sent",
    )
    answer = {"view": "disagree", "answer": "Not yet.", "check_next": "Repeat the PET scan."}
    answered = _json(call(world, "reviewer", "POST", f"/reviews/{rid}/answer", answer))
    assert (answered["state"], answered["case_id"], answered["moves"]) == (
        "answered",
        None,
        ["answer", "consensus"],
    )
    done = _json(
        call(
            world,
            "reviewer",
            "POST",
            f"/reviews/{rid}/consensus",
            {"view": "disagree", "text": "Wait for the scan."},
        )
    )
    seen = _json(call(world, "patient", "GET", f"/reviews/{rid}"))
    assert seen["consensus"] == {**done["consensus"]}
    assert (seen["case_id"], seen["consensus"]["text"], seen["consensus"]["reviewers"]) == (
        case.pk,
        "Wait for the scan.",
        [{"id": world.users["reviewer"].pk, "name": "rev"}],
    )
    closed = _json(call(world, "coordinator", "POST", f"/reviews/{rid}/close"))
    assert closed["state"] == "closed"
    assert call(world, "reviewer", "GET", f"/reviews/{rid}").status_code == 404


def test_due_date_in_the_past_is_refused(world: World) -> None:
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = call(
        world,
        "coordinator",
        "POST",
        f"/cases/{world.case.pk}/reviews",
        {"question": "Q?", "reviewers": [world.users["reviewer"].pk], "due_date": yesterday},
    )
    assert (response.status_code, _json(response)["errors"]) == (
        422,
        [
            {
                "field": "due_date",
                "message": "This date has passed. Choose today or a later day.",
                "hint": "",
            }
        ],
    )


def test_non_reviewer_cannot_be_chosen(world: World) -> None:
    response = call(
        world,
        "coordinator",
        "POST",
        f"/cases/{world.case.pk}/reviews",
        {"question": "Q?", "reviewers": [world.users["patient"].pk]},
    )
    assert (response.status_code, _json(response)["errors"][0]["message"]) == (
        422,
        "Choose reviewers from the list.",
    )


def test_reviewer_sees_no_case_and_no_identifiers(world: World) -> None:
    data = {**world.case.data, "patient": {"name": "Canary Person", "age_years": 61}}
    CaseRecord.objects.filter(pk=world.case.pk).update(data=data, title="Canary Person")
    world.case.refresh_from_db()
    made = call(
        world,
        "coordinator",
        "POST",
        f"/cases/{world.case.pk}/reviews",
        {
            "question": "Can Canary Person have CAR-T?",
            "reviewers": [world.users["reviewer"].pk],
            "send": True,
        },
    )
    rid = _json(made)["id"]
    texts = [
        call(world, "reviewer", "GET", "/reviews").content.decode(),
        call(world, "reviewer", "GET", f"/reviews/{rid}").content.decode(),
        call(world, "reviewer", "GET", f"/reviews/{rid}/packet").content.decode(),
    ]
    assert [t for t in texts if "Canary" in t] == []
    assert _json(call(world, "reviewer", "GET", f"/reviews/{rid}"))["case_id"] is None


# -- tokens ---------------------------------------------------------------------------------------
def test_only_a_digest_of_the_token_is_stored(world: World) -> None:
    raw = token_for(world, "patient")
    stored = ApiToken.objects.get(user=world.users["patient"])
    assert (stored.digest, stored.prefix) == (digest(raw), raw[:12])
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)


@pytest.mark.parametrize("spoil", ["revoked", "expired", "inactive", "unknown", "scheme"])
def test_spoiled_token_is_401_and_logged(world: World, spoil: str) -> None:
    raw = token_for(world, "patient")
    token = ApiToken.objects.get(user=world.users["patient"])
    header = f"Bearer {raw}"
    if spoil == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif spoil == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif spoil == "inactive":
        User.objects.filter(pk=world.users["patient"].pk).update(is_active=False)
    elif spoil == "unknown":
        header = "Bearer crx_" + "x" * 43
    else:
        header = f"Token {raw}"
    denied = AuditEvent.objects.filter(outcome="denied").count()
    response = Client().get(f"{BASE}/cases", HTTP_AUTHORIZATION=header)
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Bearer")
    logged = 0 if spoil == "scheme" else 1  # a token of another scheme is not looked up
    assert AuditEvent.objects.filter(outcome="denied").count() == denied + logged


def test_token_command_creates_lists_and_revokes(world: World) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "api_token", "create", "pat", "--label", "planner", "--days", "30", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(digest=digest(raw))
    assert (token.label, (token.expires_at - token.created_at).days) == ("planner", 30)
    listing = StringIO()
    call_command("api_token", "list", "pat", stdout=listing)
    assert listing.getvalue().split("\t")[:3] == [str(token.pk), f"{raw[:12]}…", "planner"]
    call_command("api_token", "revoke", str(token.pk), stdout=StringIO())
    assert Client().get(f"{BASE}/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_page_shows_a_new_token_once(world: World) -> None:
    client = world.client("coordinator")
    response = client.post("/api-tokens/", {"label": "planner", "days": "30"}, follow=True)
    token = ApiToken.objects.get(user=world.users["coordinator"])
    html = response.content.decode()
    raw = html.split("<code>", 1)[1].split("</code>", 1)[0]
    assert digest(raw) == token.digest
    assert raw not in client.get("/api-tokens/").content.decode()
    assert call(world, "coordinator", "GET", "/cases", token=raw).status_code == 200


# -- the edge -------------------------------------------------------------------------------------
def test_unknown_url_under_the_api_is_json(world: World) -> None:
    response = Client().get(f"{BASE}/nothing-here")
    assert (response.status_code, _json(response)) == (404, {"detail": "Not Found", "errors": []})
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("title=Mine", "application/x-www-form-urlencoded", 415),
        ('{"title": NaN}', "application/json", 400),
        ('{"title": "\\ud800"}', "application/json", 400),
        ('{"title": "a\\u0000b"}', "application/json", 400),
        ('{"title": ', "application/json", 400),
    ],
)
def test_bodies_that_are_not_clean_json_are_refused(
    world: World, body: str, content_type: str, status: int
) -> None:
    token = token_for(world, "patient")
    before = CaseRecord.objects.count()
    response = Client().post(
        f"{BASE}/cases", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    kind = response["Content-Type"].split(";")[0]
    assert (response.status_code, kind) == (status, "application/json")
    assert CaseRecord.objects.count() == before


def test_file_upload_to_the_api_is_refused(world: World) -> None:
    token = token_for(world, "patient")
    response = Client().post(
        f"{BASE}/cases",
        {"title": "Mine", "file": StringIO("x")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert (response.status_code, _json(response)) == (
        415,
        {
            "detail": "The API accepts JSON only (Content-Type: application/json); no files.",
            "errors": [],
        },
    )


def test_crash_is_a_plain_500_without_trace_or_secret(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret-detail-xyz")

    monkeypatch.setattr("api.case_routes.assessment_data", boom)
    response = call(world, "patient", "GET", f"/cases/{world.case.pk}/assessment")
    text = response.content.decode()
    assert (response.status_code, _json(response)) == (
        500,
        {"detail": "Something went wrong on our side. It has been logged.", "errors": []},
    )
    assert ("secret-detail-xyz" in text, "Traceback" in text) == (False, False)


def test_rate_limit_per_token_answers_429_with_retry_after(world: World, settings: Any) -> None:
    cache.clear()
    settings.CROSSROADS_RATE_LIMITS = {"api": "3/60", "api_ip": "100/60", "login": "off"}
    token = token_for(world, "patient")
    statuses = [call(world, "patient", "GET", "/cases", token=token).status_code for _ in range(4)]
    other = call(world, "caregiver", "GET", "/cases").status_code  # another token: own count
    last = call(world, "patient", "GET", "/cases", token=token)
    assert (statuses, other) == ([200, 200, 200, 429], 200)
    assert 1 <= int(last["Retry-After"]) <= 60
    assert _json(last)["detail"].startswith("Too many requests. Please wait ")


def test_rate_limit_per_address_covers_requests_without_token(world: World, settings: Any) -> None:
    cache.clear()
    settings.CROSSROADS_RATE_LIMITS = {"api": "off", "api_ip": "2/60", "login": "off"}
    statuses = [Client().get(f"{BASE}/cases").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
