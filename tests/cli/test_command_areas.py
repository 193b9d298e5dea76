"""The table of command areas matches what each area registers, so lazy registration is safe."""

from __future__ import annotations

import importlib

import pytest
import typer

from crossroads.cli.commands import AREAS, CORE_COMMANDS, areas_for

pytestmark = pytest.mark.unit


def _names(app: typer.Typer) -> set[str]:
    commands = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    groups = {g.name for g in app.registered_groups if g.name}
    return commands | groups


@pytest.mark.parametrize("area", sorted(AREAS))
def test_area_registers_exactly_its_listed_commands(area: str) -> None:
    app = typer.Typer()
    importlib.import_module(f"crossroads.cli.commands.{area}").register(app)
    assert _names(app) == set(AREAS[area])


def test_core_commands_are_the_ones_cli_defines_itself() -> None:
    from crossroads.cli import app as cli

    own = _names(cli.app) - {n for names in AREAS.values() for n in names}
    assert own == set(CORE_COMMANDS)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["crossroads", "assess", "case.yaml"], ()),
        (["crossroads", "kb", "check"], ()),
        (["crossroads", "timeline", "case.yaml", "--svg", "x.svg"], ("plan",)),
        (["crossroads", "fhir", "export", "c.yaml"], ("interop",)),
        (["crossroads", "--help"], tuple(AREAS)),
        (["crossroads"], tuple(AREAS)),
        (["crossroads", "nonsense"], tuple(AREAS)),
    ],
)
def test_areas_for_picks_the_needed_area(argv: list[str], expected: tuple[str, ...]) -> None:
    assert areas_for(argv) == expected
