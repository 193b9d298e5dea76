"""Opening a case from a worklist row in one click (issue 16 item 4): the screened records
uploaded with the results, the case made through the FHIR import path, one case per row, who may
do it, what the audit trail keeps; and the missing facts in the reader's language."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from interop.models import FhirPatientLink
from screening.models import ScreeningCase, ScreeningFile
from screening.results import fact_texts, read_results, worklist
from screening.sources import NotRecordsError, bundle_of, keep_records, people_with_records

from audit.models import AuditEvent
from cases.models import CaseRecord
from crossroads.kb import load_kb
from screening import views as screening_views
from tests.web.conftest import World, sign_in
from tests.web.screening.conftest import (
    cohort_bulk,
    cohort_results,
    parquet,
    stored,
    tiny_bulk,
    tiny_results,
)

pytestmark = pytest.mark.integration
HAN = re.compile(r"[\u4e00-\u9fff]")


def _file(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _upload(world: World, results: bytes, bulk: dict[str, bytes]) -> Any:
    files = [_file(name, data) for name, data in bulk.items()]
    return world.client("coordinator").post(
        reverse("screening:upload"),
        {"label": "Registry run", "file": _file("r.parquet", results), "records": files},
    )


def _case_url(item: ScreeningFile, number: int) -> str:
    return reverse("screening:case", kwargs={"file_id": item.pk, "number": number})


# -- keeping the records ------------------------------------------------------------------------
def test_only_the_screened_people_are_kept() -> None:
    records = keep_records(
        [io.BytesIO(b) for b in tiny_bulk().values()], {"p-age", "p-on", "p-two"}
    )
    assert (records.people, records.problems) == (2, 1)  # the broken line is counted
    assert people_with_records(io.BytesIO(records.data)) == {"p-age", "p-on"}
    bundle = bundle_of(io.BytesIO(records.data), "p-age")
    assert bundle is not None and bundle["type"] == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "Condition"]  # the files' order
    assert bundle_of(io.BytesIO(records.data), "not-screened") is None
    assert bundle_of(io.BytesIO(records.data), "p-two") is None


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([b"not json\n", b""], "hold no FHIR resources"),
        ([b'{"resourceType": "Patient", "id": "someone-else"}\n'], "None of the people"),
    ],
    ids=["no-resources", "other-people"],
)
def test_records_of_no_screened_person_are_refused(files: list[bytes], says: str) -> None:
    with translation.override("en"), pytest.raises(NotRecordsError, match=says):
        keep_records([io.BytesIO(b) for b in files], {"p-age"})


# -- the upload -----------------------------------------------------------------------------------
def test_upload_with_the_bulk_export_keeps_records_owner_only(world: World) -> None:
    response = _upload(world, cohort_results(), cohort_bulk())
    assert response.status_code == 302
    item = ScreeningFile.objects.get()
    assert (item.patients, item.with_records) == (60, 60)
    path = Path(item.records.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.name.endswith(".records.parquet") and "Patient" not in path.name
    event = AuditEvent.objects.get(action="screening.upload")
    assert event.detail == {
        "file": item.pk, "patients": 60, "places": 3, "with_records": 60, "unread_lines": 0,
    }  # fmt: skip
    page = world.client("coordinator").get(reverse("screening:worklist", args=[item.pk]))
    text = page.content.decode()
    assert f'action="{_case_url(item, 1)[: -len("1/case/")]}' in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_records_of_other_people_are_a_400_and_nothing_is_kept(world: World) -> None:
    response = _upload(world, tiny_results(), cohort_bulk())
    assert response.status_code == 400
    text = response.content.decode()
    assert "None of the people in the results file are in these records." in text
    assert 'id="id_records" multiple' in text and 'aria-invalid="true"' in text
    assert not ScreeningFile.objects.exists()
    assert AuditEvent.objects.get(action="screening.refused").detail == {"why": "records"}


@pytest.mark.parametrize(("files", "refused"), [(2, False), (3, True)])
def test_the_number_of_record_files_is_capped(
    world: World, monkeypatch: pytest.MonkeyPatch, files: int, refused: bool
) -> None:
    monkeypatch.setattr(screening_views, "MAX_RECORD_FILES", 2)
    bulk = tiny_bulk()
    bulk.update({f"extra-{i}.ndjson": b"" for i in range(files - 2)})
    response = _upload(world, tiny_results(), bulk)
    assert response.status_code == (400 if refused else 302)
    if refused:
        assert "Choose at most 2 files" in response.content.decode()


@pytest.mark.parametrize(("extra", "refused"), [(0, False), (1, True)])
def test_the_size_of_the_records_is_capped(
    world: World, monkeypatch: pytest.MonkeyPatch, extra: int, refused: bool
) -> None:
    bulk = tiny_bulk()
    monkeypatch.setattr(
        screening_views, "MAX_RECORDS_BYTES", sum(len(b) for b in bulk.values()) - extra
    )
    response = _upload(world, tiny_results(), bulk)
    assert response.status_code == (400 if refused else 302)
    assert ScreeningFile.objects.exists() is not refused


def test_a_refusal_of_records_in_chinese(world: World) -> None:
    client = world.client("coordinator")
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    files = [_file(name, data) for name, data in cohort_bulk().items()]
    response = client.post(
        reverse("screening:upload"),
        {"label": "Run", "file": _file("r.parquet", tiny_results()), "records": files},
    )
    assert response.status_code == 400
    said = "结果文件中的人都不在这些记录里。请上传筛查所读取的 FHIR 批量导出的 NDJSON 文件，"
    assert said + "或者不填此项。" in response.content.decode()


def test_upload_without_records_still_works(world: World) -> None:
    response = _upload(world, tiny_results(), {})
    assert response.status_code == 302
    item = ScreeningFile.objects.get()
    assert not item.records and item.with_records == 0


# -- one click ------------------------------------------------------------------------------------
def test_one_click_creates_the_case_through_the_import_path(world: World) -> None:
    item = stored(world, bulk=tiny_bulk())  # rows: 1 p-age, 2 p-age2, 3 p-on, 4 p-trial, 5 p-two
    client = world.client("coordinator")
    response = client.post(_case_url(item, 1))
    case = CaseRecord.objects.exclude(pk__in=[world.case.pk, world.other_case.pk]).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:overview", kwargs={"case_id": case.pk})
    assert case.data["diagnosis"]["disease"] == "lbcl"
    assert case.title == "From screening: p-age"
    assert (case.owner, case.coordinator) == (world.users["coordinator"],) * 2
    assert FhirPatientLink.objects.get(case=case).patient_id == "p-age"
    assert ScreeningCase.objects.get().case == case
    landed = client.get(response["Location"]).content.decode()
    assert "The case was created from this person&#x27;s records" in landed
    step = client.get(reverse("cases:step", kwargs={"case_id": case.pk, "number": 1}))
    assert '<option value="lbcl" selected>' in step.content.decode()  # the disease is filled


def test_a_second_click_opens_the_same_case(world: World) -> None:
    item = stored(world, bulk=tiny_bulk())
    client = world.client("coordinator")
    first = client.post(_case_url(item, 3))
    second = client.post(_case_url(item, 3))
    assert first["Location"] == second["Location"]
    assert ScreeningCase.objects.count() == 1
    assert CaseRecord.objects.count() == 3  # the world's two and this one
    events = AuditEvent.objects.filter(action="screening.case").order_by("id")
    assert [e.detail for e in events] == [
        {"file": item.pk, "created": True},
        {"file": item.pk, "created": False},
    ]
    worklist_page = client.get(reverse("screening:worklist", args=[item.pk])).content.decode()
    case_id = ScreeningCase.objects.get().case_id
    assert f'href="{reverse("cases:overview", kwargs={"case_id": case_id})}"' in worklist_page
    assert "Go to the case" in worklist_page


def test_two_clicks_at_once_make_one_case(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other click wins between the check and the write: the unique row link rolls this
    one back, and the row's case opens."""
    item = stored(world, bulk=tiny_bulk())
    client = world.client("coordinator")
    client.post(_case_url(item, 1))
    winner = ScreeningCase.objects.get().case
    real = screening_views._existing_case
    calls: list[int] = []

    def late(found: ScreeningFile, number: int) -> CaseRecord | None:
        calls.append(number)
        return None if len(calls) == 1 else real(found, number)

    monkeypatch.setattr(screening_views, "_existing_case", late)
    response = client.post(_case_url(item, 1))
    assert response["Location"] == reverse("cases:overview", kwargs={"case_id": winner.pk})
    assert CaseRecord.objects.count() == 3 and ScreeningCase.objects.count() == 1
    assert not AuditEvent.objects.filter(action="fhir.import").exclude(case_id=winner.pk).exists()


