"""Shared fixtures: the knowledge base, example cases, and a CLI runner."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from crossroads.kb import KnowledgeBase, load_kb

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


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "expected.yaml")
