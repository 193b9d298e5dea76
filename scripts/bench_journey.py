"""A new patient's shortest way from sign-up to the four sentences: inputs and page loads.

Run with ``.venv/bin/python scripts/bench_journey.py`` (part of ``make bench``). It drives the web
app with Django's test client on an SQLite database in a throw-away folder (migrated first),
the way a browser would: every page is read as served, every form is sent with what the page
already holds (hidden fields, pre-selected choices, pre-filled text) plus only what the person
must type. The path: the home page, sign up alone, make the case, steps 1 to 5 saved with only
the inputs the server insists on, step 6 with Crossroads' drafts of the four sentences, those
sentences saved, and the decision noted (through the pause page, since nothing is known yet).

What is counted:

- a required input: a field the person must fill because the server refuses to go on without
  it (or the page itself marks it required). Each field counts once; a choice (a radio group,
  a select) counts as one input. Every input the journey fills is checked: the same form is sent
  once without it, in a transaction that is rolled back, and the server must refuse it. A field
  the page fills in already (the language, the case's name) is listed apart, as pre-filled.
- a page load: every request, GET or POST, and every redirect followed.

Goal: at most 25 required inputs. The wall time of one journey is printed next to a floor (one
GET of the sign-in page) as a ratio. Exits non-zero if the journey breaks anywhere.
``tests/web/test_journey_count.py`` runs the same :func:`walk` and pins its counts.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOAL = 25
PASSWORD = "tall ships sail 42"
LANGS = ("en", "zh-hans")
SENTENCES = ("status", "options", "car_t", "next_step")


class JourneyError(RuntimeError):
    """The journey broke: a page did not load, a form was refused, or a count is not honest."""


# -- reading forms as a browser does -----------------------------------------------------------
@dataclass
class Control:
    name: str
    kind: str  # text, password, hidden, radio, checkbox, select, textarea, ...
    value: str = ""
    checked: bool = False
    required: bool = False


@dataclass
class Form:
    action: str
    novalidate: bool
    classes: str
    controls: list[Control] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of submits

    def defaults(self) -> dict[str, list[str]]:
        """What the browser sends when nothing is touched."""
        out: dict[str, list[str]] = {}
        for c in self.controls:
            if c.kind in {"radio", "checkbox"} and not c.checked:
                continue
            out.setdefault(c.name, []).append(c.value)
        return out

    def inputs(self) -> list[str]:
        """Names of the fields a person sees and may fill (each radio group once)."""
        return list(dict.fromkeys(c.name for c in self.controls if c.kind != "hidden"))

    def choices(self, name: str) -> list[str]:
        return [c.value for c in self.controls if c.name == name and c.kind == "radio"]

    def page_required(self, name: str) -> bool:
        return not self.novalidate and any(c.required for c in self.controls if c.name == name)


class _Forms(HTMLParser):
    """Every form on a page with its controls, the way a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._first_option: str | None = None
        self._textarea: Control | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), "novalidate" in a, a.get("class", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name, required = a.get("name", ""), "required" in a
        if tag == "button" and a.get("type", "submit") == "submit":
            form.buttons.append((name, a.get("value", "")))
        elif tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "submit":
                form.buttons.append((name, a.get("value", "")))
            elif kind != "button":
                checked = "checked" in a
                value = a.get("value", "on" if kind in {"radio", "checkbox"} else "")
                form.controls.append(Control(name, kind, value, checked, required))
        elif tag == "select" and name:
            self._select = Control(name, "select", required=required)
            self._first_option = None
            form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                self._select.value = value
            if "selected" in a:
                self._select.value = value
        elif tag == "textarea" and name:
            self._textarea = Control(name, "textarea", required=required)
            self._text = []
            form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._textarea.value = text[1:] if text.startswith("\n") else text
            self._textarea = None


def page_form(html: str, action: str, path: str) -> Form:
    """The form of ``html`` that posts to ``action`` (a form without action posts to ``path``)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if (form.action or path) == action:
            return form
    raise JourneyError(f"no form posting to {action} on {path}")


# -- one person with a browser ------------------------------------------------------------------
@dataclass
class Page:
    path: str
    status: int
    html: str


@dataclass
class Stage:
    """One row of the table: what the person does on one page, and what it cost them."""

    name: str
    loads: int = 0
    inputs: list[str] = field(default_factory=list)  # filled by the person, checked required
    prefilled: list[str] = field(default_factory=list)  # required, but the page fills them
    shown: int = 0  # fields on the page the person may fill (required or not)


@dataclass
class Journey:
    lang: str
    stages: list[Stage]
    sentences: dict[str, str]  # the four sentences as step 6 shows them
    decision_noted: bool

    @property
    def inputs(self) -> int:
        return sum(len(s.inputs) for s in self.stages)

    @property
    def loads(self) -> int:
        return sum(s.loads for s in self.stages)

    @property
    def reached_step6(self) -> bool:
        return len(self.sentences) == 4 and all(self.sentences.values())


Check = Callable[[Page], bool]


class Person:
    """The test client, counting page loads and checking which inputs the server needs."""

    def __init__(self, client: Any, verify: bool) -> None:
        self.client = client
        self.verify = verify
        self.stage = Stage("")

    def _page(self, response: Any) -> Page:
        self.stage.loads += 1 + len(response.redirect_chain)
        return self._as_page(response)

    def get(self, path: str) -> Page:
        page = self._page(self.client.get(path, follow=True))
        if page.status != 200:
            raise JourneyError(f"{self.stage.name}: GET {path} answered {page.status}")
        return page

    def submit(
        self,
        page: Page,
        action: str,
        answers: dict[str, str],
        ok: Check,
        button: tuple[str, str] | None = None,
    ) -> Page:
        """Send the form posting to ``action`` with ``answers`` typed in; it must pass ``ok``."""
        form = page_form(page.html, action, page.path)
        self.stage.shown += len([n for n in form.inputs() if n not in answers]) + len(answers)
        base = form.defaults()
        if button is None and form.buttons and form.buttons[0][0]:
            button = form.buttons[0]
        if button is not None and button[0]:
            base[button[0]] = [button[1]]
        for name in form.inputs():
            if name not in answers and not base.get(name, [""])[0] and form.page_required(name):
                raise JourneyError(f"{self.stage.name}: the page requires {name}, left empty")
        data = {**base, **{name: [value] for name, value in answers.items()}}
        if self.verify:
            self._check_required(form, action, base, data, answers, ok)
        result = self._page(self.client.post(action, data, follow=True))
        if not ok(result):
            raise JourneyError(f"{self.stage.name}: POST {action} was refused ({result.status})")
        self.stage.inputs += list(answers)
        return result

    def _check_required(
        self,
        form: Form,
        action: str,
        base: dict[str, list[str]],
        data: dict[str, list[str]],
        answers: dict[str, str],
        ok: Check,
    ) -> None:
        """Each typed input must be needed; each pre-filled one is listed if it is needed."""
        for name in answers:
            without = {k: v for k, v in data.items() if k != name}
            if name in base:
                without[name] = base[name]
            if self._accepted(action, without, ok) and not form.page_required(name):
                raise JourneyError(f"{self.stage.name}: {name} is filled but is not needed")
        shown = [c for c in form.controls if c.kind not in {"hidden", "radio", "checkbox"}]
        for control in shown:
            if control.name in answers or not control.value:
                continue
            if not self._accepted(action, {**data, control.name: [""]}, ok):
                self.stage.prefilled.append(control.name)

    def _accepted(self, action: str, data: dict[str, list[str]], ok: Check) -> bool:
        """Would the server take this? Asked in a transaction that is rolled back, from a copy
        of the browser (its cookies), so the journey itself does not move."""
        from django.db import transaction
        from django.test import Client

        probe = Client(**self.client.defaults)
        probe.cookies = deepcopy(self.client.cookies)
        quiet = logging.getLogger("django.request")  # a refusal is expected here, not news
        with transaction.atomic(), _silenced(quiet):
            response = probe.post(action, data, follow=True)
            accepted = ok(self._as_page(response))
            transaction.set_rollback(True)
        return accepted

    @staticmethod
    def _as_page(response: Any) -> Page:
        html = response.content.decode("utf-8", "replace")
        return Page(response.request["PATH_INFO"], response.status_code, html)

    @contextmanager
    def doing(self, name: str, stages: list[Stage]) -> Iterator[None]:
        self.stage = Stage(name)
        yield
        stages.append(self.stage)


@contextmanager
def _silenced(logger: logging.Logger) -> Iterator[None]:
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _at(pattern: str) -> Check:
    """The form went through when the browser ends on a page at this path, answered 200."""
    compiled = re.compile(pattern)
    return lambda page: page.status == 200 and bool(compiled.fullmatch(page.path))


def _sentences(html: str, path: str) -> dict[str, str]:
    form = page_form(html, path, path)
    values = {c.name: c.value.strip() for c in form.controls if c.kind == "textarea"}
    return {key: values.get(f"decision.sentences.{key}", "") for key in SENTENCES}


# -- the journey -----------------------------------------------------------------------------------
def walk(make_client: Callable[..., Any], username: str, lang: str, verify: bool = True) -> Journey:
    """A new patient's shortest path, from the home page to a noted decision, in ``lang``.

    ``make_client`` is Django's test ``Client`` (or a stand-in taking the same keyword headers).
    With ``verify`` every input the journey types is checked to be one the server needs.
    """
    client = make_client(HTTP_ACCEPT_LANGUAGE=lang)
    person = Person(client, verify)
    stages: list[Stage] = []

    with person.doing("arrive at the home page", stages):
        person.get("/")
    with person.doing("sign up", stages):
        page = person.get("/accounts/register/")
        typed = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
        page = person.submit(page, "/accounts/register/", typed, _at("/cases/new/"))
    with person.doing("make the case", stages):
        page = person.submit(page, "/cases/new/", {}, _at(r"/cases/\d+/step/1/"))
    case_path = page.path.rsplit("step/", 1)[0]
    for number in range(1, 6):
        with person.doing(f"step {number}", stages):
            path = f"{case_path}step/{number}/"
            next_page = _at(f"{case_path}step/{number + 1}/")
            page = person.submit(page, path, {}, next_page, button=("next", "continue"))
    step6 = f"{case_path}step/6/"
    with person.doing("step 6: the four sentences", stages):
        sentences = _sentences(page.html, step6)
        page = person.submit(page, step6, {}, _at(step6), button=("next", "stay"))
    with person.doing("step 6: note the decision", stages):
        decide = f"{case_path}decide/"
        form = page_form(page.html, decide, page.path)
        choices = form.choices("choice")
        if not choices:
            raise JourneyError("step 6 offers no decision to note")

        def paused(page: Page) -> bool:
            return _at(decide)(page) and 'name="confirm"' in page.html

        # "Get more information first", the last choice: nothing is known yet.
        page = person.submit(page, decide, {"choice": choices[-1]}, paused)
        if "decision-noted" not in page.html:  # the readiness check is not met: the pause page
            noted = _at(step6)
            page = person.submit(page, decide, {}, lambda p: noted(p) and _noted(p))
    return Journey(lang, stages, sentences, _noted(page))


def _noted(page: Page) -> bool:
    return 'id="decision-noted"' in page.html


# -- the command ---------------------------------------------------------------------------------
def configure(state: Path) -> None:
    """Django on a fresh SQLite database in ``state``, migrated, ready for the test client."""
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "web")]
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.base",
            "DATABASE_URL": f"sqlite:///{state / 'db.sqlite3'}",
            "CROSSROADS_VAR_DIR": str(state / "var"),
            "CROSSROADS_RATE_SIGNUP": "off",  # the checks send the sign-up form more than once
        }
    )
    os.environ.pop("SECRET_KEY", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    call_command("migrate", interactive=False, verbosity=0)
    setup_test_environment()  # lets the test client's host in, as under the test runner


def table(journey: Journey) -> str:
    rows = [f"  {'step':<30}{'loads':>6}{'inputs':>8}{'shown':>7}  required inputs (pre-filled)"]
    for s in journey.stages:
        names = ", ".join(s.inputs) or "-"
        if s.prefilled:
            names += f" ({', '.join(s.prefilled)})"
        rows.append(f"  {s.name:<30}{s.loads:>6}{len(s.inputs):>8}{s.shown:>7}  {names}")
    shown = sum(s.shown for s in journey.stages)
    rows.append(f"  {'total':<30}{journey.loads:>6}{journey.inputs:>8}{shown:>7}")
    return "\n".join(rows)


def median_seconds(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed journeys (median)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crossroads-journey-") as folder:
        configure(Path(folder))
        from django.test import Client

        print(
            "New-patient journey, shortest path (Django test client, SQLite, migrated afresh): "
            "sign up, make the case, steps 1-5 with only what the server needs, step 6."
        )
        print(
            "inputs = fields the person must fill (each checked: the server refuses the page "
            "without it); shown = fields on the pages; loads = requests incl. redirects."
        )
        journeys = []
        try:
            for lang in LANGS:
                journey = walk(Client, f"new.patient.{lang}", lang, verify=True)
                journeys.append(journey)
                print(f"\n[{lang}]")
                print(table(journey))
                words = "reached" if journey.reached_step6 else "NOT reached"
                noted = "noted" if journey.decision_noted else "NOT noted"
                print(f"  four sentences of step 6: {words}; decision {noted}")
            counter = iter(range(10_000))
            floor = median_seconds(lambda: Client().get("/accounts/login/"), 21)
            wall = median_seconds(
                lambda: walk(Client, f"timed.{next(counter)}", "en", verify=False), args.rounds
            )
            from django.contrib.auth.hashers import make_password

            hashing = median_seconds(lambda: make_password(PASSWORD), args.rounds)
        except JourneyError as exc:
            print(f"\nThe journey broke: {exc}")
            return 1
    print(f"\n  floor: one GET of the sign-in page     {floor * 1000:8.1f} ms")
    print(
        f"  journey (en, without the checks)     {wall * 1000:8.1f} ms  "
        f"({wall / floor:.0f} x floor; median of {args.rounds})"
    )
    print(f"  of which the password hash at sign-up {hashing * 1000:8.1f} ms  (deliberately slow)")
    worst = max(j.inputs for j in journeys)
    broke = any(not (j.reached_step6 and j.decision_noted) for j in journeys)
    verdict = "met" if worst <= GOAL else "NOT met"
    print(f"Goal (<= {GOAL} required inputs from sign-up to step 6): {verdict} ({worst} inputs)")
    if len({(j.inputs, j.loads) for j in journeys}) > 1:
        print("The languages differ in inputs or page loads.")
        return 1
    return 1 if broke or worst > GOAL else 0


if __name__ == "__main__":
    sys.exit(main())
