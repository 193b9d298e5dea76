"""CLI commands for the interop area: ``fhir export``, ``fhir import``, ``trials`` and
``trials download``.

Each command reads its input, calls one core function (:mod:`crossroads.interop.fhir`,
:mod:`crossroads.interop.trials`) and prints. Bad input is a one-line error with exit code 2. An
import that could not map everything still writes the case (exit 0) and lists what it left unknown.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from crossroads.cli.commands.options import (
    CaseArg,
    DataFormat,
    DataFormatOpt,
    Lang,
    LangOpt,
    TodayOpt,
    case_for,
    parse_today,
)
from crossroads.common.errors import CrossroadsError, UserError

if TYPE_CHECKING:
    from crossroads.interop.fhir import ImportResult


OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: print)")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite the output file")]


def _write(path: Path, text: str, force: bool) -> None:
    if path.exists() and not force:
        raise UserError(
            f"--output {path}: already exists; choose another name or add --force, so nothing "
            "is overwritten by accident."
        )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--output {path}: cannot write the file ({exc.strerror}).") from None
    sys.stderr.write(f"Wrote {path}\n")


def fhir_export(
    case_file: CaseArg,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write the case as a FHIR R4 Bundle (mCODE profiles where they fit), checked first."""
    from crossroads.interop.fhir import export_case, validate_bundle
    from crossroads.kb import load_kb

    kb = load_kb()
    bundle = export_case(case_for(case_file, kb), kb)
    issues = [i for i in validate_bundle(bundle) if i.severity == "error"]
    if issues:  # a bug in the exporter, never the person's fault
        listed = "\n".join(f"  - {i}" for i in issues[:10])
        raise CrossroadsError(f"the export broke FHIR rules; nothing was written:\n{listed}")
    text = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text, force)


def _report(result: ImportResult, lang: str) -> str:
    from crossroads.kb.fhir_maps import load_fhir_maps

    maps = load_fhir_maps()
    lines = []
    for kind in ("unmapped", "ambiguous", "problem", "not_used"):
        notes = [n for n in result.notes if n.kind == kind]
        if notes:
            colon = "：" if lang.startswith("zh") else ": "
            lines.append(f"{maps.phrase(f'report.{kind}', lang)}{colon}{len(notes)}")
            lines += [f"  - {n.where}: {n.message}" for n in notes]
    if not lines:
        lines.append(maps.phrase("report.complete", lang))
    return "\n".join(lines) + "\n"


def _resource_table(result: ImportResult, lang: str) -> None:
    """The mapping report as a table on standard error: one row per resource of the file."""
    from rich.console import Console
    from rich.table import Table

    from crossroads.kb.fhir_maps import load_fhir_maps

    maps = load_fhir_maps()
    table = Table(title=maps.phrase("report.title", lang), show_lines=False)
    for key in ("report.resource", "report.outcome", "report.detail"):
        table.add_column(maps.phrase(key, lang), overflow="fold")
    for row in result.report:
        table.add_row(row.where, maps.phrase(f"report.outcome.{row.outcome}", lang), row.detail)
    Console(stderr=True, highlight=False, soft_wrap=False, width=120).print(table)


def fhir_import(
    bundle_file: Annotated[Path, typer.Argument(help="FHIR Bundle or Patient (JSON)")],
    output: OutputOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = Lang.en,
    resources: Annotated[
        bool,
        typer.Option(
            "--report",
            help="Also show a table with one row per record of the file: used, ignored or not "
            "understood, and why",
        ),
    ] = False,
) -> None:
    """Build a case file from a FHIR Bundle; list everything that could not be mapped."""
    import yaml

    from crossroads.interop.fhir import import_bundle, read_fhir_file
    from crossroads.kb import load_kb

    result = import_bundle(
        read_fhir_file(bundle_file), load_kb(), lang=lang.value, source=str(bundle_file)
    )
    from crossroads.record.case import Case

    defaults = Case().to_data()
    data = {k: v for k, v in result.case.to_data().items() if v != defaults.get(k, object())}
    head = f"# Imported by Crossroads from {bundle_file.name}. Check every field.\n"
    text = head + yaml.safe_dump(
        {"schema": "crossroads.case/v1", **data}, allow_unicode=True, sort_keys=False
    )
    report = _report(result, lang.value)
    if resources:
        _resource_table(result, lang.value)
    if output is None:
        sys.stdout.write(text)
        sys.stderr.write(report)
    else:
        _write(output, text, force)
        sys.stdout.write(report)
    if result.unmapped:
        from crossroads.kb.fhir_maps import load_fhir_maps

        count = len(result.unmapped)
        sys.stderr.write(load_fhir_maps().phrase("report.warning", lang.value, count=count) + "\n")


