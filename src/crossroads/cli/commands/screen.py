"""CLI commands for population screening: ``crossroads screen`` and ``crossroads synth``.

``screen`` weighs every patient of a registry at once (FHIR Bulk NDJSON, a folder of case files,
or Parquet of derived facts) and writes per patient and jurisdiction the category, the on-label
products and the missing facts; the terminal shows only counts. ``synth`` writes a synthetic
cohort as Bulk NDJSON for trying it out and for tests.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crossroads.cli.commands.options import (
    ALL_PLACES,
    JurisdictionOpt,
    Lang,
    LangOpt,
    TodayOpt,
    parse_today,
)
from crossroads.common.errors import BadOptionError

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from rich.console import Console

    from crossroads.kb import KnowledgeBase
    from crossroads.screen.summary import Cell

_CATEGORY_ORDER = ("established", "cannot_tell", "trial", "not_realistic_now")


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def screen_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="A folder of FHIR Bulk NDJSON files, a folder of case files, or a Parquet file "
            "of derived facts",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Results file (Parquet, written owner-only)"),
    ] = Path("results.parquet"),
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Where the rules run: duckdb (embedded) or spark (Apache Spark, local[*]; "
            "needs Java)",
        ),
    ] = "duckdb",
    jurisdiction: JurisdictionOpt = ALL_PLACES,
    aggregate: Annotated[
        bool,
        typer.Option(
            "--aggregate",
            help="Write and show only counts, suppressing every count from 1 to 10 (de-identified)",
        ),
    ] = False,
    facts: Annotated[
        Path | None,
        typer.Option("--facts", help="Also write the derived-facts table (Parquet, owner-only)"),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes reading the records")
    ] = max(1, min(4, os.cpu_count() or 1)),
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", help="Also write the summary as an HTML page with charts (counts only)"
        ),
    ] = None,
    lang: LangOpt = Lang.en,
    today: TodayOpt = None,
) -> None:
    """Screen a whole registry: who is on label now, and who is one fact away."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from crossroads.kb import load_kb
    from crossroads.kb.places import parse_jurisdictions
    from crossroads.screen.run import ENGINES, screen, write_private
    from crossroads.screen.summary import aggregate_table, count_cells

    if engine not in ENGINES:
        raise BadOptionError(f"--engine: '{engine}' is not available; use {', '.join(ENGINES)}.")
    if not source.exists():
        raise BadOptionError(f"input {source}: no such file or folder.")
    kb = load_kb()
    places = parse_jurisdictions(jurisdiction)
    on = parse_today(today) or dt.date.today()
    err = _console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("reading records", total=None)
        run = screen(
            source,
            kb,
            places,
            on,
            workers=workers,
            engine=engine,
            progress=lambda n: bar.advance(task, n),
            total=lambda n: bar.update(task, total=n),
        )
    cells = count_cells(run.results)
    if aggregate:
        write_private(aggregate_table(cells), out)
    else:
        write_private(run.results, out)
    if facts is not None and run.facts is not None and not aggregate:
        write_private(run.facts, facts)
    if html is not None:
        from crossroads.render.screening import screening_html

        page = screening_html(
            cells,
            places,
            kb,
            lang=lang.value,
            aggregate=aggregate,
            patients=run.report.patients,
            problems=run.report.problem_count,
            on=on,
        )
        _write_private_text(html, page)
    _show(_console(), kb, run.report, cells, places, aggregate)
    what = "counts" if aggregate else "results"
    err.print(f"{what} written to {out} (owner-only)")


def _write_private_text(path: Path, text: str) -> None:
    """Write a page owner-only (0600): counts without suppression can still point at people."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(0o600)


def _show(
    console: Console,
    kb: KnowledgeBase,
    report: object,
    cells: list[Cell],
    places: Sequence[str],
    aggregate: bool,
) -> None:
    from rich.table import Table

    from crossroads.screen.sources import InputReport

    assert isinstance(report, InputReport)
    by = {(c.table, c.jurisdiction, c.key): c for c in cells}

    def shown(table: str, place: str, key: str) -> str:
        cell = by.get((table, place, key))
        return cell.shown(aggregate) if cell else "0"

    patients = str(report.patients)
    if aggregate and 0 < report.patients < 11:
        patients = "<11"
    console.print(f"Patients screened: {patients}")
    if report.problem_count:
        console.print(f"Lines or records not read: {report.problem_count}")
        for problem in report.problems[:20]:
            console.print(f"  {problem}")
        if report.problem_count > 20:
            console.print(f"  ... and {report.problem_count - 20} more")
    categories = Table(title="Category per place")
    categories.add_column("category")
    for place in places:
        categories.add_column(place, justify="right")
    for category in _CATEGORY_ORDER:
        categories.add_row(
            category.replace("_", " "), *(shown("category", p, category) for p in places)
        )
    console.print(categories)
    diseases = Table(title="On label now, per disease")
    diseases.add_column("disease")
    for place in places:
        diseases.add_column(place, justify="right")
    codes = sorted({c.key.split("|")[0] for c in cells if c.table == "disease"})
    for code in codes:
        name = kb.code_name(code) if code else "not known"
        diseases.add_row(name, *(shown("disease", p, f"{code}|established") for p in places))
    console.print(diseases)
    keys = sorted({c.key for c in cells if c.table == "missing"})
    for place in places:
        missing = Table(title=f"{place}: facts to ask for (category cannot be told yet)")
        missing.add_column("fact", ratio=4, overflow="fold")
        missing.add_column("people", justify="right", ratio=1)
        missing.add_column("only this fact", justify="right", ratio=1)
        for key in keys:
            if (("missing", place, key)) not in by:
                continue
            name = key.removeprefix("kb:") if key.startswith("kb:") else kb.fact_name(key)
            missing.add_row(name, shown("missing", place, key), shown("one_fact_away", place, key))
        console.print(missing)


def synth_command(
    patients: Annotated[int, typer.Option("--patients", min=1, help="How many patients")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="The same seed writes the same files")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the NDJSON files")] = Path(
        "synthetic-cohort"
    ),
    today: TodayOpt = None,
) -> None:
    """Write a synthetic cohort as FHIR Bulk NDJSON (invented people, for tests and trials)."""
    from rich.progress import Progress

    from crossroads.kb import load_kb
    from crossroads.screen.synth import write_cohort

    on = parse_today(today) or dt.date.today()
    with Progress(console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("writing patients", total=patients)
        counts = write_cohort(
            out, patients, seed, load_kb(), on, progress=lambda n: bar.advance(task, n)
        )
    total = sum(counts.values())
    _console().print(f"{patients} synthetic patients, {total} resources written to {out}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("screen")(screen_command)
    app.command("synth")(synth_command)
