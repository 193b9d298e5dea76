"""The developer tools promised in CONTRIBUTING.md exist and check what CI checks."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def _make_recipe(target: str) -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{target}:.*\n((?:\t.*\n|\n(?=\t))+)", text, flags=re.M)
    assert match, f"no `{target}` target in the Makefile"
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def _make_variable(name: str) -> str:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name} := (.+)$", text, flags=re.M)
    assert match, f"no {name} in the Makefile"
    return match.group(1).strip()


def test_make_lint_runs_both_type_checks() -> None:
    recipe = _make_recipe("lint")
    assert "$(VENV)/bin/mypy" in recipe
    assert "$(VENV)/bin/mypy --config-file web/mypy.ini" in recipe


def test_make_test_measures_core_branch_coverage_with_a_floor() -> None:
    recipe = " ".join(_make_recipe("test")).replace(
        "$(COVERAGE_FLOOR)", _make_variable("COVERAGE_FLOOR")
    )
    assert "coverage run" in recipe
    assert re.search(r"coverage report .*--fail-under=(\d+)", recipe)
    floor = int(re.search(r"--fail-under=(\d+)", recipe).group(1))  # type: ignore[union-attr]
    assert floor >= 90


def test_pre_commit_hooks_call_tools_that_set_up_installs() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {hook["id"] for hook in hooks} >= {"ruff-check", "ruff-format", "mypy-core", "mypy-web"}
    for hook in hooks:
        if hook["language"] == "system":
            tool = ROOT / hook["entry"].split()[0]
            assert tool.exists(), f"{hook['id']}: {tool.name} is not installed by `make setup`"


def test_contributing_and_glossary_cover_the_common_changes() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in (
        "## Adding a drug",
        "## Adding a product or an indication",
        "## Adding or changing a translation",
        "## Golden files",
    ):
        assert heading in contributing
    glossary = (ROOT / "GLOSSARY.md").read_text(encoding="utf-8")
    for term in (
        "line of treatment",
        "refractory",
        "bridging therapy",
        "vein-to-vein time",
        "on label",
    ):
        assert term in glossary
