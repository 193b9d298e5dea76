"""CLI commands for the plan area: ``timeline``, ``readiness`` and ``actions`` (design step 4
and the next-steps plan).

Each command loads and code-checks the case, calls one step module, and prints plain text or
JSON. Bad input (an impossible ``--start``, an unknown product or place) is a one-line error with
exit code 2, raised by the step modules so that the web app gets the same messages.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from crossroads.cli.commands.options import (
    CaseArg,
    CaseLangOpt,
    DataFormat,
    DataFormatOpt,
    TodayOpt,
    case_for,
    language_for,
    parse_today,
    write_output,
)


def _made_on(value: str | None) -> dt.date:
    """The date the plan is made: ``--today``, else the real date."""
    return parse_today(value) or dt.date.today()


def _write(path: Path, content: bytes, option: str) -> None:
    write_output(path, content, option)
    sys.stderr.write(f"Wrote {path}\n")


def _emit(fmt: DataFormat, data: dict[str, Any], text: str) -> None:
    if fmt is DataFormat.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(text)


def timeline(
    case_file: CaseArg,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction",
            "-j",
            help="US, EU or CN (default: the place of treatment in the case, else US)",
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(help="Day 0, the referral: YYYY-MM-DD (or YYYY-MM; default: today)"),
    ] = None,
    product: Annotated[
        str | None, typer.Option(help="Generic name, short name or brand, e.g. axi-cel")
    ] = None,
    ics: Annotated[Path | None, typer.Option(help="Also write the calendar (.ics) here")] = None,
    svg: Annotated[Path | None, typer.Option(help="Also write the chart (.svg) here")] = None,
    fmt: DataFormatOpt = DataFormat.text,
    lang: CaseLangOpt = None,
    today: TodayOpt = None,
) -> None:
    """Build the timeline from referral to follow-up, with flags on disease tempo."""
    from crossroads.kb import load_kb
    from crossroads.kb.planning import planning_for
    from crossroads.render.plan_text import timeline_text
    from crossroads.steps.readiness import treatment_place
    from crossroads.steps.timeline import build_timeline, timeline_data

    made_on = _made_on(today)
    kb = load_kb()
    case = case_for(case_file, kb)
    found = jurisdiction or treatment_place(case, planning_for(kb))
    place = found or "US"
    tl = build_timeline(case, kb, place, start=start, product=product, today=made_on)
    chosen = language_for(lang, case.patient.language)
    data = timeline_data(tl, kb, chosen, place_given=found is not None)
    if ics is not None:
        from crossroads.render.ics import timeline_ics

        _write(ics, timeline_ics(tl, kb, chosen), "--ics")
    if svg is not None:
        from crossroads.render.svg import timeline_svg

        _write(svg, timeline_svg(data, kb).encode("utf-8"), "--svg")
    _emit(fmt, data, timeline_text(data, kb))


def readiness(
    case_file: CaseArg,
    fmt: DataFormatOpt = DataFormat.text,
    lang: CaseLangOpt = None,
    today: TodayOpt = None,
) -> None:
    """Show the records and practical checklist, and how complete each step is."""
    from crossroads.kb import load_kb
    from crossroads.render.plan_text import readiness_text
    from crossroads.steps.readiness import readiness as build
    from crossroads.steps.readiness import readiness_data

    kb = load_kb()
    case = case_for(case_file, kb)
    ready = build(case, kb, _made_on(today))
    data = readiness_data(ready, kb, language_for(lang, case.patient.language))
    _emit(fmt, data, readiness_text(data, kb))


def actions(
    case_file: CaseArg,
    fmt: DataFormatOpt = DataFormat.text,
    lang: CaseLangOpt = None,
    today: TodayOpt = None,
) -> None:
    """List the next steps, each with an owner and a due date."""
    from crossroads.engine.classify import classify
    from crossroads.kb import load_kb
    from crossroads.render.plan_text import actions_text
    from crossroads.steps.actions import action_plan, actions_data

    made_on = _made_on(today)
    kb = load_kb()
    case = case_for(case_file, kb)
    plan = action_plan(case, kb, classify(case, kb, today=made_on), made_on)
    data = actions_data(plan, kb, made_on, language_for(lang, case.patient.language))
    _emit(fmt, data, actions_text(data, kb))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command()(timeline)
    app.command()(readiness)
    app.command()(actions)
