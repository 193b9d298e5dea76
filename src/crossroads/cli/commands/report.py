"""CLI commands for the report area: the patient report and the hand-over letter.

``crossroads report CASE`` prints the HTML page; ``--format pdf -o FILE`` writes the PDF. A PDF
is never written to a terminal (it would fill the screen with bytes); ``-o -`` sends it down a
pipe instead.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from crossroads.cli.commands.options import (
    ALL_PLACES,
    CaseArg,
    CaseLangOpt,
    JurisdictionOpt,
    TodayOpt,
    case_for,
    language_for,
    output_target,
    parse_today,
    write_output,
)


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"


class ReportKind(StrEnum):
    patient = "patient"
    handover = "handover"


def report(
    case_file: CaseArg,
    lang: CaseLangOpt = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="html or pdf")] = (
        ReportFormat.html
    ),
    kind: Annotated[
        ReportKind,
        typer.Option(
            "--kind", help="patient (the report) or handover (letter for the home doctor)"
        ),
    ] = ReportKind.patient,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write; '-' for standard output"),
    ] = None,
    jurisdiction: JurisdictionOpt = ALL_PLACES,
    today: TodayOpt = None,
) -> None:
    """Write the patient report or the hand-over letter as HTML or PDF, in English or Chinese."""
    from crossroads.kb import load_kb
    from crossroads.kb.places import parse_jurisdictions
    from crossroads.render.report import Kind, report_html

    target = output_target(output, case_file, pdf=fmt is ReportFormat.pdf, example="report.pdf")
    on = parse_today(today)
    places = parse_jurisdictions(jurisdiction)
    kb = load_kb()
    case = case_for(case_file, kb)
    language = language_for(lang, case.patient.language)
    letter: Kind = "handover" if kind is ReportKind.handover else "patient"
    if fmt is ReportFormat.html:
        page = report_html(case, kb, language, letter, on, places)
        if target is None:
            sys.stdout.write(page)
        else:
            write_output(target, page.encode("utf-8"))
            typer.echo(f"Wrote {target}", err=True)
        return
    from crossroads.render.pdf import html_to_pdf

    typer.echo(f"Making the PDF ({kind.value}, {language}) ...", err=True)
    pdf = html_to_pdf(report_html(case, kb, language, letter, on, places))
    if target is None:
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
    else:
        write_output(target, pdf)
        typer.echo(f"Wrote {target} ({len(pdf) // 1024} KB)", err=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("report")(report)
    app.command("readability")(readability)


def readability(
    examples: Annotated[Path, typer.Option(help="Folder of example cases")] = Path("examples"),
    write: Annotated[
        bool, typer.Option(help="Write docs/readability.md instead of printing")
    ] = False,
) -> None:
    """Measure how plain each section of every example's report is (SMOG, Flesch-Kincaid).

    The reports are dated on the knowledge base's release day, so the figures change only when
    the words do; a test compares docs/readability.md with a fresh run.
    """
    from crossroads.kb import load_kb
    from crossroads.render.readability import read_examples, readability_markdown

    kb = load_kb()
    paths = sorted(p for p in examples.glob("*.yaml") if p.name != "expected.yaml")
    text = readability_markdown(read_examples(paths, kb, kb.release.date), kb.release.date)
    if write:
        target = Path("docs/readability.md")
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {target}", err=True)
    else:
        sys.stdout.write(text)
