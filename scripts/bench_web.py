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
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.with_name("gunicorn")
PAGES = ["", *(f"step/{n}/" for n in range(1, 7)), "checklist/", "tasks/"]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if not ok:
                self.errors += 1


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(state: Path, port: int) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}},
        "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.base",
        "DATABASE_URL": f"sqlite:///{state / 'db.sqlite3'}",
        "CROSSROADS_VAR_DIR": str(state / "var"),
        "CROSSROADS_BIND": f"127.0.0.1:{port}",
    }
    manage = [str(PYTHON), "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=WEB, env=env, check=True)
    out = subprocess.run(
        [*manage, "load_demo"], cwd=WEB, env=env, check=True, capture_output=True, text=True
    ).stdout
    passwords = dict(re.findall(r"^\s+\w+\s+(demo-\w+)\s+(\S+)$", out, re.MULTILINE))
    log = (state / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py"], cwd=WEB, env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/floor/")
            if conn.getresponse().status == 200:
                return server, passwords
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start; see its log in " + str(state))


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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, tally: Tally, seconds: float) -> str:
    lat = tally.latencies
    if not lat:
        return f"{name:<22} no requests"
    ms = [v * 1000 for v in lat]
    return (
        f"{name:<22} {len(lat):>7} {tally.errors:>6} {len(lat) / seconds:>7.1f} "
        f"{statistics.median(ms):>7.1f} {percentile(ms, 0.95):>7.1f} "
        f"{percentile(ms, 0.99):>7.1f} {max(ms):>7.1f}"
    )


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

    state = Path(tempfile.mkdtemp(prefix="crossroads-bench-"))
    port = free_port()
    server, passwords = start_server(state, port)
    try:
        browsers = [Browser(port) for _ in range(args.users)]
        for browser in browsers:
            browser.sign_in("demo-coordinator", passwords["demo-coordinator"])
        cases = [1, 2, 3, 4]  # the demo cases, all assigned to the demo coordinator
        for browser in browsers[:1]:  # warm each worker's caches the way a first visitor does
            for case in cases:
                for page in PAGES:
                    browser.request("GET", f"/cases/{case}/{page}")

        def case_page(rng: random.Random) -> str:
            return f"/cases/{rng.choice(cases)}/{rng.choice(PAGES)}"

        floor = run_phase(browsers, lambda rng: "/floor/", args.floor_seconds, think)
        pages = run_phase(browsers, case_page, args.seconds, think)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(state, ignore_errors=True)

    print(
        f"Web load run on loopback: {args.users} users, pause {think[0]}-{think[1]} s "
        f"between pages; gunicorn as in `make run`; SQLite WAL, synchronous=FULL."
    )
    print(
        f"{'':<22} {'requests':>7} {'errors':>6} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    print(report("floor (fixed string)", floor, args.floor_seconds))
    print(report(f"case pages ({args.seconds:.0f} s)", pages, args.seconds))
    p95 = percentile([v * 1000 for v in pages.latencies], 0.95) if pages.latencies else float("inf")
    verdict = "met" if p95 < 150 and pages.errors == 0 else "NOT met"
    print(f"Goal (case pages p95 < 150 ms, no errors): {verdict}")


if __name__ == "__main__":
    main()
