"""CLI commands for record documents: read proposals from files, add the accepted ones to a case.

``crossroads records extract FILE`` prints what the rules read, each value beside its source
text; ``crossroads records add CASE FILE...`` asks, value by value, which to write into the case
(or takes ``--accept all`` / ``--accept FIELD,...`` in scripts) and writes only those, with their
provenance. ``crossroads records evaluate DIR`` scores the reading against expected extractions.
A refused file (not a PDF/JPEG/PNG, encrypted, damaged, with scripts, too large) exits with 2
and one line saying what is wrong and what to do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crossroads.cli.commands.options import Lang

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from crossroads.records.extract import Extraction, Proposal

records_app = typer.Typer(
    help="Read record documents (PDF, JPEG, PNG) into proposals for a case.",
    no_args_is_help=True,
)

FilesArg = Annotated[list[Path], typer.Argument(help="Record documents: PDF, JPEG or PNG")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the proposals as JSON")]

_KIND_NAMES = {
    "en": {
        "pathology": "pathology report",
        "discharge_summary": "discharge summary",
        "treatment_summary": "treatment summary",
        "imaging": "imaging report",
        "labs": "laboratory results",
        "transplant": "transplant summary",
        "medication_list": "medication list",
    },
    "zh-Hans": {
        "pathology": "病理报告",
        "discharge_summary": "出院小结",
        "treatment_summary": "治疗小结",
        "imaging": "影像报告",
        "labs": "检验报告",
        "transplant": "移植小结",
        "medication_list": "用药清单",
    },
}


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _read(files: list[Path], show_progress: bool) -> list[Extraction]:
    """Check, read and extract each file; a bar when there are several (on a terminal)."""
    from rich.progress import Progress

    from crossroads.kb import load_kb
    from crossroads.records.extract import extract
    from crossroads.records.intake import IntakeLimits, read_document
    from crossroads.records.text import read_text

    kb = load_kb()
    limits = IntakeLimits.from_env()
    # every file is checked before any is read, so a bad one stops the run before work is done
    documents = [read_document(path, limits) for path in files]
    out: list[Extraction] = []
    with Progress(transient=True, disable=not show_progress or len(files) < 2) as progress:
        task = progress.add_task("Reading records", total=len(documents))
        for document in documents:
            out.append(extract(kb, read_text(document)))
            progress.advance(task)
    return out


def _source_line(p: Proposal) -> str:
    source = p.provenance
    text = " ".join(source.text.split())
    return f"{source.name} p.{source.page} [{source.start}:{source.end}] «{text}»"


def _print(console: Console, extraction: Extraction, lang: str) -> None:
    from rich.markup import escape

    zh = lang.startswith("zh")
    kind = _KIND_NAMES[lang].get(extraction.kind or "", "?" if not zh else "未识别")
    name = extraction.text.document.name
    console.print(
        f"[bold]{escape(name)}[/bold] — {kind}"
        + (" (需要 OCR)" if zh and extraction.needs_ocr else "")
    )
    if extraction.needs_ocr and not zh:
        console.print(
            "  Some pages have no text layer (a scan or photo); OCR is not available yet."
        )
    if not extraction.proposals:
        console.print("  " + ("未读到可提议的数值。" if zh else "Nothing to propose."))
    for p in extraction.proposals:
        console.print(
            f"  {escape(p.path)} = [bold]{escape(str(p.value))}[/bold]"
            f"  ({p.confidence:.0%})\n      {escape(_source_line(p))}"
        )


@records_app.command("extract")
def extract_command(
    files: FilesArg,
    lang: Annotated[Lang, typer.Option("--lang", help="en or zh-Hans")] = Lang.en,
    as_json: JsonOpt = False,
) -> None:
    """Print the values read from each document, each with the text it was read from."""
    from crossroads.records.evaluate import proposals_data

    extractions = _read(files, show_progress=not as_json)
    if as_json:
        data = [
            {
                "document": e.text.document.name,
                "document_id": e.text.document.id,
                "kind": e.kind,
                "lang": e.lang,
                "needs_ocr": e.needs_ocr,
                "proposals": proposals_data(e.proposals),
            }
            for e in extractions
        ]
        typer.echo(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
        return
    console = _console()
    for extraction in extractions:
        _print(console, extraction, lang.value)


def _wanted(accept: str | None) -> tuple[bool, set[str]]:
    """``--accept all`` or a list of field paths or prefixes (``fitness``, ``lines.start``)."""
    if accept is None:
        return False, set()
    items = {a.strip() for a in accept.split(",") if a.strip()}
    if not items:
        from crossroads.common.errors import BadOptionError

        raise BadOptionError("--accept: give 'all' or field names, e.g. fitness.ecog,lines.")
    return "all" in items, items - {"all"}


def _matches(p: Proposal, fields: set[str]) -> bool:
    return any(
        p.field == f or p.path == f or p.field.startswith(f + ".") or p.path.startswith(f + ".")
        for f in fields
    )


@records_app.command("add")
def add_command(
    case_file: Annotated[Path, typer.Argument(help="Case file (YAML or JSON) to add values to")],
    files: FilesArg,
    accept: Annotated[
        str | None,
        typer.Option(
            "--accept",
            help="Accept without asking: 'all', or field names (fitness.ecog,lines,diagnosis)",
        ),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="en or zh-Hans")] = Lang.en,
) -> None:
    """Show the values read from the documents and write only those accepted into the case."""
    from crossroads.cli.commands.case_write import write_sections
    from crossroads.record.load import load_case
    from crossroads.records.apply import apply, conflicts

    case = load_case(case_file)  # a broken case file stops the run before any reading
    extractions = _read(files, show_progress=True)
    console = _console()
    proposals = [p for e in extractions for p in e.proposals]
    all_of_them, fields = _wanted(accept)
    clashes = {c.path: c for c in conflicts(proposals)}
    chosen: list[Proposal] = []
    for extraction in extractions:
        _print(console, extraction, lang.value)
    for path, clash in clashes.items():
        values = "; ".join(f"{v} ({w})" for v, w in clash.values)
        console.print(f"[yellow]Documents disagree on {path}:[/yellow] {values}")
    for p in proposals:
        if accept is not None:
            if p.path in clashes:
                continue  # a script cannot choose between two documents; a person must
            if all_of_them or _matches(p, fields):
                chosen.append(p)
            continue
        question = f"Accept {p.path} = {p.value}  ← {_source_line(p)}?"
        if typer.confirm(question, default=False):
            chosen = [c for c in chosen if c.path != p.path] + [p]
    if not chosen:
        typer.echo("Nothing accepted; the case file is unchanged.")
        return
    data = apply(case.to_data(), chosen)
    before = case.to_data()
    changed = {key: value for key, value in data.items() if before.get(key) != value}
    backup = write_sections(case_file, changed)
    typer.echo(
        f"Wrote {len(chosen)} value(s) to {case_file} with their sources "
        f"(the old file is in {backup})."
    )


@records_app.command("evaluate")
def evaluate_command(
    folder: Annotated[Path, typer.Argument(help="Folder of documents with NAME.yaml beside each")],
    as_json: JsonOpt = False,
    details: Annotated[
        bool, typer.Option("--details", help="List each wrong or missed value")
    ] = False,
) -> None:
    """Field-level precision and recall of the reading, per document kind and language."""
    from rich.table import Table

    from crossroads.common.errors import BadOptionError
    from crossroads.kb import load_kb
    from crossroads.records.evaluate import documents, evaluate

    if not folder.is_dir() or not documents(folder):
        raise BadOptionError(
            f"{folder}: no documents with an expected extraction (NAME.pdf beside NAME.yaml)."
        )
    result = evaluate(load_kb(), folder)
    groups = result.by_group()
    if as_json:
        rows = [
            {
                "kind": kind,
                "lang": lang,
                "documents": s.documents,
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "kind_detected": s.kinds_right,
            }
            for (kind, lang), s in groups.items()
        ]
        total = result.total
        typer.echo(
            json.dumps(
                {
                    "groups": rows,
                    "total": {
                        "documents": total.documents,
                        "precision": round(total.precision, 4),
                        "recall": round(total.recall, 4),
                        "kind_detected": total.kinds_right,
                    },
                },
                indent=2,
            )
        )
        return
    table = Table(title="Field-level precision and recall (text layer)")
    for column in ("kind", "lang", "docs", "precision", "recall", "kind found"):
        table.add_column(column)
    for (kind, lang), s in groups.items():
        table.add_row(
            kind,
            lang,
            str(s.documents),
            f"{s.precision:.2f}",
            f"{s.recall:.2f}",
            f"{s.kinds_right}/{s.documents}",
        )
    total = result.total
    table.add_row(
        "all",
        "",
        str(total.documents),
        f"{total.precision:.2f}",
        f"{total.recall:.2f}",
        f"{total.kinds_right}/{total.documents}",
    )
    console = _console()
    console.print(table)
    if details:
        for doc in result.documents:
            for item in doc.wrong:
                console.print(f"{doc.name}: proposed, not expected: {item}")
            for item in doc.missed:
                console.print(f"{doc.name}: expected, not proposed: {item}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.add_typer(records_app, name="records")
