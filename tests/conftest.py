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


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "expected.yaml")
