"""Django's database cache with an atomic ``incr``, so rate-limit counts add up across processes.

Django's :class:`~django.core.cache.backends.db.DatabaseCache` increments by reading the value
and writing it back, so two server processes counting the same request window at once can lose
a count; it also writes the entry with a fresh time-out. Here the read and the write happen in one
transaction that holds the row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every
transaction takes the write lock first, see the settings), and the write keeps the entry's
expiry. On PostgreSQL the increment does not wait for the disk (a count lost in a crash costs
nothing). Everything else is Django's.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        made = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # a lost count after a crash is harmless
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            if connection.features.has_select_for_update:
                cursor.execute(
                    f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE", [made]
                )
            value = self.get(key, self._missing_key, version=version)
            if value is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            new_value = value + delta
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol))
            cursor.execute(
                f"UPDATE {table} SET value = %s WHERE cache_key = %s",
                [pickled.decode("latin1"), made],
            )
        return new_value
