"""The new patient's shortest journey (scripts/bench_journey.py): inputs, page loads, step 6.

The counts are pinned exactly, so a new required field or an extra page shows up here first; the
goal from issue 13 is at most 25 required inputs from sign-up to the four sentences of step 6.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest
from django.test import Client

from tests.web.conftest import ROOT


def _load() -> ModuleType:
    path = ROOT / "scripts" / "bench_journey.py"
    spec = importlib.util.spec_from_file_location("bench_journey", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_journey"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load()

STAGES = [
    # (name, page loads, inputs the person fills, required inputs the page fills already)
    ("arrive at the home page", 1, [], []),
    ("sign up", 3, ["username", "password1", "password2"], ["language"]),
    ("make the case", 2, [], ["title"]),
    ("step 1", 2, [], []),
    ("step 2", 2, [], []),
    ("step 3", 2, [], []),
    ("step 4", 2, [], []),
    ("step 5", 2, [], []),
    ("step 6: the four sentences", 2, [], []),
    ("step 6: note the decision", 3, ["choice"], []),
]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_shortest_journey_reaches_step_6_within_25_inputs(db: None, lang: str) -> None:
    journey = bench.walk(Client, "new.patient", lang, verify=True)
    assert [(s.name, s.loads, s.inputs, s.prefilled) for s in journey.stages] == STAGES
    assert journey.inputs == 4
    assert journey.inputs <= bench.GOAL == 25
    assert journey.loads == 21
    assert journey.reached_step6
    assert set(journey.sentences) == {"status", "options", "car_t", "next_step"}
    assert all(journey.sentences.values())  # Crossroads' drafts, for the person to edit
    assert journey.decision_noted


def test_the_journey_without_checks_counts_the_same(db: None) -> None:
    checked = bench.walk(Client, "checked", "en", verify=True)
    plain = bench.walk(Client, "plain", "en", verify=False)
    assert (plain.inputs, plain.loads) == (checked.inputs, checked.loads) == (4, 21)
    assert all(s.prefilled == [] for s in plain.stages)  # only the checks find pre-filled ones


def test_the_check_refuses_an_input_the_server_does_not_need(db: None) -> None:
    """Typing the optional display name is caught: the count must hold only needed inputs."""
    person = bench.Person(Client(), verify=True)
    person.stage = bench.Stage("sign up")
    page = person.get("/accounts/register/")
    typed = {
        "username": "keen",
        "password1": bench.PASSWORD,
        "password2": bench.PASSWORD,
        "display_name": "Li Wei",
    }
    with pytest.raises(bench.JourneyError, match="sign up: display_name is filled but is not"):
        person.submit(page, "/accounts/register/", typed, bench._at("/cases/new/"))


def test_a_refused_form_breaks_the_journey(db: None) -> None:
    person = bench.Person(Client(), verify=False)
    person.stage = bench.Stage("sign up")
    page = person.get("/accounts/register/")
    with pytest.raises(bench.JourneyError, match=r"sign up: POST /accounts/register/ was refused"):
        person.submit(page, "/accounts/register/", {"username": "x"}, bench._at("/cases/new/"))


def test_forms_are_read_as_a_browser_sends_them() -> None:
    html = """
    <form action="/other/"><input name="q" value="x"></form>
    <form method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
      <input type="checkbox" name="c" value="1">
      <select name="s"><option value="">-</option><option value="z" selected>z</option></select>
      <select name="first"><option value="f">f</option><option value="g">g</option></select>
      <textarea name="t">
drafted</textarea>
      <input name="need" required>
      <button type="submit" name="next" value="continue">Go</button>
    </form>"""
    form = bench.page_form(html, "/here/", "/here/")
    assert form.defaults() == {
        "csrfmiddlewaretoken": ["t"],
        "r": ["b"],
        "s": ["z"],
        "first": ["f"],
        "t": ["drafted"],
        "need": [""],
    }
    assert form.inputs() == ["r", "c", "s", "first", "t", "need"]
    assert form.choices("r") == ["a", "b"]
    assert form.buttons == [("next", "continue")]
    assert form.page_required("need") and not form.page_required("t")
    with pytest.raises(bench.JourneyError, match="no form posting to /nowhere/ on /here/"):
        bench.page_form(html, "/nowhere/", "/here/")


def test_a_field_the_page_requires_must_be_filled() -> None:
    """A browser will not send a form with an empty ``required`` field (unless novalidate)."""
    person = bench.Person(Client(), verify=False)
    person.stage = bench.Stage("decide")
    html = '<form method="post"><input type="radio" name="c" value="a" required></form>'
    page = bench.Page("/d/", 200, html)
    with pytest.raises(bench.JourneyError, match="decide: the page requires c, left empty"):
        person.submit(page, "/d/", {}, bench._at("/d/"))
