"""About this aid (public, en + zh, linked from every footer); step 4 of a disease outside CAR-T."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from cases.models import CaseRecord
from crossroads.kb.about import load_about, next_review, reading_level
from crossroads.kb.planning import planning_for
from crossroads.kb.scope import load_scope
from crossroads.record.case import Case
from tests.web.conftest import ROOT, World

pytestmark = pytest.mark.integration
LANGS = {"en": "en", "zh-hans": "zh"}


def _in(client: Client, lang: str) -> Client:
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    return client


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_about_page_is_public_and_says_who_paid(world: World, lang: str) -> None:
    from cases import results

    about = load_about()
    page = _in(Client(), lang).get(reverse("about"))
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    code = LANGS[lang]
    for field in (about.title, about.made_by, about.funding, about.conflicts):
        assert getattr(field, code) in text
    for key, heading in about.headings.items():
        # the reading level is shown only when it was measured for this release
        shown = key != "reading_level" or reading_level() is not None
        assert (getattr(heading, code) in text) is shown, key
    due = next_review(results.kb(), about)
    assert str(due.year) in text and str(about.update_policy.interval_months) in text


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_every_page_footer_links_to_about(world: World, lang: str) -> None:
    link = f'href="{reverse("about")}"'
    assert link in _in(Client(), lang).get(reverse("home")).content.decode()
    client = _in(world.client("patient"), lang)
    assert link in client.get(reverse("cases:dashboard")).content.decode()


def _example(name: str) -> dict[str, Any]:
    path: Path = ROOT / "examples" / f"{name}.yaml"
    return Case.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).to_data()


@pytest.mark.parametrize("lang", sorted(LANGS))
@pytest.mark.parametrize(
    ("example", "outside"),
    [
        ("out_of_scope_aml", True),
        ("out_of_scope_hodgkin", True),
        ("lbcl_primary_refractory_second_line", False),
    ],
)
def test_step_4_of_a_disease_outside_car_t_asks_instead(
    world: World, example: str, outside: bool, lang: str
) -> None:
    from cases import results

    case = CaseRecord.objects.create(
        owner=world.users["patient"], title="t", data=_example(example)
    )
    client = _in(world.client("patient"), lang)
    text = client.get(reverse("cases:step", kwargs={"case_id": case.pk, "number": 4})).content
    page = text.decode()
    code = LANGS[lang]
    rules = planning_for(results.kb()).timeline.rules
    bridging = next(r.name for r in rules if r.id == "bridging_likely")
    scope = load_scope()
    assert (getattr(scope.title, code) in page) is outside
    assert (getattr(scope.general[0].text, code) in page) is outside
    if outside:
        assert getattr(bridging, code) not in page
        assert 'class="timeline-vertical"' not in page
    else:
        assert 'class="timeline-vertical"' in page
