"""The audit trail: every read and change recorded, append-only, chained, visible, exportable."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.actions import Actor, record, verify_chain
from audit.models import AppendOnlyError, AuditEvent
from tests.web.conftest import World, sign_in

pytestmark = pytest.mark.integration


def test_model_refuses_update_and_delete(db: None) -> None:
    event = record(Actor.system(), "test.event")
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'changed'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_refuses_raw_update_and_delete(db: None, sql: str) -> None:
    record(Actor.system(), "test.event")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="test.event").count() == 1


def test_chain_verifies_and_detects_tampering(db: None) -> None:
    for i in range(3):
        record(Actor.system(), f"test.{i}", detail={"n": i})
    assert verify_chain().ok
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    events[1].detail = {"n": 99}  # changed in memory, as a database tool could change a row
    report = verify_chain(events)
    assert (report.ok, report.broken_at) == (False, events[1].pk)


def test_every_case_page_read_is_recorded(world: World) -> None:
    client = world.client("caregiver")
    pages = {
        reverse("cases:overview", kwargs={"case_id": world.case.pk}): "overview",
        reverse("cases:checklist", kwargs={"case_id": world.case.pk}): "checklist",
        reverse("cases:tasks", kwargs={"case_id": world.case.pk}): "tasks",
        **{
            reverse("cases:step", kwargs={"case_id": world.case.pk, "number": n}): f"step{n}"
            for n in range(1, 7)
        },
    }
    for url in pages:
        assert client.get(url).status_code == 200
    seen = [
        (e.detail["page"], e.actor_name, e.role, e.ip, e.path)
        for e in AuditEvent.objects.filter(action="case.view", case_id=world.case.pk).order_by("id")
    ]
    assert seen == [(page, "care", "caregiver", "127.0.0.1", url) for url, page in pages.items()]


def test_denied_read_is_recorded_without_revealing_case(world: World) -> None:
    client = world.client("outsider_patient")
    url = reverse("cases:overview", kwargs={"case_id": world.case.pk})
    missing = reverse("cases:overview", kwargs={"case_id": 999999})
    assert client.get(url).status_code == 404
    assert client.get(missing).status_code == 404
    denied = AuditEvent.objects.filter(outcome="denied").order_by("id")
    assert [(e.case_id, e.actor_name, e.detail["why"]) for e in denied] == [
        (world.case.pk, "pat2", "view"),
        (999999, "pat2", "view"),
    ]


def test_owner_sees_case_audit_and_exports_csv(world: World) -> None:
    world.client("caregiver").get(reverse("cases:overview", kwargs={"case_id": world.case.pk}))
    owner = world.client("patient")
    page = owner.get(reverse("cases:audit", kwargs={"case_id": world.case.pk})).content.decode()
    assert "care" in page and "looked at the case" in page
    response = owner.get(reverse("cases:audit_csv", kwargs={"case_id": world.case.pk}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "id",
        "at",
        "actor",
        "role",
        "action",
        "outcome",
        "case",
        "ip",
        "path",
        "detail",
        "hash",
    ]
    assert [(r[2], r[4]) for r in rows[1:]] == [
        ("care", "case.view"),
        ("pat", "audit.view"),
        ("pat", "audit.export"),
    ]
    assert {r[6] for r in rows[1:]} == {str(world.case.pk)}


def test_csv_defuses_spreadsheet_formulas(db: None) -> None:
    from django.test import Client

    Client().post(reverse("accounts:login"), {"username": "=HYPERLINK(1)", "password": "x"})
    from accounts.models import User

    admin = User.objects.create(username="boss", role="admin")
    client = Client()
    sign_in(client, admin)
    body = b"".join(client.get(reverse("audit:csv")).streaming_content).decode()
    row = next(r for r in csv.reader(io.StringIO(body)) if r[4] == "account.login_failed")
    assert row[2] == "'=HYPERLINK(1)"


def test_every_change_has_an_event_with_field_names_only(world: World) -> None:
    client = world.client("caregiver")
    client.post(
        reverse("cases:checklist", kwargs={"case_id": world.case.pk}),
        {"done": ["records.pathology", "records.imaging"]},
    )
    event = AuditEvent.objects.get(action="checklist.save")
    assert event.detail == {"fields": ["records.imaging", "records.pathology"]}
    assert "Canary" not in str(AuditEvent.objects.values_list("detail", flat=True))
