"""Production settings: HTTPS only, and no start without the environment it needs.

A service must say which database, which secret key and which host names it uses; guessing any
of them would be unsafe, so a missing variable stops the process with a plain message.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from crossroads_web.settings.base import *  # noqa: F403
from crossroads_web.settings.base import STORAGES, database_config, env_list

REQUIRED = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS")
_missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + ". Set them (see web/README.md) or use crossroads_web.settings.base on one machine."
    )
if len(os.environ["SECRET_KEY"]) < 50 or len(set(os.environ["SECRET_KEY"])) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 varied characters.")

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# Production runs behind nginx on loopback (deploy/nginx/crossroads.conf), which sends X-Real-IP.
CROSSROADS_TRUSTED_PROXIES = tuple(env_list("CROSSROADS_TRUSTED_PROXIES") or ["127.0.0.1", "::1"])
CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]
DATABASES = {"default": database_config(os.environ["DATABASE_URL"])}
# CDS clients must always prove who they are here (CROSSROADS_CDS_CLIENTS lists them; with an
# empty list every call is refused), and no call reaches loopback addresses.
CROSSROADS_CDS_AUTH = True
CROSSROADS_CDS_FETCH_LOOPBACK = False

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
