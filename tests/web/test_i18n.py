"""English and Simplified Chinese: a complete catalogue, and a switch that follows the person."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.web.conftest import WEB, World

pytestmark = pytest.mark.integration
CATALOGUE = WEB / "locale" / "zh_Hans" / "LC_MESSAGES"


def _key(message: Message) -> tuple[object, ...]:
    """A message's key; plural messages carry a list of ids (singular, plural), made hashable."""
    ids = message.id
    return (message.context, tuple(ids) if isinstance(ids, list | tuple) else ids)


def _text(message: Message) -> object:
    strings = message.string
    return tuple(strings) if isinstance(strings, list | tuple) else strings


def _po() -> dict[object, object]:
    with (CATALOGUE / "django.po").open("rb") as handle:
        catalogue = read_po(handle)
    return {_key(m): _text(m) for m in catalogue if m.id}


def test_every_interface_text_has_a_chinese_translation() -> None:
    untranslated = [
        key
        for key, text in _po().items()
        if not text or (isinstance(text, tuple) and not all(text))
    ]
    assert untranslated == []


def test_no_translation_is_fuzzy() -> None:
    with (CATALOGUE / "django.po").open("rb") as handle:
        catalogue = read_po(handle)
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []


def test_compiled_catalogue_matches_source() -> None:
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = {_key(m): _text(m) for m in read_mo(handle) if m.id}
    assert compiled == _po()


def test_language_switch_is_saved_on_the_account(world: World) -> None:
    client = world.client("patient")
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/cases/"})
    assert response["Location"] == "/cases/"
    assert User.objects.get(username="pat").language == "zh-hans"
    fresh = Client()
    fresh.force_login(User.objects.get(username="pat"))
    page = fresh.get(reverse("cases:overview", kwargs={"case_id": world.case.pk}))
    html = page.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "六个步骤的进度" in html
    assert page["Content-Language"] == "zh-hans"


def test_anonymous_switch_uses_cookie(db: None) -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "建立账户" in client.get(reverse("accounts:register")).content.decode()


def test_switch_refuses_foreign_redirect_and_unknown_language(world: World) -> None:
    client = world.client("patient")
    response = client.post(
        reverse("set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert User.objects.get(username="pat").language == "en"


def test_core_results_follow_the_language(world: World) -> None:
    user = world.users["patient"]
    user.language = "zh-hans"
    user.save()
    url = reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 2})
    html = world.client("patient").get(url).content.decode()
    assert "本病例的 CAR-T 适用情况" in html  # interface text
    assert "符合适应症" in html or "需要更多信息" in html or "不符合适应症" in html  # core text


def test_chinese_step_headings_use_full_width_colons(world: World) -> None:
    user = User.objects.get(username="pat")
    user.language = "zh-hans"
    user.save()
    client = Client()
    client.force_login(user)
    url = reverse("cases:step", kwargs={"case_id": world.case.pk, "number": 1})
    html = client.get(url).content.decode()
    assert "第 1 步（共 6 步）：" in html  # the heading
    assert "第 2 步：" in html  # the progress list
    assert "步: " not in html and "步 : " not in html
