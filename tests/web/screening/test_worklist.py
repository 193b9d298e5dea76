"""The coordinator worklist: upload checked by content, the lists per place, opening a case,
who may see what, and what the audit trail keeps (counts, never patient ids)."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pyarrow as pa
import pytest
from django.urls import reverse
from django.utils import translation
from screening.models import ScreeningFile
from screening.results import NotResultsError, patient_ids, read_results, worklist

from audit.models import AuditEvent
from crossroads.kb import load_kb
from tests.web.conftest import World
from tests.web.screening.conftest import cohort_results, parquet, stored, tiny_results

pytestmark = pytest.mark.integration


def _file(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _upload(world: World, data: bytes, persona: str = "coordinator", name: str = "r.parquet"):  # type: ignore[no-untyped-def]
    client = world.client(persona)
    return client.post(
        reverse("screening:upload"), {"label": "Registry run", "file": _file(name, data)}
    )


# -- the file check -----------------------------------------------------------------------------
def test_the_cohort_results_are_read() -> None:
    table = read_results(cohort_results())
    assert table.num_rows == 180 and len(patient_ids(table)) == 60


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7 not parquet", "not a Parquet file"),
        (b"PAR1" + b"\0" * 20 + b"PAR1", "could not be read"),
        (parquet([{"a": 1}], pa.schema([("a", pa.int64())])), "lacks the columns patient_id"),
        (
            parquet(
                [
                    {
                        "table": "category",
                        "jurisdiction": "US",
                        "key": "x",
                        "count": 1,
                        "suppressed": True,
                    }
                ],
                pa.schema(
                    [
                        ("table", pa.string()),
                        ("jurisdiction", pa.string()),
                        ("key", pa.string()),
                        ("count", pa.int64()),
                        ("suppressed", pa.bool_()),
                    ]
                ),
            ),
            "counts only",
        ),
        (parquet([]), "has no rows"),
        (
            parquet(
                [
                    {
                        "patient_id": "p",
                        "jurisdiction": "XX",
                        "disease": None,
                        "category": "established",
                        "on_label": [],
                        "missing": [],
                    }
                ]
            ),
            "places or categories",
        ),
    ],
    ids=["pdf", "broken", "other-columns", "aggregate", "empty", "bad-place"],
)
def test_anything_but_a_results_file_is_refused(data: bytes, says: str) -> None:
    with translation.override("en"), pytest.raises(NotResultsError, match=says):
        read_results(data)


def test_wrong_column_types_are_named() -> None:
    schema = pa.schema([*((n, pa.string()) for n in ("patient_id", "jurisdiction", "disease",
                       "category", "on_label")), ("missing", pa.list_(pa.string()))])  # fmt: skip
    data = parquet([{"patient_id": "p", "jurisdiction": "US", "disease": None,
                     "category": "trial", "on_label": "x", "missing": []}], schema)  # fmt: skip
    with (
        translation.override("en"),
        pytest.raises(NotResultsError, match="hold what a results file holds: on_label"),
    ):
        read_results(data)


# -- grouping -----------------------------------------------------------------------------------
def test_worklist_groups_one_fact_away_by_the_fact() -> None:
    kb = load_kb()
    with translation.override("en"):
        work = worklist(read_results(tiny_results()), kb, "en", "US")
    assert [p.patient_id for p in work.on_label] == ["p-on"]
    assert work.on_label[0].products == ["tisa-cel (Kymriah)"]  # as the US names it
    assert [(g.key, [p.patient_id for p in g.people]) for g in work.groups] == [
        ("age_years", ["p-age", "p-age2"])
    ]  # p-two lacks two facts: not one fact away
    assert work.groups[0].ask == kb.facts["age_years"].ask.en
    assert work.counts == {"cannot_tell": 3, "established": 1, "not_realistic_now": 0, "trial": 1}
    # row numbers follow the sorted ids: p-age p-age2 p-on p-trial p-two
    assert [p.number for p in work.groups[0].people] == [1, 2]


def test_worklist_of_the_cohort_matches_the_counts() -> None:
    table = read_results(cohort_results())
    rows = [r for r in table.to_pylist() if r["jurisdiction"] == "US"]
    work = worklist(table, load_kb(), "zh-Hans", "US")
    assert len(work.on_label) == sum(r["category"] == "established" for r in rows)
    one_away = [r for r in rows if r["category"] == "cannot_tell" and len(r["missing"]) == 1]
    assert sum(len(g.people) for g in work.groups) == len(one_away)
    assert work.place_name == "美国（FDA）"


# -- the pages ----------------------------------------------------------------------------------
def test_upload_stores_owner_only_and_shows_the_worklist(world: World) -> None:
    response = _upload(world, cohort_results())
    item = ScreeningFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:worklist", kwargs={"file_id": item.pk})
    assert (item.patients, item.place_list) == (60, ["US", "EU", "CN"])
    path = Path(item.file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.name != "r.parquet"
    page = world.client("coordinator").get(response["Location"] + "?place=EU")
    assert page.status_code == 200
    text = page.content.decode()
    assert "European Union (EMA/EC)" in text and "One fact away" in text


def test_a_refused_upload_is_a_400_that_says_why_and_stores_nothing(world: World) -> None:
    response = _upload(world, b"%PDF-1.7 hello", name="results.parquet")
    assert response.status_code == 400
    assert "This file is not a Parquet file." in response.content.decode()
    assert not ScreeningFile.objects.exists()
    event = AuditEvent.objects.filter(action="screening.refused").get()
    assert event.detail == {"why": "file"}


def test_no_file_chosen_is_a_400(world: World) -> None:
    client = world.client("coordinator")
    response = client.post(reverse("screening:upload"), {"label": "x"})
    assert response.status_code == 400
    assert "Choose the results file" in response.content.decode()


def test_worklist_page_lists_people_and_groups(world: World) -> None:
    item = stored(world)
    client = world.client("coordinator")
    text = client.get(reverse("screening:worklist", kwargs={"file_id": item.pk})).content.decode()
    assert "p-on" in text and "p-age2" in text
    assert "Ask for age in years (people: 2)" in text
    assert reverse("screening:open", kwargs={"file_id": item.pk, "number": 3}) in text


def test_worklist_in_chinese(world: World) -> None:
    item = stored(world)
    client = world.client("coordinator")
    url = reverse("screening:worklist", kwargs={"file_id": item.pk})
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    text = client.get(url).content.decode()
    assert "目前符合适应症" in text and "询问" in text


def test_open_a_case_prefills_the_import_form(world: World) -> None:
    item = stored(world)
    client = world.client("coordinator")
    response = client.get(reverse("screening:open", kwargs={"file_id": item.pk, "number": 3}))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'value="From screening: p-on"' in text
    assert f'action="{reverse("interop:fhir_import")}"' in text
    missing = client.get(reverse("screening:open", kwargs={"file_id": item.pk, "number": 6}))
    assert missing.status_code == 404


def test_only_the_uploader_sees_a_file(world: World) -> None:
    item = stored(world)
    url = reverse("screening:worklist", kwargs={"file_id": item.pk})
    assert world.client("outsider_coordinator").get(url).status_code == 404
    assert world.client("admin").get(url).status_code == 404
    assert world.client("patient").get(url).status_code == 403
    lists = world.client("outsider_coordinator").get(reverse("screening:list")).content.decode()
    assert "Registry run" not in lists


def test_audit_events_hold_no_patient_data(world: World) -> None:
    _upload(world, tiny_results())
    item = ScreeningFile.objects.get()
    client = world.client("coordinator")
    client.get(reverse("screening:worklist", kwargs={"file_id": item.pk}))
    client.get(reverse("screening:open", kwargs={"file_id": item.pk, "number": 1}))
    client.post(reverse("screening:delete", kwargs={"file_id": item.pk}))
    events = AuditEvent.objects.filter(action__startswith="screening.").order_by("id")
    assert [e.action for e in events] == [
        "screening.upload", "screening.view", "screening.open", "screening.delete",
    ]  # fmt: skip
    assert events[0].detail == {"file": item.pk, "patients": 5, "places": 1}
    dumped = " ".join(f"{e.detail} {e.path}" for e in events)
    assert "p-" not in dumped and "Registry" not in dumped
    assert not ScreeningFile.objects.exists()
    assert not Path(item.file.path).exists()


def test_refusals_in_chinese_run_sentences_together() -> None:
    with translation.override("zh-hans"), pytest.raises(NotResultsError) as caught:
        read_results(b"not parquet at all")
    assert str(caught.value) == (
        "这个文件不是 Parquet 文件。请上传筛查运行后写出的结果文件（.parquet 文件）。"
    )
