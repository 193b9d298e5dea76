"""Confirming proposals: only accepted values enter the case, with provenance; conflicts;
the checklist tick; deletion of the file and its text; audit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import CaseRecord
from documents.models import Decision, Document, Page, Proposal
from tests.web.conftest import World
from tests.web.documents.conftest import corpus

pytestmark = pytest.mark.integration

Upload = Callable[..., Any]


def detail_url(world: World, document: Document) -> str:
    return reverse(
        "documents:detail", kwargs={"case_id": world.case.pk, "document_id": document.pk}
    )


def proposal(document: Document, path: str) -> Proposal:
    return next(p for p in document.proposals.all() if p.path == path)


def fresh(world: World) -> CaseRecord:
    return CaseRecord.objects.get(pk=world.case.pk)


def test_review_page_shows_each_value_beside_its_highlighted_source(
    world: World, upload: Upload
) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    page = world.client("coordinator").get(detail_url(world, document)).content.decode()
    ecog = proposal(document, "fitness.ecog")
    assert f"<mark>{ecog.text}</mark>" in page
    assert ecog.text == "ECOG评分1分"
    text = Page.objects.get(document=document).text
    assert text[ecog.start : ecog.end] == ecog.text
    assert "Day-to-day activity (ECOG performance status)" in page
    assert "1: cannot do heavy physical work" in page  # the value in plain words
    assert AuditEvent.objects.filter(action="document.view", case_id=world.case.pk).exists()


def test_accept_edit_and_reject_write_only_the_accepted_values(
    world: World, upload: Upload
) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    ecog = proposal(document, "fitness.ecog")
    lvef = proposal(document, "fitness.lvef_percent")
    disease = proposal(document, "diagnosis.disease")
    before = fresh(world)
    response = world.client("caregiver").post(
        detail_url(world, document),
        {
            "version": before.version,
            f"choice-{ecog.pk}": "accept",
            f"value-{ecog.pk}": "2",  # edited: the person knows better
            f"choice-{lvef.pk}": "reject",
            f"choice-{disease.pk}": "accept",
            f"value-{disease.pk}": "lbcl",
        },
    )
    assert response.status_code == 302
    case = fresh(world)
    assert case.version == before.version + 1
    # LVEF turned down, eGFR not decided: neither written
    assert case.data["fitness"] == {**before.data.get("fitness", {}), "ecog": 2}
    assert case.data["diagnosis"]["disease"] == "lbcl"
    assert case.data.get("lines") == before.data.get("lines")
    sources = {s["field"]: s for s in case.data["provenance"]}
    assert set(sources) == {"fitness.ecog", "diagnosis.disease"}
    assert sources["fitness.ecog"]["value"] == 2
    assert sources["fitness.ecog"]["text"] == "ECOG评分1分"
    assert sources["fitness.ecog"]["document"] == "出院小结.pdf"
    assert sources["fitness.ecog"]["document_id"] == document.sha256[:16]
    ecog.refresh_from_db()
    lvef.refresh_from_db()
    assert (ecog.decision, ecog.final_value, ecog.value) == (Decision.ACCEPTED, 2, 1)
    assert lvef.decision == Decision.REJECTED
    assert document.proposals.filter(decision=Decision.PENDING).count() > 0
    document.refresh_from_db()
    assert document.confirmed_at is None
    save = AuditEvent.objects.filter(action="case.save", case_id=world.case.pk).get()
    assert save.detail["step"] == 1
    assert "fitness.ecog" in save.detail["fields"]
    accept = AuditEvent.objects.filter(action="document.accept").get()
    assert accept.detail == {
        "document": document.pk,
        "fields": ["diagnosis.disease", "fitness.ecog"],
    }
    reject = AuditEvent.objects.filter(action="document.reject").get()
    assert reject.detail == {"document": document.pk, "fields": ["fitness.lvef_percent"]}


def test_an_edit_of_the_wrong_kind_saves_nothing(world: World, upload: Upload) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    ecog = proposal(document, "fitness.ecog")
    disease = proposal(document, "diagnosis.disease")
    before = fresh(world)
    response = world.client("patient").post(
        detail_url(world, document),
        {
            "version": before.version,
            f"choice-{ecog.pk}": "accept",
            f"value-{ecog.pk}": "one",
            f"choice-{disease.pk}": "accept",
        },
    )
    assert response.status_code == 400
    assert "This value is not of the right kind" in response.content.decode()
    assert fresh(world).data == before.data
    assert not document.proposals.exclude(decision=Decision.PENDING).exists()


def test_a_value_the_record_refuses_saves_nothing(world: World, upload: Upload) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    ecog = proposal(document, "fitness.ecog")
    before = fresh(world)
    response = world.client("patient").post(
        detail_url(world, document),
        {"version": before.version, f"choice-{ecog.pk}": "accept", f"value-{ecog.pk}": "7"},
    )
    assert response.status_code == 400
    assert "The case cannot take this value." in response.content.decode()
    assert fresh(world).data == before.data


def test_an_older_version_is_refused_with_409(world: World, upload: Upload) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    ecog = proposal(document, "fitness.ecog")
    before = fresh(world)
    response = world.client("patient").post(
        detail_url(world, document),
        {"version": before.version - 1, f"choice-{ecog.pk}": "accept"},
    )
    assert response.status_code == 409
    assert fresh(world).data == before.data


def test_accepting_everything_confirms_and_ticks_the_checklist_item_of_its_kind(
    world: World, upload: Upload
) -> None:
    upload("病理.pdf", corpus("zh_path_01.pdf"))
    document = Document.objects.get()
    assert document.kind == "pathology"
    response = world.client("patient").post(
        detail_url(world, document), {"version": fresh(world).version, "all": "accept"}
    )
    assert response.status_code == 302
    case = fresh(world)
    assert case.data["records"]["pathology"] is True
    assert case.data["diagnosis"]["subtype"] == "dlbcl_nos"
    document.refresh_from_db()
    assert document.confirmed_at is not None
    assert not document.proposals.filter(decision=Decision.PENDING).exists()
    page = world.client("patient").get(reverse("cases:checklist", args=[world.case.pk]))
    assert 'value="records.pathology" checked' in page.content.decode()


def test_turning_down_the_kind_leaves_the_checklist_alone(world: World, upload: Upload) -> None:
    upload("病理.pdf", corpus("zh_path_01.pdf"))
    document = Document.objects.get()
    tick = proposal(document, "records.pathology")
    world.client("patient").post(
        detail_url(world, document),
        {"version": fresh(world).version, "all": "accept", f"choice-{tick.pk}": "reject"},
    )
    document.refresh_from_db()
    assert document.confirmed_at is not None
    assert fresh(world).data["records"].get("pathology") is None


@pytest.mark.parametrize("name", ["zh_dis_01", "en_dis_01"])
def test_a_confirmed_discharge_summary_ticks_the_treatment_summary(
    world: World, upload: Upload, name: str
) -> None:
    """Its course of illness gives each treatment with dates and response (the core's words)."""
    upload(f"{name}.pdf", corpus(f"{name}.pdf"))
    document = Document.objects.get()
    assert document.kind == "discharge_summary"
    world.client("patient").post(
        detail_url(world, document), {"version": fresh(world).version, "all": "accept"}
    )
    case = fresh(world)
    assert case.data["records"] == {"treatment_summary": True}
    if name == "zh_dis_01":
        assert [line["regimen"] for line in case.data["lines"]] == ["R-CHOP", "R-GemOx"]
        assert case.data["fitness"] == {"ecog": 1, "lvef_percent": 62.0, "egfr": 88.0}
    page = world.client("patient").get(reverse("cases:checklist", args=[world.case.pk]))
    assert 'value="records.treatment_summary" checked' in page.content.decode()


def test_a_discharge_summary_whose_tick_is_turned_down_ticks_nothing(
    world: World, upload: Upload
) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    tick = proposal(document, "records.treatment_summary")
    world.client("patient").post(
        detail_url(world, document),
        {"version": fresh(world).version, "all": "accept", f"choice-{tick.pk}": "reject"},
    )
    assert fresh(world).data["records"] == {}


def test_two_values_for_one_field_in_one_save_are_refused(world: World, upload: Upload) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    ecog = proposal(document, "fitness.ecog")
    twin = Proposal.objects.create(
        document=document,
        field="fitness.ecog",
        value=3,
        page=1,
        start=ecog.start,
        end=ecog.end,
        text=ecog.text,
        confidence=0.9,
    )
    response = world.client("patient").post(
        detail_url(world, document),
        {
            "version": fresh(world).version,
            f"choice-{ecog.pk}": "accept",
            f"choice-{twin.pk}": "accept",
        },
    )
    assert response.status_code == 400
    assert "accept only one of them" in response.content.decode()


def test_documents_that_disagree_are_shown_side_by_side(world: World, upload: Upload) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    upload("病理.pdf", corpus("zh_path_01.pdf"))
    first, second = Document.objects.order_by("id")
    theirs = proposal(second, "diagnosis.target_antigens.cd19")
    Proposal.objects.filter(pk=theirs.pk).update(value="negative")
    listing = world.client("patient").get(reverse("documents:list", args=[world.case.pk]))
    page = listing.content.decode()
    assert "Where documents disagree" in page
    section = page[page.index('id="conflicts"') :]
    assert "positive (the target is there)" in section
    assert "negative (the target is missing)" in section
    assert "出院小结.pdf" in section and "病理.pdf" in section
    review = world.client("patient").get(detail_url(world, first)).content.decode()
    assert "Another document, 病理.pdf, says negative" in review


def test_the_owner_deletes_the_file_and_its_text(world: World, upload: Upload) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    path = Path(document.file.path)
    assert path.is_file()
    url = reverse("documents:delete", kwargs={"case_id": world.case.pk, "document_id": document.pk})
    assert world.client("caregiver").post(url).status_code == 404
    assert world.client("coordinator").post(url).status_code == 404
    assert path.is_file()
    response = world.client("patient").post(url)
    assert response.status_code == 302
    assert not path.exists()
    assert not Document.objects.exists()
    assert not Page.objects.exists() and not Proposal.objects.exists()
    event = AuditEvent.objects.filter(action="document.delete").get()
    assert event.detail == {"document": document.pk}


def test_the_original_file_is_sent_as_a_download_and_audited(world: World, upload: Upload) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    url = reverse("documents:file", kwargs={"case_id": world.case.pk, "document_id": document.pk})
    response = world.client("caregiver").get(url)
    assert response.status_code == 200
    assert response.content == corpus("zh_dis_01.pdf")
    assert response["Content-Disposition"] == f'attachment; filename="document-{document.pk}.pdf"'
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.filter(action="document.view", detail__page="file").get()
    assert event.actor_id == world.users["caregiver"].pk


def test_another_case_s_document_is_not_reachable(world: World, upload: Upload) -> None:
    upload("出院小结.pdf", corpus("zh_dis_01.pdf"))
    document = Document.objects.get()
    other = world.other_case.pk
    client = world.client("outsider_patient")
    for name in ("detail", "status", "file", "delete"):
        url = reverse(f"documents:{name}", kwargs={"case_id": other, "document_id": document.pk})
        answer = client.post(url) if name == "delete" else client.get(url)
        assert answer.status_code == 404, name
    assert Document.objects.count() == 1


def test_audit_labels_name_the_document_actions() -> None:
    from audit.labels import label_for

    assert label_for("document.upload") == "added a record document"
    assert label_for("document.delete") == "deleted a record document"
    assert label_for("document.accept") == "accepted values read from a record document"
