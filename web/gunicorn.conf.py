"""gunicorn settings for the Crossroads web app (read from the ``web`` folder).

A few processes with a few threads each: enough for a care team on one machine. The app is loaded
before the workers fork (``preload_app``), so the knowledge base is read once.
``CROSSROADS_BIND`` and ``WEB_CONCURRENCY`` change the address and the number of processes.

In production gunicorn listens on loopback only, behind nginx (deploy/nginx/crossroads.conf):
gunicorn gives a connection a thread while it reads the request, so slow clients must meet
nginx, which buffers whole requests, first. The timeouts below bound what gets through anyway:
a request still running after ``timeout`` seconds has its worker restarted, an idle kept-alive
connection is closed after ``keepalive`` seconds, and request heads are kept small.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "crossroads_web.wsgi:application"
bind = os.environ.get("CROSSROADS_BIND", "127.0.0.1:8000")
# Two pools in production (deploy/README.md): "pages" answers people's pages and the API; "heavy"
# makes PDFs, packets and CDS Hooks answers and takes FHIR uploads, at a lower CPU priority, so a
# flood of heavy requests (already capped by nginx) queues there and never takes the page
# workers' processor time. `make run` serves everything from one "pages" pool.
POOL = os.environ.get("CROSSROADS_POOL", "pages")
if POOL not in ("pages", "heavy"):
    raise SystemExit(f"CROSSROADS_POOL must be 'pages' or 'heavy', not {POOL!r}")
_default_workers = min(4, multiprocessing.cpu_count() + 1) if POOL == "pages" else 1
workers = int(os.environ.get("WEB_CONCURRENCY", str(_default_workers)))
worker_class = "gthread"
threads = int(os.environ.get("CROSSROADS_THREADS", "4" if POOL == "pages" else "2"))
NICE = int(os.environ.get("CROSSROADS_NICE", "0" if POOL == "pages" else "19"))
timeout = 60  # nginx waits 65 s (proxy_read_timeout) for an answer
graceful_timeout = 20
keepalive = 5  # nginx keeps its upstream connections open; anyone else gets 5 s
limit_request_line = 4094  # bytes in the request line (gunicorn's default, stated)
limit_request_fields = 64  # header lines; nginx allows 4 buffers of 8 kB in all
limit_request_field_size = 8190
max_requests = 5000
max_requests_jitter = 500
preload_app = True
accesslog = os.environ.get("CROSSROADS_ACCESS_LOG") or None
errorlog = "-"
loglevel = "warning"


def post_fork(server: object, worker: object) -> None:
    """Lower the heavy pool's CPU priority in each worker (the master keeps its own)."""
    if NICE:
        os.nice(NICE)
