"""The ``crossroads`` command line (Typer + Rich).

User errors print one plain line naming the field and the fix, and exit with code 2; a broken
knowledge base exits with 3. No traceback reaches the person at the keyboard.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crossroads.cli.commands.options import (
    ALL_PLACES,
    CaseArg,
    Format,
    FormatOpt,
    JurisdictionOpt,
    Lang,
    LangOpt,
    Reading,
    TodayOpt,
    case_for,
    parse_today,
)
from crossroads.common.errors import BadOptionError, CrossroadsError, UserError

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from rich.console import Console

# Crossroads uses no Pydantic plugins; skipping their discovery saves start-up time.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

app = typer.Typer(
    help="Crossroads: organise a relapsed blood-cancer case and see where CAR-T stands.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
case_app = typer.Typer(help="Create, check and describe case files.", no_args_is_help=True)
kb_app = typer.Typer(help="Look into the knowledge base.", no_args_is_help=True)
app.add_typer(case_app, name="case")
app.add_typer(kb_app, name="kb")


@app.callback()
def reading(
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse a case that names a medicine Crossroads does not know (for pipelines). "
            "By default it is kept with a warning and its drug classes stay unknown.",
        ),
    ] = False,
) -> None:
    """Crossroads: organise a relapsed blood-cancer case and see where CAR-T stands."""
    Reading.strict = strict


@functools.cache
def out() -> Console:
    """The terminal console, made on first use: JSON output never pays for importing Rich."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@functools.cache
def err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


@app.command()
def assess(
    case_file: CaseArg,
    jurisdiction: JurisdictionOpt = ALL_PLACES,
    fmt: FormatOpt = Format.text,
    lang: LangOpt = Lang.en,
    today: TodayOpt = None,
) -> None:
    """Classify CAR-T for a case in each jurisdiction, with reasons and sources."""
    from crossroads.engine.classify import classify
    from crossroads.kb import load_kb
    from crossroads.kb.places import parse_jurisdictions
    from crossroads.render.data import assessment_data

    kb = load_kb()
    places = parse_jurisdictions(jurisdiction)
    result = classify(case_for(case_file, kb), kb, places, parse_today(today))
    data = assessment_data(result, kb, lang.value)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.markdown:
        from crossroads.render.markdown import render_markdown

        sys.stdout.write(render_markdown(data, kb))
    else:
        from crossroads.render.text import render_text

        render_text(data, kb, out())


@app.command("output-schema")
def output_schema() -> None:
    """Print the JSON Schema of `assess --format json`."""
    from crossroads.render.schema import assessment_json_schema

    sys.stdout.write(json.dumps(assessment_json_schema(), indent=2) + "\n")


@case_app.command("schema")
def case_schema() -> None:
    """Print the JSON Schema of the case format."""
    from crossroads.record.case import case_json_schema

    sys.stdout.write(json.dumps(case_json_schema(), indent=2) + "\n")


@case_app.command("validate")
def case_validate(
    files: Annotated[list[Path], typer.Argument(help="One or more case files")],
) -> None:
    """Check case files; list every problem with its field and a fix."""
    from crossroads.kb import load_kb

    kb = load_kb()
    failed = 0
    for file in files:
        try:
            case_for(file, kb)
            out().print(f"[green]ok[/green]  {file}")
        except UserError as exc:
            failed += 1
            err().print(f"[red]bad[/red] {exc}", markup=True)
    if failed:
        raise typer.Exit(2)


@case_app.command("new")
def case_new(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: print)")
    ] = None,
    ask: Annotated[
        bool, typer.Option("--ask", help="Ask questions instead of writing a template")
    ] = False,
) -> None:
    """Write a commented case template, or build a case by answering questions."""
    if ask:
        from crossroads.cli.interview import interview

        text = interview(out())
    else:
        from crossroads.record.template import TEMPLATE

        text = TEMPLATE
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists():
        raise UserError(f"{output}: already exists; choose another name so nothing is overwritten.")
    output.write_text(text, encoding="utf-8")
    out().print(f"Wrote {output}. Next: crossroads case validate {output}")


@kb_app.command("list")
def kb_list() -> None:
    """List products, their targets and where they are approved."""
    from rich.table import Table

    from crossroads.kb import JURISDICTIONS, load_kb

    kb = load_kb()
    table = Table(title=f"Knowledge base {kb.release.version} ({kb.release.date})")
    table.add_column("product")
    table.add_column("short")
    table.add_column("target")
    for j in JURISDICTIONS:
        table.add_column(j, justify="right")
    for product in sorted(kb.products.values(), key=lambda p: p.code):
        counts = [
            str(sum(i.jurisdiction == j for i in product.indications) or "—") for j in JURISDICTIONS
        ]
        table.add_row(product.code, product.short, product.target, *counts)
    out().print(table)
    out().print("Numbers are indications per jurisdiction. Details: crossroads kb show PRODUCT")


