"""A small HTTP server on loopback for the fetch, key-set and paging tests (no outside network).

Routes map a path with its query (``/fhir/Condition?patient=1``) to an answer: a JSON-able
value (200), or an :class:`Answer` with a status, headers, raw body or a delay. Every request is
recorded with its Authorization header, so tests can check what was sent and what was not.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 200
    body: bytes | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Server:
    base: str  # http://127.0.0.1:PORT
    routes: dict[str, Any]
    seen: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Authorization)

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.seen]


@contextmanager
def serve(routes: dict[str, Any] | None = None) -> Iterator[Server]:
    """Run a server thread on 127.0.0.1 with an ephemeral port for the ``with`` block."""
    state = Server("", routes if routes is not None else {})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.seen.append((self.path, self.headers.get("Authorization")))
            answer = state.routes.get(self.path, Answer(404, json={"resourceType": "x"}))
            if not isinstance(answer, Answer):
                answer = Answer(json=answer)
            if answer.delay:
                time.sleep(answer.delay)
            body = answer.body if answer.body is not None else json.dumps(answer.json).encode()
            self.send_response(answer.status)
            headers = {"Content-Type": "application/fhir+json", **answer.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (a time-out test)
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
