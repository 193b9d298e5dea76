"""The project itself as an app: it makes the shared cache table after every ``migrate``.

The rate limits count in Django's cache, which by default is a database table every server
process shares (settings ``CACHES``). ``manage.py migrate`` runs in ``make run``, in production
set-up and in the test suite, so making the table here (``createcachetable`` does nothing when it
exists) means no extra step anywhere.
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    call_command("createcachetable", database=using, verbosity=0)


class CrossroadsWebConfig(AppConfig):
    name = "crossroads_web"
    verbose_name = "Crossroads web"

    def ready(self) -> None:
        post_migrate.connect(_cache_table, sender=self, dispatch_uid="crossroads-cache-table")
