"""WSGI entry point for gunicorn (see ``web/gunicorn.conf.py``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossroads_web.settings.base")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load the knowledge base and the URL table before gunicorn forks its workers."""
    from django.urls import get_resolver

    from cases.results import kb

    kb()
    get_resolver().url_patterns  # noqa: B018 - imports every view module


_warm_up()
