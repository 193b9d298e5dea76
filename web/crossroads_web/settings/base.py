"""Settings for one machine: safe defaults, no set-up beyond ``make run``.

Configuration comes from the environment only (design section 8). Without ``DATABASE_URL`` the
app uses SQLite in ``web/var/db.sqlite3`` with write-ahead logging and ``synchronous=FULL``, the
setting that keeps every acknowledged commit after a power cut. Without ``SECRET_KEY`` a random key
is made once and kept in ``web/var/secret_key``. Production settings
(:mod:`crossroads_web.settings.production`) refuse to start without these variables.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

WEB_DIR = Path(__file__).resolve().parents[2]
ROOT_DIR = WEB_DIR.parent
VAR_DIR = Path(os.environ.get("CROSSROADS_VAR_DIR", WEB_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list (empty items dropped)."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """A whole-number environment variable; a wrong one stops start-up, naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return int(value)


def cds_clients(text: str, path: str) -> list[Any]:
    """The CDS client allow-list: JSON in CROSSROADS_CDS_CLIENTS, or in the file named by
    CROSSROADS_CDS_CLIENTS_FILE. Its fields are checked by ``manage.py check`` (interop.checks)."""
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ImproperlyConfigured(
                f"CROSSROADS_CDS_CLIENTS_FILE cannot be read: {exc}"
            ) from None
    if not text.strip():
        return []
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"CROSSROADS_CDS_CLIENTS is not JSON: {exc}") from None
    return data if isinstance(data, list) else [data]


def local_secret_key() -> str:
    """The key from ``SECRET_KEY``, or one made once for this machine and kept in ``var/``."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def database_config(url: str | None) -> dict[str, Any]:
    """One database from a URL; SQLite gets WAL, durable commits and write-first transactions."""
    default = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url or default))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer commits; FULL makes each commit durable.
        # IMMEDIATE takes the write lock at the start of a transaction, so two writers never
        # both read the audit chain's last link before either has written its own.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


def cache_config(url: str) -> dict[str, Any]:
    """The shared cache: the database table by default, Redis when a ``redis://`` URL is given."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
    if url:
        raise ImproperlyConfigured(
            "CROSSROADS_CACHE_URL must be a redis:// URL (or empty for the database cache), "
            f"not {url!r}."
        )
    return {
        "default": {
            "BACKEND": "crossroads_web.dbcache.AtomicDatabaseCache",
            "LOCATION": "crossroads_cache",
        }
    }


def documents_storage() -> dict[str, Any]:
    """Where uploaded record documents go: a private folder outside the web root
    (``CROSSROADS_DOCUMENTS_DIR``, default ``var/documents``), or any Django storage backend
    named by ``CROSSROADS_DOCUMENTS_STORAGE`` with its options as JSON in
    ``CROSSROADS_DOCUMENTS_STORAGE_OPTIONS`` (an object store such as django-storages' S3)."""
    backend = os.environ.get("CROSSROADS_DOCUMENTS_STORAGE", "").strip()
    if backend:
        raw = os.environ.get("CROSSROADS_DOCUMENTS_STORAGE_OPTIONS", "").strip() or "{}"
        try:
            options = json.loads(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"CROSSROADS_DOCUMENTS_STORAGE_OPTIONS is not JSON: {exc}"
            ) from None
        return {"BACKEND": backend, "OPTIONS": options}
    location = os.environ.get("CROSSROADS_DOCUMENTS_DIR", str(VAR_DIR / "documents"))
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": location,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }


