"""Shared fixtures: the knowledge base, example cases, and golden files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crossroads.kb import KnowledgeBase, load_kb
from crossroads.kb.base import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TODAY = dt.date(2026, 11, 30)

os.environ.setdefault("CROSSROADS_CACHE_DIR", str(ROOT / ".cache"))
# A fixed installation secret, so calendar ids are stable and no test writes a key file into the
# home folder; the key-file tests unset it and point CROSSROADS_CONFIG_DIR at a temporary folder.
os.environ.setdefault("CROSSROADS_SECRET_KEY", "crossroads-test-installation-secret-0123456789")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the knowledge-base data files, for tests that break or edit one."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "expected.yaml")


# -- golden files -------------------------------------------------------------------------------
UPDATE_FLAG = "CROSSROADS_UPDATE_GOLDEN"


@dataclass
class Golden:
    """Compares outputs with their committed golden files; writes them only when asked to.

    Why one: a golden test must fail when its output changes, also while goldens are being
    regenerated. With ``CROSSROADS_UPDATE_GOLDEN=1`` each file whose text differs (or is new) is
    written and its test then *fails*, naming every file written, so each change is reviewed in
    ``git diff`` before the next run passes. Under ``CI=true`` the update flag is refused: CI
    compares, it never writes.
    """

    update: bool
    ci: bool
    written: list[Path] = field(default_factory=list)

    def check(self, path: Path, text: str) -> None:
        """Assert ``text`` equals the golden file at ``path`` (or write it, when updating)."""
        if self.update and self.ci:
            pytest.fail(
                f"{UPDATE_FLAG}=1 with CI=true: golden files are never written in CI. "
                "Regenerate them locally, review the diff and commit them.",
                pytrace=False,
            )
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if self.update:
            if old != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                self.written.append(path)
            return
        assert old is not None, f"{path.name} missing: run with {UPDATE_FLAG}=1"
        assert text == old

    def verdict(self) -> str | None:
        """Why the test fails after writing golden files, or None when nothing was written."""
        if not self.written:
            return None
        names = ", ".join(
            str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in self.written
        )
        return f"golden files written: {names}; review them with git diff and run again."


def golden_mode(environ: Mapping[str, str] = os.environ) -> Golden:
    """The golden-file mode the environment asks for."""
    return Golden(
        update=environ.get(UPDATE_FLAG) == "1",
        ci=environ.get("CI", "").strip().lower() in ("true", "1", "yes"),
    )


@pytest.fixture
def golden() -> Iterator[Golden]:
    """The one way a test compares output with a golden file (see :class:`Golden`)."""
    mode = golden_mode()
    yield mode
    failure = mode.verdict()
    if failure:
        pytest.fail(failure, pytrace=False)
