"""Options that many ``crossroads`` commands share: the case file, the places, the language, the
output format, the ``--today`` date and the ``-o`` output file.

Why one module: a person who learns ``--lang zh-Hans`` or ``--today 2026-11-30`` on one command
should find the same words, the same help and the same error on every other. Only light imports
here (Typer and the standard library), because every command module loads this at start-up.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crossroads.common.errors import BadOptionError, UserError
from crossroads.common.i18n import DEFAULT_LANG

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from crossroads.kb import KnowledgeBase
    from crossroads.record.case import Case


class Lang(StrEnum):
    """The languages Crossroads writes in."""

    en = "en"
    zh = "zh-Hans"


class Format(StrEnum):
    """Output for a person (text), a program (json) or a document (markdown)."""

    text = "text"
    json = "json"
    markdown = "markdown"


class DataFormat(StrEnum):
    """Output for a person (text) or a program (json)."""

    text = "text"
    json = "json"


ALL_PLACES = "US,EU,CN"

CaseArg = Annotated[Path, typer.Argument(help="Case file (YAML or JSON)")]
JurisdictionOpt = Annotated[
    str, typer.Option("--jurisdiction", "-j", help="Comma-separated: US,EU,CN")
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="en or zh-Hans")]
CaseLangOpt = Annotated[
    Lang | None,
    typer.Option("--lang", help="en or zh-Hans (default: the case's language, else en)"),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="text, json or markdown")]
DataFormatOpt = Annotated[DataFormat, typer.Option("--format", "-f", help="text or json")]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        help="Date to treat as today, YYYY-MM-DD (default: the real date); a case's own "
        "assessment_date still dates its facts"
    ),
]


def parse_today(value: str | None) -> dt.date | None:
    """The ``--today`` date, or None when it was not given (the caller picks the default)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadOptionError(f"--today: '{value}' is not a date; write YYYY-MM-DD.") from None


def language_for(chosen: Lang | None, case_language: str | None) -> str:
    """The language to write in: the one asked for, else the case's own, else English."""
    if chosen is not None:
        return chosen.value
    return case_language or DEFAULT_LANG


def output_target(output: Path | None, case_file: Path, *, pdf: bool, example: str) -> Path | None:
    """The file ``-o`` names, or None for standard output (no ``-o``, or ``-o -``).

    A PDF needs ``-o`` and is never written to a terminal (it would fill the screen with bytes);
    no output ever overwrites the case file it was made from. ``example`` is the file name the
    messages suggest, e.g. ``report.pdf``.
    """
    to_stdout = output is None or str(output) == "-"
    if pdf and output is None:
        raise BadOptionError(
            f"--format pdf: a PDF needs a file; add -o {example} (or -o - to send it down a pipe)."
        )
    if pdf and to_stdout and sys.stdout.isatty():
        raise BadOptionError(
            "-o -: a PDF is not text and would garble the terminal; write it to a file with "
            f"-o {example}, or pipe it to another program."
        )
    target = None if to_stdout else output
    if target is not None and target.resolve() == case_file.resolve():
        raise BadOptionError(f"-o {target}: that is the case file itself; choose another name.")
    return target


def write_output(path: Path, content: bytes, option: str = "-o") -> None:
    """Write an output file; a disk problem is one plain line naming the option, not a trace."""
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise UserError(
            f"{option} {path}: cannot write the file ({exc.strerror}); choose another place."
        ) from None


__all__ = [
    "ALL_PLACES",
    "CaseArg",
    "CaseLangOpt",
    "DataFormat",
    "DataFormatOpt",
    "Format",
    "FormatOpt",
    "JurisdictionOpt",
    "Lang",
    "LangOpt",
    "TodayOpt",
    "language_for",
    "output_target",
    "parse_today",
    "write_output",
]


class Reading:
    """How case files are read in this run: leniently by default, strictly with ``--strict``.

    A real history names medicines the knowledge base may lack; refusing the whole record for
    that loses it. Read leniently, such a medicine is kept, its drug classes stay unknown (so it
    can only make an answer "needs information"), and a warning names it with close matches.
    Pipelines that must not go on with an unknown medicine pass ``--strict``.
    """

    strict = False


def case_for(path: Path, kb: KnowledgeBase) -> Case:
    """The case file checked against the knowledge base, warnings printed to standard error.

    Medicines taken from a regimen name are noted there too, so that every command (not only
    ``assess``, which also shows them) says which medicines the person did not write.
    """
    from crossroads.engine.explain import expansion_notes
    from crossroads.steps.assess import read_case

    case, warnings = read_case(path, kb, strict=Reading.strict)
    for problem in warnings:
        if problem.note:
            sys.stderr.write(f"note: {path}: {problem}\n")
            continue
        if ".agents[" in problem.location or problem.location.endswith(".regimen"):
            tail = " Its drug classes stay unknown; use --strict to refuse."
        else:
            tail = "" if Reading.strict else " Use --strict to refuse."
        sys.stderr.write(f"warning: {path}: {problem}{tail}\n")
    for note in expansion_notes(case, kb):
        sys.stderr.write(f"note: {path}: {note['text']}\n")
    return case
