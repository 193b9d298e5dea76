"""One cached loader for every knowledge-base data area, and the stamp that keys it.

Why one: products, alternatives, planning, review data, FHIR maps and trial terms are each read,
validated and compiled once per process, and each must be read again when one of its files
changes. Writing that cache once keeps the key the same everywhere: the area, the files' names,
sizes and modification times, and the knowledge-base release the area was compiled against.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar, cast

from crossroads.common.errors import KnowledgeBaseError

T = TypeVar("T")

_LOADED: dict[tuple[str, str, str], Any] = {}
_PINNED: ContextVar[dict[tuple[str, tuple[Path, ...], str], Any] | None] = ContextVar(
    "kb_pinned", default=None
)


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
    pinned = _PINNED.get()
    if pinned is not None:
        files = tuple(files)
        short = (area, files, release)
        if short not in pinned:
            pinned[short] = _stamped(area, files, build, release)
        return cast(T, pinned[short])
    return _stamped(area, files, build, release)


def _stamped(area: str, files: Iterable[Path], build: Callable[[], T], release: str) -> T:
    key = (area, stamp(files), release)
    if key not in _LOADED:
        _LOADED[key] = build()
    return cast(T, _LOADED[key])


@contextmanager
def pinned() -> Iterator[None]:
    """Within the block, each area's files are looked at once: later calls reuse that answer.

    Why: screening imports thousands of records a second, and each record asks for the regimens,
    the line rules and the code maps several times; stamping the files at every call costs more
    than the rest of some lookups. A screening batch takes the files as they were when it began
    (one batch lasts seconds), while outside a block, as in the CLI and the web app, every call
    still sees a changed file. The memo belongs to the block's context (thread or task), not to
    the process, and ends with the block; nested blocks share the outer one's.
    """
    if _PINNED.get() is not None:
        yield
        return
    token = _PINNED.set({})
    try:
        yield
    finally:
        _PINNED.reset(token)


def forget() -> None:
    """Drop every cached area (tests that rewrite data files in place use it)."""
    _LOADED.clear()


__all__ = ["cached", "forget", "pinned", "stamp"]
