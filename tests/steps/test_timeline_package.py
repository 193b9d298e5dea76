"""The timeline is a package of small modules, and its public names still come from one place."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import crossroads.steps.timeline as timeline

pytestmark = pytest.mark.unit

PUBLIC = [
    "TIMELINE_SCHEMA_ID",
    "Basis",
    "DateRange",
    "Flag",
    "Milestone",
    "ProductChoice",
    "Timeline",
    "build_timeline",
    "case_key",
    "flag_needs",
    "flag_reasons",
    "installation_key",
    "key_file",
    "parse_jurisdiction",
    "parse_start",
    "resolve_product",
    "timeline_data",
    "when_text",
]
MODULES = ["build", "data", "days", "ids", "inputs", "logistics", "milestones", "model", "tempo"]


def test_timeline_package_exports_the_public_names() -> None:
    assert timeline.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(timeline, name) is not None


def test_timeline_package_has_one_small_module_per_job() -> None:
    folder = Path(timeline.__file__).parent
    assert sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__") == MODULES
    for name in MODULES:
        module = importlib.import_module(f"crossroads.steps.timeline.{name}")
        assert module.__doc__, name
        lines = len((folder / f"{name}.py").read_text(encoding="utf-8").splitlines())
        assert lines <= 400, f"{name}.py has {lines} lines"
