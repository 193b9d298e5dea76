"""Can one client degrade the server? ``/floor/`` p95 at rest and during three attacks.

Issue 17, M5.

Run with ``.venv/bin/python scripts/bench_resilience.py`` (part of ``make bench``). It starts the
production configuration on loopback: nginx with deploy/nginx/crossroads.conf before gunicorn
(web/gunicorn.conf.py, production settings, SQLite, the demo data), then measures ``/floor/``
(a fixed answer, no database) from one person requesting it every 100 ms. The attackers run in a
process of their own at the lowest CPU priority, standing for clients on other machines (see
``floor_during``):

- at rest;
- slow headers: 20 sockets, each sending one header line every 5 seconds;
- CDS flood: 12 parallel unauthenticated 8 MB CDS Hooks calls, again and again;
- report flood: 12 parallel PDF reports of one case, again and again, from its patient.

It prints each phase's ``/floor/`` p95 next to the value at rest, with the ratio (goal: at most
3 times), and what the attackers got back (nginx refuses floods with 429).
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import proxyrun
from loadrun import manage, percentile

from crossroads.interop.cdshooks import SERVICE_ID

GOAL = 3.0


class Session:
    """A signed-in browser over HTTPS (the production cookies are secure-only)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | bytes | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if isinstance(body, str):
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        conn = proxyrun.https(self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, data
        finally:
            conn.close()

    def sign_in(self, username: str, password: str) -> None:
        _status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        form = {"csrfmiddlewaretoken": token.group(1).decode(), "username": username}
        status, _ = self.request(
            "POST", "/accounts/login/", urllib.parse.urlencode({**form, "password": password})
        )
        assert status == 302, f"sign-in failed with {status}"


def floor_during(
    port: int,
    seconds: float,
    attack: Callable[[threading.Event], None],
    tally: collections.Counter[int],
) -> list[float]:
    """``/floor/`` latencies (ms), one request every 100 ms, while ``attack`` runs.

    The attack runs in a process of its own at the lowest CPU priority. On this one 2-core
    machine its clients would otherwise take most of the processor themselves (encrypting
    gigabytes of 8 MB bodies, a thousand TLS handshakes): that is the cost of the attacker's
    own machines, not of the server. What is measured is how much the server's work for the
    attack slows everyone else. ``tally`` receives what the attackers got back.
    """
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    receive, send = context.Pipe(duplex=False)
    attacker = context.Process(target=_attacker, args=(attack, tally, stop, send))
    attacker.start()
    time.sleep(1.0)  # let the attack get going
    latencies = _probe(port, seconds)
    stop.set()
    tally.update(receive.recv())
    attacker.join(timeout=60)
    return latencies


def _attacker(
    attack: Callable[[threading.Event], None],
    tally: collections.Counter[int],
    stop: Any,
    send: Any,
) -> None:
    os.nice(19)
    local = threading.Event()
    thread = threading.Thread(target=attack, args=(local,), daemon=True)
    thread.start()
    stop.wait()
    local.set()
    thread.join(timeout=60)
    send.send(dict(tally))


def _probe(port: int, seconds: float) -> list[float]:
    latencies = []
    end = time.monotonic() + seconds
    conn = proxyrun.https(port, timeout=60)
    while time.monotonic() < end:
        start = time.perf_counter()
        try:
            conn.request("GET", "/floor/")
            conn.getresponse().read()
        except OSError:
            conn.close()
            conn = proxyrun.https(port, timeout=60)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
        time.sleep(0.1)
    conn.close()
    return latencies


def rest(stop: threading.Event) -> None:
    stop.wait()


def slow_headers(port: int) -> Callable[[threading.Event], None]:
    def attack(stop: threading.Event) -> None:
        socks = []
        for _ in range(20):
            raw = socket.create_connection(("127.0.0.1", port), timeout=30)
            socks.append(proxyrun.client_tls().wrap_socket(raw, server_hostname="127.0.0.1"))
        count = 0
        while not stop.wait(5.0 if count else 0):
            for index, sock in enumerate(socks):
                line = b"GET /floor/ HTTP/1.1\r\n" if count == 0 else b"X-Slow: a\r\n"
                try:
                    sock.sendall(line)
                except OSError:  # nginx dropped it (client_header_timeout): open another
                    sock.close()
                    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
                    socks[index] = proxyrun.client_tls().wrap_socket(raw, server_hostname="x")
            count += 1
        for sock in socks:
            sock.close()

    return attack


def flood(
    count: int, call: Callable[[], int], tally: collections.Counter[int]
) -> Callable[[threading.Event], None]:
    def attack(stop: threading.Event) -> None:
        def one() -> None:
            while not stop.is_set():
                try:
                    tally[call()] += 1
                except OSError:
                    tally[0] += 1

        threads = [threading.Thread(target=one, daemon=True) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    return attack


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    args = parser.parse_args(argv)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with tempfile.TemporaryDirectory(prefix="crossroads-resilience-") as folder:
        state = Path(folder)
        app_port = proxyrun.free_port()
        env = proxyrun.production_env(state, app_port)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        demo = manage(env, "load_demo")
        passwords = dict(re.findall(r"^\s+\w+\s+(demo-\w+)\s+(\S+)$", demo, re.MULTILINE))
        with (
            proxyrun.running_pools(env, gunicorn) as (pages, heavy),
            proxyrun.running_nginx(state, pages, heavy) as proxy,
        ):
            proxyrun.wait_for(proxy.port)
            patient = Session(proxy.port)
            patient.sign_in("demo-patient", passwords["demo-patient"])
            case = next(n for n in range(1, 5) if patient.request("GET", f"/cases/{n}/")[0] == 200)
            body = b'{"hook": "patient-view", "padding": "' + b"x" * 8_000_000 + b'"}'
            phases: list[tuple[str, Callable[[threading.Event], None], collections.Counter[int]]]
            cds: collections.Counter[int] = collections.Counter()
            reports: collections.Counter[int] = collections.Counter()

            def cds_call() -> int:
                conn = proxyrun.https(proxy.port, timeout=120)
                try:
                    conn.request(
                        "POST",
                        f"/cds-services/{SERVICE_ID}",
                        body=body,
                        headers={"Content-Type": "application/json"},
                    )
                    response = conn.getresponse()
                    response.read()
                    return response.status
                finally:
                    conn.close()

            phases = [
                ("at rest", rest, collections.Counter()),
                ("slow headers (20 sockets)", slow_headers(proxy.port), collections.Counter()),
                ("CDS flood (12 x 8 MB)", flood(12, cds_call, cds), cds),
                (
                    "report flood (12 PDFs)",
                    flood(
                        12, lambda: patient.request("GET", f"/cases/{case}/report.pdf")[0], reports
                    ),
                    reports,
                ),
            ]
            results = [
                (name, floor_during(proxy.port, args.seconds, attack, tally), tally)
                for name, attack, tally in phases
            ]
    base = percentile(results[0][1], 0.95)
    print(
        "Resilience on loopback: nginx (deploy/nginx/crossroads.conf) before gunicorn "
        "(production settings, SQLite); /floor/ every 100 ms during each attack."
    )
    print(f"{'':<28} {'floor n':>7} {'p50 ms':>7} {'p95 ms':>7} {'x rest':>7}  attackers got")
    worst = 0.0
    for name, latencies, tally in results:
        p95 = percentile(latencies, 0.95)
        ratio = p95 / base if base else float("inf")
        worst = max(worst, ratio)
        got = ", ".join(f"{status}: {n}" for status, n in sorted(tally.items())) or "-"
        print(
            f"{name:<28} {len(latencies):>7} {percentile(latencies, 0.5):>7.1f} "
            f"{p95:>7.1f} {ratio:>6.1f}x  {got}"
        )
    verdict = "met" if worst <= GOAL else "NOT met"
    print(f"Goal (/floor/ p95 during each attack at most {GOAL:.0f}x at rest): {verdict}")


if __name__ == "__main__":
    main()