@kb_app.command("show")
def kb_show(
    product: Annotated[str, typer.Argument(help="Generic name, short name or brand")],
) -> None:
    """Show one product's indications with criteria, sources and dates."""
    import yaml

    from crossroads.common.messages import did_you_mean
    from crossroads.kb import load_kb
    from crossroads.kb.base import normalise_name

    kb = load_kb()
    wanted = normalise_name(product)
    found = next(
        (
            p
            for p in kb.products.values()
            if wanted in {normalise_name(n) for n in (p.code, p.short, *p.brand.values())}
        ),
        None,
    )
    if found is None:
        names = [p.code for p in kb.products.values()] + [p.short for p in kb.products.values()]
        raise UserError(
            f"'{product}' is not a product in the knowledge base. " + did_you_mean(product, names)
        )
    out().print(
        f"[bold]{found.code}[/bold] ({found.short}) · target {found.target} · {found.maker}"
    )
    for ind in found.indications:
        out().print(
            f"\n[bold]{ind.jurisdiction} · {ind.id}[/bold]  "
            f"approved {ind.approved or '?'} ({ind.approval})"
        )
        out().print(ind.summary.en)
        out().print(
            yaml.safe_dump(ind.criteria, allow_unicode=True, sort_keys=False).rstrip(), markup=False
        )
        out().print(
            f"[dim]source: {ind.source} · as of {ind.as_of} · confidence {ind.confidence}[/dim]"
        )
        if ind.flag:
            out().print(f"[yellow]⚠ {ind.flag_text()}[/yellow]")
    for fact in found.facts:
        out().print(
            f"\n• {fact.text.en} [dim]({', '.join(fact.jurisdictions)}; "
            f"{fact.confidence}; {fact.source})[/dim]"
        )


@kb_app.command("check")
def kb_check(
    strict: Annotated[bool, typer.Option(help="Also fail on warnings")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only errors and the summary")
    ] = False,
) -> None:
    """Fail on uncited, unknown or impossible facts; warn on stale or flagged ones."""
    from crossroads.kb import load_kb
    from crossroads.kb.check import summary
    from crossroads.kb.release import check_release

    kb = load_kb(use_cache=False)
    findings = check_release(kb)
    for finding in findings:
        if finding.level == "error":
            err().print(f"[red]{finding}[/red]", markup=True)
        elif not quiet:
            out().print(f"[yellow]{finding}[/yellow]", markup=True)
    counts = summary(findings)
    total = sum(len(p.indications) for p in kb.products.values())
    out().print(
        f"knowledge base {kb.release.version}: {len(kb.products)} products, {total} indications, "
        f"{len(kb.drugs)} drugs; {counts['errors']} errors, {counts['warnings']} warnings"
    )
    if counts["errors"] or (strict and counts["warnings"]):
        raise typer.Exit(1)


@kb_app.command("docs")
def kb_docs(
    write: Annotated[
        bool,
        typer.Option(
            help="Write every generated page to docs/ (knowledge base, IPDASi self-audit, "
            "PEMAT-P self-score) instead of printing one"
        ),
    ] = False,
    page: Annotated[
        str,
        typer.Option(help="The page to print: knowledge-base.md, ipdas-self-audit.md, pemat-p.md"),
    ] = "knowledge-base.md",
) -> None:
    """Generate the docs pages from the knowledge base and the product."""
    from crossroads.kb import load_kb
    from crossroads.kb.docs import generated_docs

    pages = generated_docs(load_kb())
    if write:
        target = Path("docs")
        target.mkdir(exist_ok=True)
        for name, text in pages.items():
            (target / name).write_text(text, encoding="utf-8")
            out().print(f"Wrote {target / name}")
    elif page not in pages:
        raise BadOptionError(f"--page: '{page}' is not a generated page; use {', '.join(pages)}.")
    else:
        sys.stdout.write(pages[page])


@app.command()
def tour(
    examples: Annotated[Path, typer.Option(help="Folder of example cases")] = Path("examples"),
    lang: LangOpt = Lang.en,
) -> None:
    """Walk through the example cases: one line per case and jurisdiction, then one in full."""
    from rich.table import Table

    from crossroads.kb import load_kb
    from crossroads.render.data import assessment_data
    from crossroads.render.text import render_text
    from crossroads.steps.assess import assess_file

    kb = load_kb()
    files = sorted(f for f in examples.glob("*.yaml") if f.name != "expected.yaml")
    if not files:
        raise UserError(f"{examples}: no example cases found; run from the project folder.")
    table = Table(title=f"Crossroads tour: {len(files)} example cases")
    table.add_column("case")
    for j in ("US", "EU", "CN"):
        table.add_column(j)
    for file in files:
        result = assess_file(file, kb=kb)
        table.add_row(file.stem, *(r.category.replace("_", " ") for r in result.jurisdictions))
    out().print(table)
    first = files[0]
    out().print(f"\nIn full: {first.name}\n")
    render_text(assessment_data(assess_file(first, kb=kb), kb, lang.value), kb, out())
    out().print(
        "\nTry: crossroads assess examples/<case>.yaml --format json   ·   crossroads kb list"
    )


def _register_areas(argv: list[str]) -> None:
    import importlib

    from crossroads.cli.commands import areas_for

    for area in areas_for(argv):
        importlib.import_module(f"crossroads.cli.commands.{area}").register(app)


_register_areas(sys.argv)


def main() -> None:
    """Entry point: run the app, turning Crossroads errors into one line and an exit code."""
    try:
        app()
    except UserError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except CrossroadsError as exc:
        sys.stderr.write(f"knowledge-base error: {exc}\n")
        sys.exit(getattr(exc, "exit_code", 1))
