"""Input as people write it (issue 13, item 6): a country picker with English and Chinese names,
month-year dates in the common English and Chinese forms, and a free display name at sign-up
apart from the user name."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from cases.stepform import country_options
from tests.web.conftest import World
from tests.web.test_step_forms import page_form, snapshot, step_url, submit

pytestmark = pytest.mark.integration
PASSWORD = "tall ships sail 42"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Sept 2025", "2025-09"),
        ("September 2025", "2025-09"),
        ("2025年9月", "2025-09"),
        ("09/2025", "2025-09"),
        ("9/2025", "2025-09"),
        ("2025年9月3日", "2025-09-03"),
        ("2025", "2025"),
    ],
)
def test_month_year_as_written_is_stored_in_the_case_format(
    world: World, written: str, stored: str
) -> None:
    data = page_form(world, 1)
    data["diagnosis.diagnosed"] = written
    assert submit(world, 1, data).status_code == 302
    saved, _ = snapshot(world)
    assert saved["diagnosis"]["diagnosed"] == stored


@pytest.mark.parametrize(
    ("number", "key", "written"),
    [
        (1, "patient.country", "China"),
        (1, "patient.country", "中国"),
        (4, "logistics.treatment_country", "United States"),
        (4, "logistics.treatment_country", "美国"),
    ],
)
def test_country_names_in_english_or_chinese_are_stored_as_codes(
    world: World, number: int, key: str, written: str
) -> None:
    data = page_form(world, number)
    data[key] = written
    assert submit(world, number, data).status_code == 302
    saved, _ = snapshot(world)
    section, field = key.split(".")
    assert saved[section][field] == ("CN" if written in {"China", "中国"} else "US")


def _country_input(html: str) -> str:
    found = re.search(r'<input type="text" id="f-patient-country"[^>]*>', html)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize(
    ("lang", "shown", "other"), [("en", "China", "中国"), ("zh-hans", "中国", "China")]
)
def test_country_is_a_picker_showing_the_stored_code_by_name(
    world: World, lang: str, shown: str, other: str
) -> None:
    data = page_form(world, 1)
    data["patient.country"] = "CN"
    assert submit(world, 1, data).status_code == 302
    client = world.client("patient")
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    html = client.get(step_url(world, 1)).content.decode()
    field = _country_input(html)
    assert f'value="{shown}"' in field
    assert 'list="f-patient-country-list"' in field
    assert f'<option value="{shown}">{other}</option>' in html
    # saving the page as shown keeps the code
    data = page_form(world, 1)
    assert data["patient.country"] == shown  # the page in the language of the account
    assert submit(world, 1, data).status_code == 302
    assert snapshot(world)[0]["patient"]["country"] == "CN"


def test_country_options_cover_every_country_in_both_languages() -> None:
    english, chinese = dict(country_options("en")), dict(country_options("zh-hans"))
    assert len(english) == len(chinese) == 250
    assert (english["China"], english["Netherlands"]) == ("中国", "荷兰")
    assert chinese["中国"] == "China"


# -- sign-up: a display name as written, a user name apart ---------------------------------------
def _register(data: dict[str, str]) -> tuple[int, str]:
    response = Client().post(
        reverse("accounts:register"),
        {"password1": PASSWORD, "password2": PASSWORD, "language": "en", **data},
    )
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("name", ["Li Wei", "李伟", "Anne-Marie van der Berg", ""])
def test_display_name_is_free_text(db: None, name: str) -> None:
    status, _ = _register({"display_name": f"  {name} ", "username": "liwei"})
    assert status == 302
    user = User.objects.get(username="liwei")
    assert (user.first_name, user.shown_name) == (name, name or "liwei")


def test_a_user_name_with_a_space_is_refused_with_an_example(db: None) -> None:
    status, html = _register({"display_name": "Li Wei", "username": "Li Wei"})
    assert status == 400
    assert "A user name has no spaces, for example li.wei." in html
    assert not User.objects.exists()


def test_a_chinese_user_name_is_accepted(db: None) -> None:
    assert _register({"username": "李伟"})[0] == 302
    assert User.objects.filter(username="李伟").exists()


def test_display_name_without_control_characters(db: None) -> None:
    status, html = _register({"display_name": "Li\u202eWei", "username": "liwei"})
    assert status == 400
    assert "Please remove the special characters from this text." in html