DEBUG = os.environ.get("CROSSROADS_DEBUG", "") == "1"
SECRET_KEY = local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "crossroads_web",  # the shared rate-limit cache table (crossroads_web.apps)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",  # two-step sign-in (accounts/twofactor.py)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "cases",
    "review",
    "audit",
    "interop",
    "api",
    "drafts",  # what a person typed on a step, kept until saved (drafts/)
    "django_tasks",  # the task queue (Django 6's tasks, backported) ...
    "django_tasks_db",  # ... with its queue in this database; `manage.py db_worker` runs it
    "documents",  # record documents: upload, background reading, confirmation (documents/)
    "screening",  # the coordinator worklist from a screening results file (screening/)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.ApiEdgeMiddleware",  # JSON in and out under /api/, no caching
    "crossroads_web.limits.RequestLimitsMiddleware",  # rate limits; no file uploads
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crossroads_web.middleware.SessionTimeoutMiddleware",
    "crossroads_web.middleware.UserLanguageMiddleware",
    "crossroads_web.middleware.TimeZoneMiddleware",  # times in the person's zone, labelled
    "crossroads_web.nostore.NoStoreMiddleware",  # health data never kept in a cache
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.twofactor_middleware.TwoFactorMiddleware",  # staff pass a code step; after auth
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crossroads_web.urls"
WSGI_APPLICATION = "crossroads_web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crossroads_web.context.site",
            ],
            "builtins": ["accounts.templatetags.zones"],  # {{ moment|when }} on every page
        },
    }
]

DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Sessions: stored server-side, so that logging out or a password change ends them for good.
# Absolute lifetime 12 hours; idle time-out 30 minutes (15 for staff), see the middleware.
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# CROSSROADS_IDLE_SECONDS(_STAFF) change them (the browser test of drafts uses a few seconds); a
# warning with "Stay signed in" comes before the time-out (drafts app).
SESSION_IDLE_SECONDS = {
    "staff": env_int("CROSSROADS_IDLE_SECONDS_STAFF", 15 * 60),
    "default": env_int("CROSSROADS_IDLE_SECONDS", 30 * 60),
}
CSRF_COOKIE_HTTPONLY = True

