"""CLI commands for the compare area: ``crossroads compare`` and ``crossroads values``.

``compare`` shows the Option Grid for a case; ``values`` asks the short values-clarification
questions and prints (or safely writes) the ``preferences:`` section the grid reads.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from crossroads.cli.commands.options import (
    ALL_PLACES,
    CaseArg,
    CaseLangOpt,
    Format,
    FormatOpt,
    JurisdictionOpt,
    Lang,
    LangOpt,
    TodayOpt,
    case_for,
    language_for,
    parse_today,
)


def compare_command(
    case_file: CaseArg,
    jurisdiction: JurisdictionOpt = ALL_PLACES,
    fmt: FormatOpt = Format.text,
    lang: LangOpt = Lang.en,
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal",
            help="Show the grid against this goal: cure, longer_control, comfort, time_at_home "
            "or bridge_to_transplant (default: the case's main goal)",
        ),
    ] = None,
    options: Annotated[
        str | None,
        typer.Option(
            "--options", help="Only these option codes, comma-separated (e.g. car_t,pola_br)"
        ),
    ] = None,
    today: TodayOpt = None,
) -> None:
    """Show CAR-T beside the real alternatives for this case (an Option Grid, never a ranking)."""
    from rich.console import Console

    from crossroads.engine.classify import classify
    from crossroads.kb import load_kb
    from crossroads.kb.places import parse_jurisdictions
    from crossroads.steps.compare import compare, grid_data, parse_goal, parse_option_codes

    if goal is not None:
        parse_goal(goal)  # a bad --goal is reported before the case is even read
    kb = load_kb()
    case = case_for(case_file, kb)
    classification = classify(case, kb, parse_jurisdictions(jurisdiction), parse_today(today))
    only = parse_option_codes(options) if options is not None else None
    grid = compare(case, kb, classification, goal=goal, only=only)
    data = grid_data(grid, kb, lang.value)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.markdown:
        from crossroads.render.grid import render_grid_markdown

        sys.stdout.write(render_grid_markdown(data, kb))
    else:
        from crossroads.render.grid import render_grid_text

        render_grid_text(data, kb, Console(highlight=False, soft_wrap=False))


def values_command(
    case_file: CaseArg,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Put the answers into the case file (the old file is kept as CASE.bak)",
        ),
    ] = False,
    lang: CaseLangOpt = None,
) -> None:
    """Ask what matters to you (goal, what counts most, biggest fear) for the options grid."""
    from rich.console import Console

    from crossroads.cli.commands.values import ask_preferences, preferences_block, write_preferences
    from crossroads.record.load import load_case

    case = load_case(case_file)
    language = language_for(lang, case.patient.language)
    console = Console(stderr=True, highlight=False)
    preferences = ask_preferences(console, case.preferences, language)
    if write:
        backup = write_preferences(case_file, preferences)
        console.print(f"Wrote the preferences into {case_file} (the old file is kept as {backup}).")
        console.print(f"Next: crossroads compare {case_file}")
    else:
        sys.stdout.write(preferences_block(preferences))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("compare")(compare_command)
    app.command("values")(values_command)
