"""Crash test: kill the server in the middle of a burst of writes; nothing acknowledged is lost.

gunicorn serves the app on loopback with its own SQLite file (WAL, synchronous=FULL), as
``make run`` does. Eight clients create cases through the API as fast as they can, each keeping
the number of every case the server acknowledged (201). Mid-burst the whole server (master and
workers) gets SIGKILL: no clean shutdown, requests cut off half-way. After a restart every
acknowledged case must be there with its title and its audit event, SQLite's integrity check
must pass, and the audit hash chain must verify.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import WEB

pytestmark = pytest.mark.e2e
CLIENTS = 8
KILL_AFTER_ACKS = 300
RECORD = {
    "schema": "crossroads.case/v1",
    "diagnosis": {"disease": "lbcl"},
    "disease_status": {"state": "relapsed", "relapse_number": 1},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, state: Path) -> None:
        self.state = state
        self.port = _free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}},
            "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.base",
            "DATABASE_URL": f"sqlite:///{state / 'db.sqlite3'}",
            "CROSSROADS_VAR_DIR": str(state / "var"),
            "CROSSROADS_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "CROSSROADS_THREADS": "4",
            "CROSSROADS_RATE_API": "off",
            "CROSSROADS_RATE_API_IP": "off",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=WEB,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return result.stdout

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with (self.state / "gunicorn.log").open("ab") as log:
            self.process = subprocess.Popen(
                [gunicorn, "-c", "gunicorn.conf.py"],
                cwd=WEB,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: SIGKILL reaches every worker
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/floor/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
            finally:
                conn.close()
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    running.manage("migrate", "--noinput", "-v0")
    running.manage(
        "shell",
        "-c",
        "from accounts.models import User; User.objects.create(username='crash', role='patient')",
    )
    yield running
    running.stop()


def _burst(server: Server, token: str, acked: dict[int, str], stop: threading.Event) -> None:
    lock = threading.Lock()

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            send(index, conn)
        finally:
            conn.close()

    def send(index: int, conn: http.client.HTTPConnection) -> None:
        n = 0
        while not stop.is_set():
            title = f"crash-{index}-{n}"
            body = json.dumps({"title": title, "record": RECORD})
            try:
                conn.request(
                    "POST",
                    "/api/v1/cases",
                    body=body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                return  # the server is gone: this write was never acknowledged
            if response.status == 201:
                with lock:
                    acked[json.loads(data)["id"]] = title
            n += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def test_every_acknowledged_write_survives_a_kill(server: Server) -> None:
    token = server.manage("api_token", "create", "crash").strip()
    server.start()
    acked: dict[int, str] = {}
    stop = threading.Event()
    burst = threading.Thread(target=_burst, args=(server, token, acked, stop))
    started = time.monotonic()
    burst.start()
    while len(acked) < KILL_AFTER_ACKS and time.monotonic() - started < 60:
        time.sleep(0.01)
    server.kill()  # mid-burst: clients are still sending
    killed_after = time.monotonic() - started
    stop.set()
    burst.join(timeout=60)
    assert len(acked) >= KILL_AFTER_ACKS

    with sqlite3.connect(server.state / "db.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    server.start()
    missing = []
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for case_id, title in sorted(acked.items()):
            conn.request(
                "GET", f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"}
            )
            response = conn.getresponse()
            body = json.loads(response.read())
            if response.status != 200 or body["title"] != title:
                missing.append(case_id)
    finally:
        conn.close()
    with sqlite3.connect(server.state / "db.sqlite3") as db:
        stored = db.execute("SELECT COUNT(*) FROM cases_caserecord").fetchone()[0]
        imports = {
            r[0]
            for r in db.execute("SELECT case_id FROM audit_auditevent WHERE action='case.import'")
        }
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    chain = server.manage("verify_audit").strip()
    print(
        f"\ncrash test: {len(acked)} writes acknowledged in {killed_after:.2f} s before SIGKILL "
        f"({len(acked) / killed_after:.0f}/s); {stored} cases stored "
        f"({stored - len(acked)} committed but unacknowledged); missing after restart: "
        f"{len(missing)}; integrity_check: {integrity}; {chain}"
    )
    assert missing == []
    assert set(acked) <= imports
    assert integrity == "ok"
    assert chain.startswith("Audit chain: ok")
