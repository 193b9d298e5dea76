"""CLI commands for the report area: the patient report and the hand-over letter.

``crossroads report CASE`` prints the HTML page; ``--format pdf -o FILE`` writes the PDF. A PDF
is never written to a terminal (it would fill the screen with bytes); ``-o -`` sends it down a
pipe instead.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from crossroads.errors import BadOptionError, UserError


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"


class ReportLang(StrEnum):
    en = "en"
    zh = "zh-Hans"


class ReportKind(StrEnum):
    patient = "patient"
    handover = "handover"


def _today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadOptionError(f"--today: '{value}' is not a date; write YYYY-MM-DD.") from None


def _write(output: Path, content: bytes) -> None:
    try:
        output.write_bytes(content)
    except OSError as exc:
        raise UserError(
            f"-o {output}: cannot write the file ({exc.strerror}); choose another place."
        ) from None


def report(
    case_file: Annotated[Path, typer.Argument(help="Case file (YAML or JSON)")],
    lang: Annotated[
        ReportLang | None,
        typer.Option("--lang", help="en or zh-Hans (default: the case's language, else en)"),
    ] = None,
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
    jurisdiction: Annotated[
        str, typer.Option("--jurisdiction", "-j", help="Comma-separated: US,EU,CN")
    ] = "US,EU,CN",
    today: Annotated[
        str | None, typer.Option(help="Date printed on the report (default: today), YYYY-MM-DD")
    ] = None,
) -> None:
    """Write the patient report or the hand-over letter as HTML or PDF, in English or Chinese."""
    from crossroads.assess import parse_jurisdictions, prepare_case
    from crossroads.kb import load_kb
    from crossroads.render.report import Kind, report_html

    to_stdout = output is None or str(output) == "-"
    target = None if output is None or to_stdout else output
    if fmt is ReportFormat.pdf and output is None:
        raise BadOptionError(
            "--format pdf: a PDF needs a file; add -o report.pdf (or -o - to send it down a pipe)."
        )
    if fmt is ReportFormat.pdf and to_stdout and sys.stdout.isatty():
        raise BadOptionError(
            "-o -: a PDF is not text and would garble the terminal; write it to a file with "
            "-o report.pdf, or pipe it to another program."
        )
    if target is not None and target.resolve() == case_file.resolve():
        raise BadOptionError(f"-o {target}: that is the case file itself; choose another name.")
    on = _today(today)
    places = parse_jurisdictions(jurisdiction)
    kb = load_kb()
    case = prepare_case(case_file, kb)
    language = lang.value if lang is not None else (case.patient.language or "en")
    letter: Kind = "handover" if kind is ReportKind.handover else "patient"
    if fmt is ReportFormat.html:
        page = report_html(case, kb, language, letter, on, places)
        if target is None:
            sys.stdout.write(page)
        else:
            _write(target, page.encode("utf-8"))
            typer.echo(f"Wrote {target}", err=True)
        return
    from crossroads.render.pdf import html_to_pdf

    typer.echo(f"Making the PDF ({kind.value}, {language}) ...", err=True)
    pdf = html_to_pdf(report_html(case, kb, language, letter, on, places))
    if target is None:
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
    else:
        _write(target, pdf)
        typer.echo(f"Wrote {target} ({len(pdf) // 1024} KB)", err=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("report")(report)