def test_a_row_without_records_goes_to_the_paste_form(world: World) -> None:
    item = stored(world, bulk=tiny_bulk())
    response = world.client("coordinator").post(_case_url(item, 2), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "screening:open", kwargs={"file_id": item.pk, "number": 2}
    )
    text = response.content.decode()
    assert "were not uploaded: paste them here" in text
    assert "upload the screened records (the NDJSON files of the export)" in text
    assert CaseRecord.objects.count() == 2
    page = world.client("coordinator").get(reverse("screening:worklist", args=[item.pk]))
    text = page.content.decode()
    assert f'href="{reverse("screening:open", kwargs={"file_id": item.pk, "number": 2})}"' in text
    assert f'action="{_case_url(item, 1)}"' in text


def test_a_case_handed_to_someone_else_is_not_opened_again(world: World) -> None:
    item = stored(world, bulk=tiny_bulk())
    client = world.client("coordinator")
    client.post(_case_url(item, 1))
    case = ScreeningCase.objects.get().case
    CaseRecord.objects.filter(pk=case.pk).update(
        owner=world.users["outsider_patient"], coordinator=world.users["outsider_coordinator"]
    )
    assert client.post(_case_url(item, 1)).status_code == 404
    assert CaseRecord.objects.count() == 3
    page = client.get(reverse("screening:worklist", args=[item.pk])).content.decode()
    assert "Go to the case" not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 403), ("patient", 403), ("caregiver", 403), ("reviewer", 403),
     ("outsider_coordinator", 404)],
)  # fmt: skip
def test_only_the_uploading_coordinator_opens_a_case(
    world: World, persona: str, status: int
) -> None:
    item = stored(world, bulk=tiny_bulk())
    assert world.client(persona).post(_case_url(item, 1)).status_code == status
    assert CaseRecord.objects.count() == 2
    assert AuditEvent.objects.filter(outcome="denied").count() == 1


