"""Settings for the test suite: the one-machine settings with a fast password hasher.

``DATABASE_URL`` picks the database as usual, so the same tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from crossroads_web.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
# Tests send many requests from one address in a short time; the rate-limit tests switch the
# limits on themselves (tests/web/api/test_api.py, tests/web/test_hardening.py).
CROSSROADS_RATE_LIMITS = {"login": "off", "api": "off", "api_ip": "off"}
