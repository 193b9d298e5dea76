"""API speed on loopback: assess requests per second at 20 concurrent clients, next to the floor.

Run with ``.venv/bin/python scripts/bench_api.py`` (the lead wires it into ``make bench``). It
starts the app the way ``make run`` does (gunicorn with its default processes and threads, SQLite
in WAL mode with durable commits) on a free loopback port with a throw-away database, makes a
patient with an API token and one stored case, then lets 20 clients send requests back to back
(no pauses: each sends its next request as soon as the last one is answered), phase by phase:

- floor: ``GET /floor/``, a fixed string with no database work, the same clients and server;
- API assess: ``POST /api/v1/assess`` with an example case record, classified afresh each time;
- API assessment of a stored case: ``GET /api/v1/cases/<id>/assessment`` (token look-up,
  permission check, an audit event written per read, result from the per-process cache).

Figures: requests, errors, requests per second, latency percentiles. The whole run takes about
20 seconds (``--seconds`` changes each API phase's length, ``--floor-seconds`` the floor's).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
sys.path.insert(0, str(ROOT / "src"))

from crossroads.load import load_case  # noqa: E402

PYTHON = Path(sys.executable)
GUNICORN = PYTHON.with_name("gunicorn")
EXAMPLE = ROOT / "examples" / "us_axi_cel_second_line_early_relapse.yaml"
CLIENTS = 20

Request = tuple[str, str, bytes | None]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.errors += not ok


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
        "CROSSROADS_RATE_API": "off",  # the bench measures speed, not the rate limit
        "CROSSROADS_RATE_API_IP": "off",
    }
    manage = [str(PYTHON), "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=WEB, env=env, check=True)
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from accounts.models import User; "
            "User.objects.create(username='bench', role='patient')",
        ],
        cwd=WEB,
        env=env,
        check=True,
        capture_output=True,
    )
    with (state / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py"], cwd=WEB, env=env, stdout=log, stderr=log
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/floor/")
            if conn.getresponse().status == 200:
                return server, env
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    server.terminate()
    raise SystemExit("the server did not start; see its log in " + str(state))


def run_phase(port: int, token: str, make: Callable[[], Request], ok: int, seconds: float) -> Tally:
    """CLIENTS clients, each on its own kept-alive connection, back to back for ``seconds``."""
    tally = Tally()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < stop:
                method, path, body = make()
                headers = {"Authorization": f"Bearer {token}"}
                if body is not None:
                    headers["Content-Type"] = "application/json"
                start = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    good = response.status == ok
                except (http.client.HTTPException, OSError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    good = False
                tally.add(time.perf_counter() - start, good)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, tally: Tally, seconds: float) -> str:
    if not tally.latencies:
        return f"{name:<34} no requests"
    ms = [v * 1000 for v in tally.latencies]
    return (
        f"{name:<34} {len(ms):>8} {tally.errors:>6} {len(ms) / seconds:>7.1f} "
        f"{statistics.median(ms):>7.1f} {percentile(ms, 0.95):>7.1f} {percentile(ms, 0.99):>7.1f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=7.0)
    parser.add_argument("--floor-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)

    record = load_case(EXAMPLE).to_data()
    assess_body = json.dumps({"record": record}).encode("utf-8")
    state = Path(tempfile.mkdtemp(prefix="crossroads-bench-api-"))
    port = free_port()
    server, env = start_server(state, port)
    try:
        token = subprocess.run(
            [str(PYTHON), "manage.py", "api_token", "create", "bench"],
            cwd=WEB,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            "/api/v1/cases",
            body=json.dumps({"title": "bench", "record": record}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        case_id = json.loads(conn.getresponse().read())["id"]
        conn.close()
        # Warm every worker (knowledge base, result cache) the way first visitors would.
        stored_path = f"/api/v1/cases/{case_id}/assessment"
        run_phase(port, token, lambda: ("GET", stored_path, None), 200, 1.0)
        run_phase(port, token, lambda: ("POST", "/api/v1/assess", assess_body), 200, 1.0)

        floor = run_phase(port, token, lambda: ("GET", "/floor/", None), 200, args.floor_seconds)
        assess = run_phase(
            port, token, lambda: ("POST", "/api/v1/assess", assess_body), 200, args.seconds
        )
        stored = run_phase(port, token, lambda: ("GET", stored_path, None), 200, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(state, ignore_errors=True)

    print(
        f"API load run on loopback: {CLIENTS} concurrent clients, back to back; gunicorn as in "
        "`make run`; SQLite WAL, synchronous=FULL."
    )
    print(
        f"{'':<34} {'requests':>8} {'errors':>6} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    print(report("floor (GET /floor/)", floor, args.floor_seconds))
    print(report("API assess (POST /api/v1/assess)", assess, args.seconds))
    print(report("API stored-case assessment (GET)", stored, args.seconds))
    if floor.latencies and assess.latencies:
        ratio = (len(floor.latencies) / args.floor_seconds) / (len(assess.latencies) / args.seconds)
        print(f"Floor / API assess throughput: {ratio:.1f}x")


if __name__ == "__main__":
    main()
