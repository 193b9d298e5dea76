"""Load run of the web app on loopback: 50 people browsing case pages, next to a floor.

Run with ``.venv/bin/python scripts/bench_web.py`` (the lead wires it into ``make bench``). It
starts the app the way ``make run`` does (gunicorn, SQLite in WAL mode with durable commits, the
demo data) on a free loopback port with a throw-away database, signs in 50 virtual users, and lets
each one open case pages (overview, the six steps, checklist, tasks) for 60 seconds, pausing
between pages like a person reading them. Every page view writes its audit event, as in real use.

The floor is a view that returns a fixed string, measured with the same users and pauses in the
same run; the gap between the two is the cost of the case pages themselves. Figures: requests,
errors, requests per second, and latency percentiles. Goal: p95 under 150 ms, no errors.
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from loadrun import Table, Tally, manage, percentile, running_server

PAGES = ["", *(f"step/{n}/" for n in range(1, 7)), "checklist/", "tasks/"]
TABLE = Table(name_width=22, count_width=7, show_max=True)


class Browser:
    """One virtual person: a kept-alive connection and a session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed a kept-alive connection that sat idle: open a new one, once.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, username: str, password: str) -> None:
        _status, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        )
        status, _ = self.request("POST", "/accounts/login/", body)
        assert status == 302, f"sign-in failed with {status}"


# The demo coordinator also passes the two-step sign-in. One authenticator cannot give every
# virtual person a code of their own within seconds (each code works once), so after the
# password step the run marks each session as past the code step, as a right code does
# (django-otp keeps the authenticator's id in the session).
PASS_CODE_STEP = """
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django_otp import DEVICE_ID_SESSION_KEY
from accounts.models import User
from accounts.twofactor import authenticator
device = authenticator(User.objects.get(username="demo-coordinator"))
for row in Session.objects.all():
    store = SessionStore(session_key=row.session_key)
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
"""


def load_demo(env: dict[str, str]) -> dict[str, str]:
    """Load the demo data; its output lists the demo accounts' passwords, which we sign in with."""
    out = manage(env, "load_demo")
    return dict(re.findall(r"^\s+\w+\s+(demo-\w+)\s+(\S+)$", out, re.MULTILINE))


def run_phase(
    browsers: list[Browser],
    paths: Callable[[random.Random], str],
    seconds: float,
    think: tuple[float, float],
) -> Tally:
    tally = Tally()
    stop = time.monotonic() + seconds

    def person(index: int) -> None:
        rng = random.Random(index)
        browser = browsers[index]
        time.sleep(rng.uniform(0, think[1]))  # people do not all arrive in the same instant
        while time.monotonic() < stop:
            path = paths(rng)
            start = time.perf_counter()
            try:
                status, _body = browser.request("GET", path)
                ok = status == 200
            except (http.client.HTTPException, OSError):
                ok = False
            tally.add(time.perf_counter() - start, ok)
            time.sleep(rng.uniform(*think))

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        list(pool.map(person, range(len(browsers))))
    return tally


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--floor-seconds", type=float, default=20.0)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.5, 1.5),
        metavar=("MIN", "MAX"),
        help="pause between pages, in seconds (default 0.5 to 1.5)",
    )
    args = parser.parse_args(argv)
    think = (float(args.think[0]), float(args.think[1]))

    # 50 people sign in from one address within seconds; the bench measures page speed, not the
    # sign-in limit (tests/web/test_hardening.py covers that), so the limit is off here.
    no_login_limit = {"CROSSROADS_RATE_LOGIN": "off"}
    with running_server("crossroads-bench-", load_demo, no_login_limit) as (port, env, passwords):
        browsers = [Browser(port) for _ in range(args.users)]
        for browser in browsers:
            browser.sign_in("demo-coordinator", passwords["demo-coordinator"])
        manage(env, "shell", "-c", PASS_CODE_STEP)
        cases = [1, 2, 3, 4]  # the demo cases, all assigned to the demo coordinator
        for browser in browsers[:1]:  # warm each worker's caches the way a first visitor does
            for case in cases:
                for page in PAGES:
                    browser.request("GET", f"/cases/{case}/{page}")

        def case_page(rng: random.Random) -> str:
            return f"/cases/{rng.choice(cases)}/{rng.choice(PAGES)}"

        floor = run_phase(browsers, lambda rng: "/floor/", args.floor_seconds, think)
        pages = run_phase(browsers, case_page, args.seconds, think)

    print(
        f"Web load run on loopback: {args.users} users, pause {think[0]}-{think[1]} s "
        f"between pages; gunicorn as in `make run`; SQLite WAL, synchronous=FULL."
    )
    print(TABLE.header())
    print(TABLE.row("floor (fixed string)", floor, args.floor_seconds))
    print(TABLE.row(f"case pages ({args.seconds:.0f} s)", pages, args.seconds))
    p95 = percentile([v * 1000 for v in pages.latencies], 0.95) if pages.latencies else float("inf")
    verdict = "met" if p95 < 150 and pages.errors == 0 else "NOT met"
    print(f"Goal (case pages p95 < 150 ms, no errors): {verdict}")


if __name__ == "__main__":
    main()