class _TrialsGroup(TyperGroup):
    """``crossroads trials CASE`` runs ``search``; ``crossroads trials download`` downloads."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["search", *args]
        return super().parse_args(ctx, args)


def trials_search(
    case_file: CaseArg,
    studies: Annotated[
        list[Path] | None,
        typer.Option(
            "--studies",
            help="Study files or folders (ClinicalTrials.gov API v2 JSON); default: the set "
            "shipped with Crossroads",
        ),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help="Only studies with a site in this country (e.g. CN)"),
    ] = None,
    city: Annotated[
        str | None, typer.Option("--city", help="Only studies with a site in this city")
    ] = None,
    fmt: DataFormatOpt = DataFormat.text,
    phase: Annotated[
        list[str] | None, typer.Option("--phase", help="Only these phases, e.g. 2 or 1 (repeat)")
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all", help="Also show closed studies and studies that do not fit on a point"
        ),
    ] = False,
    lang: LangOpt = Lang.en,
    today: TodayOpt = None,
) -> None:
    """Find trial studies for a case and explain, point by point, what fits and what is unknown."""
    from crossroads.interop.trials import load_studies, render_text, search, search_data
    from crossroads.interop.trials.search import SearchOptions, default_study_paths, parse_phases
    from crossroads.kb import load_kb

    kb = load_kb()
    case = case_for(case_file, kb)
    loaded = load_studies(studies or default_study_paths())
    options = SearchOptions(
        country=country,
        city=city,
        phases=parse_phases(phase or []),
        show_all=show_all,
        today=parse_today(today),
    )
    result = search(case, loaded, kb, options)
    if fmt is DataFormat.json:
        data = search_data(result, kb, lang.value)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(result, kb, lang.value))


def trials_download(
    condition: Annotated[
        str, typer.Option("--condition", help="Condition to search, e.g. 'multiple myeloma'")
    ],
    intervention: Annotated[
        str, typer.Option("--intervention", help="Intervention words")
    ] = "CAR-T OR chimeric antigen receptor",
    cache: Annotated[
        Path | None, typer.Option("--cache", help="Folder for downloaded studies")
    ] = None,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, max=50)] = 5,
    registry_url: Annotated[
        str | None, typer.Option("--registry-url", hidden=True, help="API base (for tests)")
    ] = None,
) -> None:
    """Download recruiting studies from the ClinicalTrials.gov API v2 (needs a network)."""
    from crossroads.interop.trials.ctgov import API_BASE, Query, default_cache_dir, download

    query = Query(condition=condition, intervention=intervention)
    folder = cache or default_cache_dir()
    saved = download(query, folder, base_url=registry_url or API_BASE, max_pages=max_pages)
    how = "from the cache" if saved.from_cache else "downloaded"
    sys.stdout.write(
        f"{saved.count} studies ({how}) in {saved.path}.\n"
        f"Search them: crossroads trials CASE --studies {saved.path}\n"
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    fhir_app = typer.Typer(
        help="Export a case as a FHIR R4 Bundle (mCODE), or build a case from one.",
        no_args_is_help=True,
    )
    fhir_app.command("export")(fhir_export)
    fhir_app.command("import")(fhir_import)
    app.add_typer(fhir_app, name="fhir")
    trials_app = typer.Typer(
        cls=_TrialsGroup,
        help="Trial search: `crossroads trials CASE` or `crossroads trials download`.",
        no_args_is_help=True,
    )
    trials_app.command("search")(trials_search)
    trials_app.command("download")(trials_download)
    app.add_typer(trials_app, name="trials")
