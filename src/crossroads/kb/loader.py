"""One cached loader for every knowledge-base data area, and the stamp that keys it.

Why one: products, alternatives, planning, review data, FHIR maps and trial terms are each read,
validated and compiled once per process, and each must be read again when one of its files
changes. Writing that cache once keeps the key the same everywhere: the area, the files' names,
sizes and modification times, and the knowledge-base release the area was compiled against.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar, cast

from crossroads.common.errors import KnowledgeBaseError

T = TypeVar("T")

_LOADED: dict[tuple[str, str, str], Any] = {}


def stamp(paths: Iterable[Path]) -> str:
    """A cheap key for a set of files: each one's name, size and modification time.

    A file that cannot be read is a :class:`KnowledgeBaseError` naming it, the same fault the
    reader would raise a moment later.
    """
    digest = hashlib.sha256()
    for path in paths:
        try:
            stat = path.stat()
        except OSError as exc:
            raise KnowledgeBaseError(f"{path.name}: cannot read ({exc.strerror})") from None
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def cached(area: str, files: Iterable[Path], build: Callable[[], T], release: str = "") -> T:
    """The area built once per process for this state of its files and this release.

    ``files`` are every file the area reads; ``release`` names what else it was compiled against
    (the knowledge base's fingerprint), so a changed product list also rebuilds the area.
    """
    key = (area, stamp(files), release)
    if key not in _LOADED:
        _LOADED[key] = build()
    return cast(T, _LOADED[key])


def forget() -> None:
    """Drop every cached area (tests that rewrite data files in place use it)."""
    _LOADED.clear()


__all__ = ["cached", "forget", "stamp"]
