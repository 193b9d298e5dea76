"""gunicorn settings for the Crossroads web app (read from the ``web`` folder).

A few processes with a few threads each: enough for a care team on one machine. The app is loaded
before the workers fork (``preload_app``), so the knowledge base is read once.
``CROSSROADS_BIND`` and ``WEB_CONCURRENCY`` change the address and the number of processes.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "crossroads_web.wsgi:application"
bind = os.environ.get("CROSSROADS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(4, multiprocessing.cpu_count() + 1))))
worker_class = "gthread"
threads = int(os.environ.get("CROSSROADS_THREADS", "4"))
timeout = 60
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
preload_app = True
accesslog = os.environ.get("CROSSROADS_ACCESS_LOG") or None
errorlog = "-"
loglevel = "warning"
