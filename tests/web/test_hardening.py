"""Hardening: CSRF on every form, rate limits on sign-in, no file uploads, no stack traces."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cases.models import CaseRecord
from tests.web.conftest import PERSONAS, WEB, World, sign_in
from tests.web.test_permission_matrix import MATRIX

pytestmark = pytest.mark.integration
_FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.DOTALL | re.IGNORECASE)


def test_every_post_form_in_every_template_carries_a_csrf_token() -> None:
    missing = []
    for path in sorted(WEB.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in _FORM.finditer(text):
            opening = match.group(0).split(">", 1)[0].lower()
            if 'method="post"' in opening and "{% csrf_token %}" not in match.group(1):
                missing.append(f"{path.relative_to(WEB)}: {opening[:80]}")
    assert missing == []


def _post_rows() -> list[Any]:
    out = []
    for name, row in MATRIX.items():
        if row.post is None or row.json_body:  # JSON services (CDS Hooks) take no cookies
            continue
        persona = next(p for p in PERSONAS if row.post[p] == "ok")
        out.append(pytest.param(name, persona, id=name))
    return out


@pytest.mark.parametrize(("name", "persona"), _post_rows())
def test_every_form_post_without_csrf_token_is_refused(
    world: World, name: str, persona: str
) -> None:
    row = MATRIX[name]
    variant = row.variants[0] if row.variants else {}
    url = reverse(name, kwargs={**row.kwargs(world), **variant})
    client = Client(enforce_csrf_checks=True)
    if persona != "anonymous":
        sign_in(client, world.users[persona])
    response = client.post(url, row.data(world))
    assert response.status_code == 403


def test_sign_in_is_rate_limited_per_address(world: World, settings: Any) -> None:
    cache.clear()
    settings.CROSSROADS_RATE_LIMITS = {"login": "3/60", "api": "off", "api_ip": "off"}
    url = reverse("accounts:login")
    client = Client()
    statuses = [
        client.post(url, {"username": f"nobody{i}", "password": "wrong-password-1"}).status_code
        for i in range(4)
    ]
    last = client.post(url, {"username": "pat", "password": "correct horse battery staple"})
    assert statuses == [400, 400, 400, 429]  # 400: the sign-in form with its error
    assert (last.status_code, 1 <= int(last["Retry-After"]) <= 60) == (429, True)
    assert last.content.decode().startswith("Too many requests. Please wait ")


def test_file_upload_on_a_page_is_refused_and_nothing_saved(world: World) -> None:
    client = world.client("patient")
    url = reverse("cases:tasks", kwargs={"case_id": world.case.pk})
    before = CaseRecord.objects.get(pk=world.case.pk).data.get("actions")
    upload = BytesIO(b"%PDF-1.4 fake")
    upload.name = "scan.pdf"
    response = client.post(url, {"title": "Read the scan", "file": upload})
    assert (response.status_code, response.content.decode()) == (
        415,
        "Sending files is not possible yet. Please type the information into the form instead.",
    )
    assert CaseRecord.objects.get(pk=world.case.pk).data.get("actions") == before
    # The same form without a file (the test client sends multipart) still works.
    assert client.post(url, {"title": "Read the scan"}).status_code == 302


def test_api_answers_carry_the_security_headers(world: World) -> None:
    response = Client().get("/api/v1/cases")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert (
        response["X-Content-Type-Options"],
        response["X-Frame-Options"],
        response["Referrer-Policy"],
        response["Cache-Control"],
    ) == ("nosniff", "DENY", "same-origin", "no-store")


def test_page_crash_shows_the_plain_500_page(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret-detail-xyz")

    monkeypatch.setattr("cases.views.progress", boom)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["patient"])
    response = client.get(reverse("cases:overview", kwargs={"case_id": world.case.pk}))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert ("secret-detail-xyz" in html, "Traceback" in html) == (False, False)
