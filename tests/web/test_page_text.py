"""Every page of the journey, for each persona, in English and Chinese: no command names,
notes-file names or check ids; step 3 shows what the report shows; the checklist and the task
list agree and hide what cannot apply (issue 13, items 3, 4, 7 and 12)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from cases.models import CaseRecord
from crossroads.record.load import load_case
from tests.web.conftest import ROOT, World

EXAMPLE = ROOT / "examples" / "lbcl_dlbcl_third_line_cn_patient_cross_border.yaml"
NO_GOAL = ROOT / "examples" / "lbcl_hgbcl_second_line_early_relapse.yaml"
LANGS = ("en", "zh-hans")
# Command names, notes-file names, correction or check codes, and Python's None.
FORBIDDEN = re.compile(
    r"crossroads (?:values|readiness|classify|compare|timeline|actions|review|summary|report|kb|"
    r"check|tour|fhir|trials|packet|lines)\b"
    r"|\b[\w-]+\.(?:md|txt|ya?ml)\b"
    r"|correction E\d|更正 ?E\d|[(（]E\d+[a-z]?[)）]"
    r"|§\d"
    r"|\bNone\b(?! of)"
)
PAGES: dict[str, list[str]] = {
    "patient": ["overview", "step", "checklist", "tasks", "report", "audit"],
    "caregiver": ["overview", "step", "checklist", "tasks", "report"],
    "coordinator": ["overview", "step", "checklist", "tasks", "report", "next_steps"],
}


def page_text(body: str) -> str:
    """What a person reads: the HTML without scripts, styles, tags and comments."""
    body = re.sub(r"(?s)<!--.*?-->|<(script|style)[^>]*>.*?</\1>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def load_example(case: CaseRecord, path: Path) -> None:
    case.data = load_case(path).to_data()
    case.web["jurisdictions"] = ["US", "EU", "CN"]
    case.save()


def urls(world: World, persona: str) -> list[str]:
    pk = world.case.pk
    out = []
    for name in PAGES[persona]:
        if name == "step":
            out += [reverse("cases:step", args=[pk, n]) for n in range(1, 7)]
            out.append(reverse("cases:step", args=[pk, 4]) + "?place=CN")
        elif name == "next_steps":
            out.append(reverse("cases:next_steps"))
        else:
            out.append(reverse(f"cases:{name}", args=[pk]))
    out.append(reverse("cases:checklist", args=[pk]) + "?all=1")
    out.append(reverse("cases:tasks", args=[pk]) + "?all=1")
    return out


def get_as(world: World, persona: str, lang: str, url: str) -> Any:
    user = world.users[persona]
    user.language = lang
    user.save()
    return world.client(persona).get(url)


@pytest.mark.parametrize("example", [EXAMPLE, NO_GOAL], ids=["goal", "no-goal"])
@pytest.mark.parametrize("lang", LANGS)
def test_no_page_shows_commands_file_names_or_check_ids(
    world: World, lang: str, example: Path
) -> None:
    load_example(world.case, example)
    found = []
    for persona in PAGES:
        for url in urls(world, persona):
            response = get_as(world, persona, lang, url)
            assert response.status_code == 200, (persona, url, response.status_code)
            text = page_text(response.content.decode())
            for match in FORBIDDEN.finditer(text):
                snippet = text[max(0, match.start() - 60) : match.end() + 30]
                found.append(f"{persona} {url}: …{snippet}…")
    assert found == [], "\n".join(found[:20])


@pytest.mark.parametrize("lang", LANGS)
def test_step3_shows_the_goal_row_text_as_the_report_does(world: World, lang: str) -> None:
    load_example(world.case, EXAMPLE)
    step = page_text(
        get_as(
            world, "patient", lang, reverse("cases:step", args=[world.case.pk, 3])
        ).content.decode()
    )
    report = page_text(
        get_as(
            world, "patient", lang, reverse("cases:report", args=[world.case.pk])
        ).content.decode()
    )
    from cases.steps import option_grid

    grid = option_grid(world.case, "zh-Hans" if lang == "zh-hans" else "en")
    assert grid is not None
    cells = [c for s in grid["settings"] if s["goal_row"] for c in s["goal_row"]["cells"]]
    assert cells, "the example states a main goal, so each setting has a goal row"
    for cell in cells:
        assert cell["basis"]["text"] in step
        assert cell["reason"] in step
        assert cell["reason"] in report  # the same words as the report
    body = get_as(
        world, "patient", lang, reverse("cases:step", args=[world.case.pk, 3])
    ).content.decode()
    assert 'class="grid-scroll"' in body and 'class="grid-cards"' in body
    assert 'class="icon-array"' in body and 'role="img"' in body  # the shared figures as pictures
    if lang == "zh-hans":
        start = body.index('<section class="option-grid"')
        step = page_text(body[start : body.rindex("</section>")])
        assert re.search(r"[\u4e00-\u9fff）] ?: ", step) is None  # full-width colons after Chinese
        assert not re.search(r"\b(?:US|EU|CN):", step)


def _item(world: World, ident: str) -> dict[str, Any]:
    from cases.views import checklist_items

    world.case.refresh_from_db()
    return next(i for i in checklist_items(world.case, "en") if i["id"] == ident)


def _task(world: World, ident: str) -> dict[str, Any] | None:
    from cases.views import task_list

    world.case.refresh_from_db()
    return next((t for t in task_list(world.case, "en") if t["id"] == ident), None)


def test_ticking_an_item_ticks_its_task_and_keeps_it_listed(world: World) -> None:
    client = world.client("patient")
    pk = world.case.pk
    task = _task(world, "gather_pathology")
    assert task is not None and task["done"] is False
    client.post(reverse("cases:checklist", args=[pk]), {"done": ["records.pathology"]})
    assert _item(world, "pathology")["checked"] is True
    task = _task(world, "gather_pathology")
    assert task is not None and task["done"] is True  # ticked, not vanished
    body = client.get(reverse("cases:tasks", args=[pk])).content.decode()
    assert "Mark as not done" in body
    checklist = page_text(client.get(reverse("cases:checklist", args=[pk])).content.decode())
    assert "Pathology report (done)" in checklist


def test_a_task_marked_done_ticks_its_checklist_item_and_back(world: World) -> None:
    client = world.client("caregiver")
    pk = world.case.pk
    toggle = reverse("cases:task_toggle", args=[pk, "gather_imaging"])
    assert client.post(toggle).status_code == 302
    assert _item(world, "imaging")["checked"] is True
    task = _task(world, "gather_imaging")
    assert task is not None and task["done"] is True
    client.post(toggle)
    assert _item(world, "imaging")["checked"] is False
    task = _task(world, "gather_imaging")
    assert task is not None and task["done"] is False


def test_transplant_records_only_when_a_transplant_is_recorded_or_unknown(world: World) -> None:
    client = world.client("patient")
    pk = world.case.pk
    url = reverse("cases:checklist", args=[pk])
    assert "Stem-cell transplant records" in page_text(client.get(url).content.decode())  # unknown
    world.case.data = {**world.case.data, "transplants": []}  # known: never transplanted
    world.case.save()
    text = page_text(client.get(url).content.decode())
    assert "Stem-cell transplant records" not in text
    assert "Hidden because they do not apply to this case: 1." in text
    assert _task(world, "gather_transplant_history") is None
    assert "Stem-cell transplant records" in page_text(client.get(url + "?all=1").content.decode())
    tasks_all = client.get(reverse("cases:tasks", args=[pk]) + "?all=1").content.decode()
    assert "transplant records" in tasks_all.lower()
    world.case.data = {
        **world.case.data,
        "transplants": [{"kind": "autologous", "date": "2024-10"}],
    }
    world.case.save()
    assert "Stem-cell transplant records" in page_text(client.get(url).content.decode())


def test_a_ticked_item_that_cannot_apply_stays_shown(world: World) -> None:
    """Nothing answered is hidden: an item ticked under "show all" stays on the short list."""
    world.case.data = {**world.case.data, "transplants": []}
    world.case.save()
    client = world.client("patient")
    url = reverse("cases:checklist", args=[world.case.pk])
    client.post(url + "?all=1", {"all": "1", "done": ["records.transplant_history"]})
    assert _item(world, "transplant_history")["checked"] is True
    assert "Stem-cell transplant records (done)" in page_text(client.get(url).content.decode())
