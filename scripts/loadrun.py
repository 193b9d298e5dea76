"""What the loopback load runs (``bench_api.py``, ``bench_web.py``) share: server, tally, table.

Both start the app the way ``make run`` does (gunicorn, SQLite in WAL mode) on a free loopback
port with a throw-away database, count answers and errors from many threads, and print one row of
figures per phase. Keeping that here means the two runs measure and print the same way, so their
figures can be read side by side. Each script keeps what differs: how its clients behave, what
data it sets up, and which rate limits it turns off.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.with_name("gunicorn")

T = TypeVar("T")


@dataclass
class Tally:
    """Latencies and errors of one phase; many client threads add to it, hence the lock."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.errors += not ok


def free_port() -> int:
    """A loopback port nobody listens on, so a run never meets a server already running."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: Mapping[str, str], *args: str) -> str:
    """Run ``manage.py`` against the run's database (``env``) and return what it printed."""
    return subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=WEB,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def start_server(
    state: Path,
    port: int,
    setup: Callable[[dict[str, str]], T],
    extra_env: Mapping[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], dict[str, str], T]:
    """Migrate a fresh database in ``state``, run ``setup``, then start gunicorn on ``port``.

    ``setup`` gets the server's environment and makes the run's data (users, demo cases) before
    the server starts, so no request waits on it; what it returns is handed back. ``extra_env``
    adds to the environment (e.g. rate limits off). Returns once ``/floor/`` answers; if it does
    not within 30 seconds, stops with the log left in ``state`` to read.
    """
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}},
        "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.base",
        "DATABASE_URL": f"sqlite:///{state / 'db.sqlite3'}",
        "CROSSROADS_VAR_DIR": str(state / "var"),
        "CROSSROADS_BIND": f"127.0.0.1:{port}",
        **(extra_env or {}),
    }
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], cwd=WEB, env=env, check=True
    )
    made = setup(env)
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
                return server, env, made
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    server.terminate()
    raise SystemExit("the server did not start; see its log in " + str(state))


@contextmanager
def running_server(
    prefix: str,
    setup: Callable[[dict[str, str]], T],
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[tuple[int, dict[str, str], T]]:
    """The server of one run, as ``(port, env, what setup made)``; stopped and removed after.

    The throw-away state (database, log) lives in a new temporary folder named ``prefix...``. If
    the server does not start, that folder is kept for its log; once it has started, the folder
    goes when the run ends, whether the run finished or failed.
    """
    state = Path(tempfile.mkdtemp(prefix=prefix))
    port = free_port()
    server, env, made = start_server(state, port, setup, extra_env)
    try:
        yield port, env, made
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(state, ignore_errors=True)


def percentile(values: list[float], q: float) -> float:
    """The value below which a share ``q`` of ``values`` lies (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(frozen=True)
class Table:
    """The figures table: one header and one row per phase, in columns that line up.

    The widths are per script (its longest phase name, its largest request count), so each
    script's printed table stays as it was; ``show_max`` adds the slowest request's time.
    """

    name_width: int
    count_width: int
    show_max: bool

    def header(self) -> str:
        line = (
            f"{'':<{self.name_width}} {'requests':>{self.count_width}} {'errors':>6} "
            f"{'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        )
        return line + (f" {'max ms':>7}" if self.show_max else "")

    def row(self, name: str, tally: Tally, seconds: float) -> str:
        if not tally.latencies:
            return f"{name:<{self.name_width}} no requests"
        ms = [v * 1000 for v in tally.latencies]
        line = (
            f"{name:<{self.name_width}} {len(ms):>{self.count_width}} {tally.errors:>6} "
            f"{len(ms) / seconds:>7.1f} {statistics.median(ms):>7.1f} "
            f"{percentile(ms, 0.95):>7.1f} {percentile(ms, 0.99):>7.1f}"
        )
        return line + (f" {max(ms):>7.1f}" if self.show_max else "")
