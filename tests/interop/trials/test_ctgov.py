"""Reading ClinicalTrials.gov API v2 records, and the download (without touching the network)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crossroads.common.errors import RegistryUnreachableError, StudyFileError
from crossroads.interop.trials.ctgov import (
    API_BASE,
    Query,
    build_url,
    cache_path,
    download,
    parse_age,
    read_study_file,
    study_files,
)
from crossroads.interop.trials.model import AgeLimit, Intervention, Site
from crossroads.interop.trials.search import DATA_DIR

pytestmark = pytest.mark.unit
REAL = DATA_DIR / "NCT02513394.json"
UNREACHABLE = "http://127.0.0.1:9/api/v2"  # the discard port: nothing listens on loopback


def test_parse_real_record_reads_every_field_search_uses() -> None:
    (study,) = read_study_file(REAL)
    assert study.study_id == "NCT02513394"
    assert study.registry == "ClinicalTrials.gov"
    assert study.title == "PALbociclib CoLlaborative Adjuvant Study"
    assert study.overall_status == "ACTIVE_NOT_RECRUITING"
    assert study.phases == ("PHASE3",)
    assert study.study_type == "INTERVENTIONAL"
    assert study.conditions == ("Breast Cancer",)
    assert study.keywords == ("HR+/HER2- breast cancer", "Palbociclib")
    assert study.interventions == (
        Intervention("DRUG", "Palbociclib"),
        Intervention("DRUG", "Standard Adjuvant Endocrine Therapy"),
    )
    assert study.minimum_age == AgeLimit(18, "years", "18 Years")
    assert study.maximum_age is None
    assert (study.sex, study.healthy_volunteers) == ("ALL", False)
    assert study.eligibility_text.startswith("Inclusion Criteria:\n\n* Signed informed consent")
    assert len(study.sites) == 437
    assert study.sites[0] == Site(
        "University of South Alabama Mitchell Cancer Institute", "Mobile", "United States"
    )
    assert study.countries()[:3] == ("United States", "Australia", "Austria")  # order of first site
    assert len(study.countries()) == 21
    assert study.last_update == "2023-06-15"
    assert study.synthetic is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18 Years", AgeLimit(18, "years", "18 Years")),
        ("1 Year", AgeLimit(1, "years", "1 Year")),
        ("6 Months", AgeLimit(6, "months", "6 Months")),
        ("30 Days", AgeLimit(30, "days", "30 Days")),
        (" 2 Weeks ", AgeLimit(2, "weeks", "2 Weeks")),
        ("N/A", None),
        ("", None),
        ("18", None),
        ("18 Lightyears", None),
        (None, None),
    ],
)
def test_parse_age(text: str | None, expected: AgeLimit | None) -> None:
    assert parse_age(text) == expected


def test_read_a_page_file_and_a_list(tmp_path: Path) -> None:
    record = json.loads(REAL.read_text(encoding="utf-8"))
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": [record], "nextPageToken": "abc"}), encoding="utf-8")
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([record]), encoding="utf-8")
    assert [s.study_id for s in read_study_file(page)] == ["NCT02513394"]
    assert [s.study_id for s in read_study_file(listed)] == ["NCT02513394"]
    sub = tmp_path / "nested"
    sub.mkdir()
    (sub / "other.json").write_text("[]", encoding="utf-8")
    assert study_files([tmp_path]) == [listed, sub / "other.json", page]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        (
            '{"resourceType": "Bundle"}',
            "not a ClinicalTrials.gov API v2 study, page or list of studies",
        ),
        ('{"studies": {"a": 1}}', "'studies' must be a list of study records"),
        (
            '[{"protocolSection": {}}]',
            "a study record needs protocolSection.identificationModule.nctId",
        ),
    ],
)
def test_read_refuses_files_that_are_not_studies(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StudyFileError, match=message):
        read_study_file(path)


def test_study_files_names_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(StudyFileError, match="no such file or folder"):
        study_files([tmp_path / "missing"])


def test_build_url_for_recruiting_car_t_studies() -> None:
    query = Query(condition="multiple myeloma")
    assert build_url(query) == (
        f"{API_BASE}/studies?format=json&query.cond=multiple+myeloma"
        "&query.intr=CAR-T+OR+chimeric+antigen+receptor"
        "&filter.overallStatus=RECRUITING%7CNOT_YET_RECRUITING&pageSize=100"
    )
    assert build_url(query, "tok en").endswith("&pageSize=100&pageToken=tok+en")


def test_cache_path_is_stable_and_differs_per_query(tmp_path: Path) -> None:
    a = cache_path(Query("lymphoma"), tmp_path)
    assert a == cache_path(Query("lymphoma"), tmp_path)
    assert a != cache_path(Query("myeloma"), tmp_path)
    assert a.parent == tmp_path
    assert a.name.startswith("ctgov-") and a.suffix == ".json"


def test_download_without_network_says_so_plainly(tmp_path: Path) -> None:
    with pytest.raises(RegistryUnreachableError) as raised:
        download(Query("lymphoma"), tmp_path, base_url=UNREACHABLE, timeout=2)
    message = str(raised.value)
    assert message.startswith("could not reach ClinicalTrials.gov at 127.0.0.1:9 (")
    assert message.endswith(
        "There may be no network here. Trial search still works offline with saved study files: "
        "crossroads trials CASE --studies FOLDER"
    )
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_download_uses_a_fresh_cache_without_asking(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    query = Query("lymphoma")
    target = cache_path(query, tmp_path)
    record = json.loads(REAL.read_text(encoding="utf-8"))
    target.write_text(
        json.dumps({"fetched": "2026-11-28T12:00:00+00:00", "studies": [record]}), encoding="utf-8"
    )
    saved = download(query, tmp_path, base_url=UNREACHABLE, now=now)
    assert (saved.path, saved.count, saved.from_cache) == (target, 1, True)
    assert [s.study_id for s in read_study_file(target)] == [
        "NCT02513394"
    ]  # the cache is searchable


def test_download_asks_again_when_the_cache_is_stale(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    query = Query("lymphoma")
    cache_path(query, tmp_path).write_text(
        json.dumps({"fetched": "2026-11-01T00:00:00+00:00", "studies": []}), encoding="utf-8"
    )
    with pytest.raises(RegistryUnreachableError):
        download(query, tmp_path, base_url=UNREACHABLE, now=now, timeout=2)


def test_download_refuses_an_address_that_is_not_http(tmp_path: Path) -> None:
    with pytest.raises(RegistryUnreachableError, match="must start with http"):
        download(Query("lymphoma"), tmp_path, base_url="file:///etc")
