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
import sys
import threading
import time
from collections.abc import Callable

from loadrun import ROOT, Table, Tally, manage, running_server

sys.path.insert(0, str(ROOT / "src"))

from crossroads.record.load import load_case

EXAMPLE = ROOT / "examples" / "us_axi_cel_second_line_early_relapse.yaml"
CLIENTS = 20
TABLE = Table(name_width=34, count_width=8, show_max=False)
# The bench measures speed, not the rate limit.
NO_RATE_LIMIT = {"CROSSROADS_RATE_API": "off", "CROSSROADS_RATE_API_IP": "off"}

Request = tuple[str, str, bytes | None]


def create_bench_user(env: dict[str, str]) -> None:
    """The patient the API token is made for (``api_token create bench``)."""
    manage(
        env,
        "shell",
        "-c",
        "from accounts.models import User; User.objects.create(username='bench', role='patient')",
    )


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=7.0)
    parser.add_argument("--floor-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)

    record = load_case(EXAMPLE).to_data()
    assess_body = json.dumps({"record": record}).encode("utf-8")
    server = running_server("crossroads-bench-api-", create_bench_user, NO_RATE_LIMIT)
    with server as (port, env, _made):
        token = manage(env, "api_token", "create", "bench").strip()
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

    print(
        f"API load run on loopback: {CLIENTS} concurrent clients, back to back; gunicorn as in "
        "`make run`; SQLite WAL, synchronous=FULL."
    )
    print(TABLE.header())
    print(TABLE.row("floor (GET /floor/)", floor, args.floor_seconds))
    print(TABLE.row("API assess (POST /api/v1/assess)", assess, args.seconds))
    print(TABLE.row("API stored-case assessment (GET)", stored, args.seconds))
    if floor.latencies and assess.latencies:
        ratio = (len(floor.latencies) / args.floor_seconds) / (len(assess.latencies) / args.seconds)
        print(f"Floor / API assess throughput: {ratio:.1f}x")


if __name__ == "__main__":
    main()
