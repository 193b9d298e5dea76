"""Settings for the test suite: the one-machine settings with a fast password hasher.

``DATABASE_URL`` picks the database as usual, so the same tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from crossroads_web.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
