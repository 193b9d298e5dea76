"""Production settings: HTTPS only, and no start without the environment it needs.

A service must say which database, which secret key and which host names it uses; guessing any
of them would be unsafe, so a missing variable stops the process with a plain message.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from crossroads_web.settings.base import *  # noqa: F403
from crossroads_web.settings.base import STORAGES, database_config, env_int, env_list

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

# E-mail through SMTP (password reset links), all from the environment: CROSSROADS_EMAIL_HOST
# (default localhost), _PORT (587), _USER, _PASSWORD, _TLS (1: STARTTLS, the default), _SSL (1:
# implicit TLS, usually port 465), _FROM (the sender).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("CROSSROADS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("CROSSROADS_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("CROSSROADS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CROSSROADS_EMAIL_PASSWORD", "")
EMAIL_USE_SSL = os.environ.get("CROSSROADS_EMAIL_SSL", "") == "1"
EMAIL_USE_TLS = not EMAIL_USE_SSL and os.environ.get("CROSSROADS_EMAIL_TLS", "1") == "1"
EMAIL_TIMEOUT = 20

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
