"""Settings for the test suite: the one-machine settings with a fast password hasher.

``DATABASE_URL`` picks the database as usual, so the same tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import tempfile

from crossroads_web.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
# Tests send many requests from one address in a short time; the rate-limit tests switch the
# limits on themselves (tests/web/api/test_api.py, tests/web/test_hardening.py).
CROSSROADS_RATE_LIMITS = {
    name: "off" for name in ("login", "signup", "reset", "api", "api_ip", "cds", "pdf", "packet")
}
# Test databases are rolled back after each test, so an anchor file would run ahead of them; the
# audit tests point it at a file of their own (tests/web/test_audit_integrity.py).
CROSSROADS_AUDIT_ANCHOR = ""
# The CDS tests serve FHIR pages and key sets from a thread on loopback over plain http.
CROSSROADS_CDS_FETCH_LOOPBACK = True
# Background tasks run at once, inside the request (tests/web/documents has one worker test).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Screening results files the tests upload go to a throw-away folder, not the app's var/.
STORAGES["screening"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="crossroads-screening-")  # noqa: F405