# django-axes: five failed logins for one account from one address lock it for 15 minutes.
# Addresses of reverse proxies whose X-Real-IP header is believed (see audit.actions.client_ip).
CROSSROADS_TRUSTED_PROXIES = tuple(env_list("CROSSROADS_TRUSTED_PROXIES"))
AXES_FAILURE_LIMIT = 5
AXES_CLIENT_IP_CALLABLE = "audit.actions.client_ip"
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Crossroads"  # the name authenticator apps show next to the code

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [WEB_DIR / "locale"]
LANGUAGE_COOKIE_AGE = int(timedelta(days=365).total_seconds())
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
with contextlib.suppress(OSError):  # WhiteNoise warns about a missing folder
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [WEB_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": documents_storage(),
    # screening results files (identifiable): a private folder, owner-only files
    "screening": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("CROSSROADS_SCREENING_DIR", str(VAR_DIR / "screening")),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the source folders on one machine; production collects and hashes them.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

# Headers every response carries (the security dossier's CFG-2).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Bigger request bodies than a case form needs are refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Crossroads settings.
# The task queue (django-tasks): its queue is a table in this database (SQLite or PostgreSQL);
# `make run` starts `manage.py db_worker` beside gunicorn. Tests run tasks at once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Views that may receive files, and the upload handlers they get (crossroads_web.limits); every
# other request that carries a file is refused with 415.
CROSSROADS_UPLOAD_HANDLERS = {
    "documents:upload": "documents.upload.upload_handlers",
    "screening:upload": "screening.upload.upload_handlers",
}
# OCR for scans and photos (documents.reading): the dotted path of a callable, empty for none.
# Tesseract (scripts/setup-system.sh); without it a scan ends as "needs OCR", not as an error.
CROSSROADS_OCR = os.environ.get("CROSSROADS_OCR", "crossroads.records.ocr.ocr_pages")
CAREGIVER_INVITE_HOURS = 72
# CDS Hooks service (interop app): the places its cards cover, and the address its card links use
# (empty: this server's own address as the request saw it).
CROSSROADS_CDS_JURISDICTIONS = tuple(env_list("CROSSROADS_CDS_JURISDICTIONS", "US,EU,CN"))
CROSSROADS_CDS_BASE_URL = os.environ.get("CROSSROADS_CDS_BASE_URL", "")
# CDS client authentication (interop.clients, web/README.md): each call carries a JWT signed by
# the client, checked against the allow-list of issuers and their key sets. Off on one machine
# unless CROSSROADS_CDS_AUTH=1, so `make run` needs no client; always on in production.
CROSSROADS_CDS_AUTH = os.environ.get("CROSSROADS_CDS_AUTH", "") == "1"
CROSSROADS_CDS_CLIENTS = cds_clients(
    os.environ.get("CROSSROADS_CDS_CLIENTS", ""), os.environ.get("CROSSROADS_CDS_CLIENTS_FILE", "")
)
CROSSROADS_CDS_JWT_LEEWAY = env_int("CROSSROADS_CDS_JWT_LEEWAY", 30)
CROSSROADS_CDS_JWT_MAX_LIFETIME = env_int("CROSSROADS_CDS_JWT_MAX_LIFETIME", 300)
# Reading the client's FHIR server (fhirServer with fhirAuthorization): the next pages of a
# prefetch and the prefetch it did not send. https only, public addresses only unless a network
# is allowed here; plain http to loopback only with CROSSROADS_DEBUG=1 (and in the tests).
CROSSROADS_CDS_FETCH = os.environ.get("CROSSROADS_CDS_FETCH", "1") != "0"
CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS = tuple(env_list("CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS"))
CROSSROADS_CDS_FETCH_LOOPBACK = DEBUG
CROSSROADS_CDS_FETCH_TIMEOUT = float(env_int("CROSSROADS_CDS_FETCH_TIMEOUT", 5))
CROSSROADS_CDS_FETCH_MAX_PAGES = env_int("CROSSROADS_CDS_FETCH_MAX_PAGES", 10)
CROSSROADS_CDS_FETCH_MAX_RESOURCES = env_int("CROSSROADS_CDS_FETCH_MAX_RESOURCES", 5000)
# Rate limits, "<count>/<seconds>" or "off" (crossroads_web.limits): sign-in attempts and sign-ups
# per address (django-axes also locks an account after five failures), API calls per token and
# per address, CDS Hooks calls per address, report PDFs and packet builds per person.
CROSSROADS_RATE_LIMITS = {
    "login": os.environ.get("CROSSROADS_RATE_LOGIN", "20/60"),
    "signup": os.environ.get("CROSSROADS_RATE_SIGNUP", "10/3600"),
    "reset": os.environ.get("CROSSROADS_RATE_RESET", "5/3600"),
    "api": os.environ.get("CROSSROADS_RATE_API", "300/60"),
    "api_ip": os.environ.get("CROSSROADS_RATE_API_IP", "1200/60"),
    "cds": os.environ.get("CROSSROADS_RATE_CDS", "60/60"),
    "pdf": os.environ.get("CROSSROADS_RATE_PDF", "6/60"),
    "packet": os.environ.get("CROSSROADS_RATE_PACKET", "20/60"),
}
# The counts live in a cache that every server process shares (crossroads_web.ratelimit): a
# table in the database by default (made by `manage.py migrate`), Redis when
# CROSSROADS_CACHE_URL=redis://host:6379/0 is set (needs the `redis` package).
CACHES = cache_config(os.environ.get("CROSSROADS_CACHE_URL", ""))
# The audit trail's keyed hash (audit.keys) and its anchor (audit.anchor), both outside the
# database: the key from CROSSROADS_AUDIT_KEY, else made once in var/audit_key (owner-only);
# after every new event its number, position and hash are appended to the anchor file.
CROSSROADS_AUDIT_KEY = os.environ.get("CROSSROADS_AUDIT_KEY", "")
CROSSROADS_AUDIT_KEY_FILE = Path(
    os.environ.get("CROSSROADS_AUDIT_KEY_FILE", str(VAR_DIR / "audit_key"))
)
CROSSROADS_AUDIT_ANCHOR = os.environ.get(
    "CROSSROADS_AUDIT_ANCHOR", str(VAR_DIR / "audit-anchor.jsonl")
)
# Refusals of people who are not signed in: the first per address and window is recorded in
# full, then one row when the count reaches 10, 100, 1000, ... (audit.refusals).
CROSSROADS_REFUSAL_WINDOW_SECONDS = 600
API_TOKEN_DAYS = 90  # how long a new API token is valid unless its maker says otherwise

# E-mail (password reset links): printed to the console on one machine; production settings send
# through the SMTP server their environment names.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("CROSSROADS_EMAIL_FROM", "Crossroads <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=2).total_seconds())  # how long a link works

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
