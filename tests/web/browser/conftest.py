"""Browser tests: the app served by gunicorn on loopback, driven by Debian's Chromium.

The server runs in its own process with its own SQLite file, exactly as ``make run`` serves it,
so the browser sees real sessions, real static files and the real security headers. Screenshots
of every step go to ``test-artifacts/browser/<language>/``. On CI (``CI=true``) a missing
Chromium is a failure, never a skip.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.web.conftest import ROOT, WEB

T = TypeVar("T")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"


def screenshot_and_axe(page: Any, axe: Any, path: Path, name: str) -> None:
    """Keep a full-page screenshot at ``path`` and fail on any serious or critical axe finding.

    Every browser test checks each page it visits this way (WCAG through axe-core).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in axe.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the test server did not answer at {url}")


def need_chromium() -> None:
    """Skip without Debian's Chromium, except on CI, where its absence is a failure."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: browser tests must run on CI")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium)")


@contextmanager
def web_server(
    state: Path, workers: int, prepare: Callable[[list[str], dict[str, str]], T] | None = None
) -> Iterator[tuple[str, T | None]]:
    """gunicorn as ``make run`` serves the app, with a fresh SQLite file in ``state``.

    ``prepare(manage, env)`` runs after the migration and before the server starts (to load
    data); the address and what it returned are yielded. The server is stopped after.
    """
    need_chromium()
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}},
        "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.base",
        "DATABASE_URL": f"sqlite:///{state / 'db.sqlite3'}",
        "CROSSROADS_VAR_DIR": str(state / "var"),
        "CROSSROADS_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=WEB, env=env, check=True)
    prepared = prepare(manage, env) if prepare is not None else None
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    with (state / "gunicorn.log").open("w") as log:
        process = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py"], cwd=WEB, env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/floor/")
        yield base, prepared
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def load_demo(manage: list[str], env: dict[str, str]) -> str:
    """``manage.py load_demo`` for :func:`web_server`'s ``prepare``: what it printed (the demo
    accounts with their passwords, and the staff's authenticator keys)."""
    done = subprocess.run(
        [*manage, "load_demo"], cwd=WEB, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def demo_passwords(printed: str | None) -> dict[str, str]:
    """Each demo account's password, from what ``load_demo`` printed."""
    assert printed is not None
    return dict(re.findall(r"^\s+\w+\s+(demo-\w+)\s+(\S+)$", printed, re.MULTILINE))


def sign_in(
    browser: Any,
    base: str,
    username: str,
    password: str,
    lang: str,
    viewport: dict[str, int],
    blocked: tuple[str, ...] = (),
) -> Any:
    """A new browser context signed in as ``username`` (no second step: patients and
    caregivers), with the interface switched to ``lang``; ``blocked`` routes are refused (to
    see a page as served without one of its scripts)."""
    context = browser.new_context(viewport=viewport)
    for route in blocked:
        context.route(route, lambda r: r.abort())
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.click(f"button[name=language][value={lang}]")
    return page


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A gunicorn server with a fresh database, on a free loopback port."""
    with web_server(tmp_path_factory.mktemp("browser-server"), workers=2) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    """Chromium for one test module. Closed after it, because Playwright's sync API keeps an
    event loop running, which Django's database code refuses to run under."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
