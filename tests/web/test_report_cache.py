"""The report PDF is made once per case version, language, day and knowledge-base release."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from cases import report_views
from cases.models import CaseRecord
from tests.web.conftest import World

pytestmark = pytest.mark.integration


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand in for the core's PDF renderer and count its calls (by language)."""
    calls: list[str] = []

    def fake(case: Any, kb: Any, lang: str, *rest: Any) -> bytes:
        calls.append(lang)
        return f"%PDF-1.7 {lang} {len(calls)}".encode()

    monkeypatch.setattr(report_views, "core_report_pdf", fake)
    cache.clear()
    return calls


def test_second_download_is_served_from_the_cache(world: World, renders: list[str]) -> None:
    client = world.client("patient")
    url = reverse("cases:report_pdf", kwargs={"case_id": world.case.pk})
    first, second = client.get(url), client.get(url)
    assert renders == ["en"]
    assert first.content == second.content == b"%PDF-1.7 en 1"
    assert second["Content-Type"] == "application/pdf"
    # Someone else on the team gets the same file; each download is still audited.
    assert world.client("caregiver").get(url).content == b"%PDF-1.7 en 1"
    assert renders == ["en"]


def test_a_new_case_version_language_or_release_makes_a_new_pdf(
    world: World, renders: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = world.client("patient")
    url = reverse("cases:report_pdf", kwargs={"case_id": world.case.pk})
    client.get(url)
    CaseRecord.objects.filter(pk=world.case.pk).update(version=world.case.version + 1)
    assert client.get(url).content == b"%PDF-1.7 en 2"
    client.cookies["django_language"] = "zh-hans"
    zh = world.client("caregiver")
    from accounts.models import User

    User.objects.filter(pk=world.users["caregiver"].pk).update(language="zh-hans")
    assert zh.get(url).content == b"%PDF-1.7 zh-Hans 3"
    assert zh.get(url).content == b"%PDF-1.7 zh-Hans 3"
    kb = report_views.results.kb()
    monkeypatch.setattr(kb, "release", kb.release.model_copy(update={"version": "next"}))
    assert client.get(url).content == b"%PDF-1.7 en 4"
    assert renders == ["en", "en", "zh-Hans", "en"]


def test_cache_key_names_every_input(world: World) -> None:
    case = CaseRecord.objects.get(pk=world.case.pk)
    key = report_views.pdf_cache_key(case, "en")
    kb = report_views.results.kb()
    assert key.startswith(f"report-pdf:{case.pk}:{case.version}:")
    for part in (
        ":en:",
        kb.release.version,
        kb.cache_key,
        report_views.results.today().isoformat(),
    ):
        assert part in key


def test_a_failed_pdf_is_not_cached(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from crossroads.common.errors import CrossroadsError

    calls: list[int] = []

    def broken(*args: Any) -> bytes:
        calls.append(1)
        raise CrossroadsError("cannot make it")

    monkeypatch.setattr(report_views, "core_report_pdf", broken)
    cache.clear()
    client = world.client("patient")
    url = reverse("cases:report_pdf", kwargs={"case_id": world.case.pk})
    assert [client.get(url).status_code for _ in range(2)] == [503, 503]
    assert calls == [1, 1]