def test_a_case_needs_post_with_its_csrf_token(world: World) -> None:
    item = stored(world, bulk=tiny_bulk())
    assert world.client("coordinator").get(_case_url(item, 1)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    sign_in(strict, world.users["coordinator"])
    assert strict.post(_case_url(item, 1)).status_code == 403
    assert CaseRecord.objects.count() == 2


def test_no_row_beyond_the_file(world: World) -> None:
    item = stored(world, bulk=tiny_bulk())
    assert world.client("coordinator").post(_case_url(item, 6)).status_code == 404


def test_audit_and_logs_hold_no_patient_data(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    item = stored(world, bulk=tiny_bulk())
    client = world.client("coordinator")
    client.post(_case_url(item, 1))
    client.post(_case_url(item, 1))
    client.post(_case_url(item, 2))
    events = AuditEvent.objects.all()
    dumped = " ".join(f"{e.action} {e.detail} {e.path}" for e in events)
    assert "p-age" not in dumped and "1960" not in dumped
    assert "p-age" not in caplog.text and "1960" not in caplog.text


def test_deleting_the_file_removes_the_records_and_keeps_the_case(world: World) -> None:
    item = stored(world, bulk=tiny_bulk())
    client = world.client("coordinator")
    client.post(_case_url(item, 1))
    records = Path(item.records.path)
    client.post(reverse("screening:delete", kwargs={"file_id": item.pk}))
    assert not records.exists() and not ScreeningCase.objects.exists()
    assert CaseRecord.objects.count() == 3


def test_the_case_in_chinese(world: World) -> None:
    item = stored(world, bulk=tiny_bulk())
    client = world.client("coordinator")
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    text = client.get(reverse("screening:worklist", args=[item.pk])).content.decode()
    assert "建立病例" in text
    landed = client.post(_case_url(item, 1), follow=True).content.decode()
    assert "已根据筛查所用导出文件中此人的记录建立病例。" in landed
    text = client.get(reverse("screening:worklist", args=[item.pk])).content.decode()
    assert "前往病例" in text


# -- the missing facts in the reader's language --------------------------------------------------
def test_open_knowledge_base_points_are_named_in_each_language() -> None:
    kb = load_kb()
    english, point = next(iter(sorted(kb.unsettled.items())))
    with translation.override("en"):
        name_en, ask_en = fact_texts(kb, f"kb:{english}", "en")
    name_zh, ask_zh = fact_texts(kb, f"kb:{english}", "zh-Hans")
    assert name_en == kb.phrase("reason.unsettled", "en", text=point.en)
    assert name_zh == kb.phrase("reason.unsettled", "zh", text=point.zh)
    assert english not in name_zh and HAN.search(name_zh)
    assert (ask_en, ask_zh) == ("", "")


def test_every_missing_fact_of_the_cohort_reads_in_chinese() -> None:
    """No English left in a Chinese worklist's fact names (item 2: "not confirmed" in English)."""
    kb = load_kb()
    table = read_results(cohort_results())
    keys = {m for ms in table.column("missing").to_pylist() for m in ms or []}
    assert any(k.startswith("kb:") for k in keys)  # the cohort has open points to show
    for key in sorted(keys):
        name, ask = fact_texts(kb, key, "zh-Hans")
        assert HAN.search(name), key
        assert not re.search(r"[a-z]{4,}", name), (key, name)  # abbreviations (DLBCL) are kept
        assert not ask or HAN.search(ask), key
        name_en, _ = fact_texts(kb, key, "en")
        assert not HAN.search(name_en), key


def test_the_chinese_worklist_names_open_points_in_chinese(world: World) -> None:
    kb = load_kb()
    english, point = sorted(kb.unsettled.items())[0]
    row = {"patient_id": "p-open", "jurisdiction": "US", "disease": "lbcl",
           "category": "cannot_tell", "on_label": [], "missing": [f"kb:{english}"]}  # fmt: skip
    item = stored(world, data=parquet([row]))
    client = world.client("coordinator")
    url = reverse("screening:worklist", args=[item.pk])
    text = client.get(url).content.decode()
    assert "Not yet confirmed in the knowledge base" in text
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    text = client.get(url).content.decode()
    assert "Not yet confirmed" not in text and english not in text
    assert f"询问知识库尚未确认：{point.zh}（人数：1）" in text


def test_products_are_named_as_the_place_and_the_language_name_them() -> None:
    row = {"patient_id": "p-cn", "jurisdiction": "CN", "disease": "ball",
           "category": "established", "on_label": ["inaticabtagene autoleucel", "no-such"],
           "missing": []}  # fmt: skip
    table = read_results(parquet([row]))
    kb = load_kb()
    zh = worklist(table, kb, "zh-Hans", "CN").on_label[0].products
    en = worklist(table, kb, "en", "CN").on_label[0].products
    assert zh == ["纳基奥仑赛（源瑞达）", "no-such"]
    assert en == ["inati-cel (源瑞达)", "no-such"]
