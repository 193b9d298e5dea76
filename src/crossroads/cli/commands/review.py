"""CLI commands for steps 5 and 6: specialist review, the packet, and the four sentences.

- ``crossroads review CASE``: when a specialist review could help, and questions to bring to it;
- ``crossroads packet CASE``: the de-identified packet as JSON, HTML or PDF (a PDF needs ``-o``;
  it is never written to a terminal);
- ``crossroads summary CASE``: drafts of the four sentences and the decision-readiness check;
- ``crossroads sentences CASE --write``: store the drafts in the case's ``decision`` section,
  keeping sentences the person already wrote unless ``--force`` (with ``CASE.bak`` kept).

Bad input exits with code 2 and one plain line; heavy imports stay inside the functions.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crossroads.cli.commands.options import (
    ALL_PLACES,
    CaseArg,
    CaseLangOpt,
    DataFormat,
    DataFormatOpt,
    JurisdictionOpt,
    TodayOpt,
    case_for,
    language_for,
    output_target,
    parse_today,
    write_output,
)
from crossroads.common.errors import BadOptionError

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from collections.abc import Callable

    from crossroads.engine.classify import Classification
    from crossroads.kb import KnowledgeBase
    from crossroads.record.case import Case

    Builder = Callable[[Case, KnowledgeBase, Classification, str], dict[str, Any]]
    TextPrinter = Callable[[dict[str, Any], bool, Path], None]


class PacketFormat(StrEnum):
    json = "json"
    html = "html"
    pdf = "pdf"


def _load(
    case_file: Path, jurisdiction: str, today: str | None
) -> tuple[Case, KnowledgeBase, Classification]:
    from crossroads.engine.classify import classify
    from crossroads.kb import load_kb
    from crossroads.kb.places import parse_jurisdictions

    places = parse_jurisdictions(jurisdiction)
    on = parse_today(today)
    kb = load_kb()
    case = case_for(case_file, kb)
    return case, kb, classify(case, kb, places, on)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _data_command(
    load_builder: Callable[[], Builder], print_text: TextPrinter, doc: str
) -> Callable[..., None]:
    """A command that loads and classifies the case, builds its data, and prints it as JSON or
    as text. ``review`` and ``summary`` are two of these: the same options and the same steps;
    only the data and its text differ. ``load_builder`` imports the builder when the command
    runs, so that start-up stays fast.
    """

    def command(
        case_file: CaseArg,
        lang: CaseLangOpt = None,
        fmt: DataFormatOpt = DataFormat.text,
        jurisdiction: JurisdictionOpt = ALL_PLACES,
        today: TodayOpt = None,
    ) -> None:
        case, kb, result = _load(case_file, jurisdiction, today)
        language = language_for(lang, case.patient.language)
        data = load_builder()(case, kb, result, language)
        if fmt is DataFormat.json:
            _print_json(data)
        else:
            print_text(data, language.startswith("zh"), case_file)

    command.__doc__ = doc
    return command


def _heading(text: str) -> None:
    typer.echo(f"\n{text}\n{'-' * len(text)}")


# -- crossroads review --------------------------------------------------------------------------
def _review_builder() -> Builder:
    from crossroads.steps.review import review_data

    return review_data


def _review_text(data: dict[str, Any], zh: bool, case_file: Path) -> None:
    _heading("专家会诊" if zh else "Specialist review")
    if data["triage"]:
        typer.echo("可能有帮助的原因：" if zh else "A review could help because:")
        for item in data["triage"]:
            typer.echo(f"  • {item['text']}")
            for why in item["because"]:
                typer.echo(f"      {why}")
            typer.echo(f"      [{item['confidence']}] {item['source']}")
    else:
        typer.echo(
            "没有规则建议会诊；如果仍想要第二意见，可以随时提出。"
            if zh
            else "No rule points to a review; a second opinion is still yours to ask for."
        )
    if data["may_apply"]:
        typer.echo("\n可能适用，尚需信息：" if zh else "\nMay apply, needs information:")
        for item in data["may_apply"]:
            asks = "; ".join(m["ask"] for m in item["missing"])
            typer.echo(f"  • {asks} ({item['id']})")
    _heading("具体问题" if zh else "The specific question")
    if data["specific_question"]:
        typer.echo("你的问题（将用于资料包）：" if zh else "Your question (used in the packet): ")
        typer.echo(f"  {data['specific_question']}")
        typer.echo("\n其他可参考的问题：" if zh else "\nOther questions Crossroads could propose:")
    else:
        typer.echo(
            "建议的问题（请修改后写入 review.specific_question）："
            if zh
            else "Proposed questions (edit one and save it as review.specific_question):"
        )
    for i, question in enumerate(data["proposed_questions"], start=1):
        typer.echo(f"  {i}. {question}")
    typer.echo(f"\n{data['notice']}")


review = _data_command(
    _review_builder,
    _review_text,
    "Say when a specialist review (MDT) or second opinion could help, and what to ask it.",
)


# -- crossroads packet --------------------------------------------------------------------------
def packet(
    case_file: CaseArg,
    fmt: Annotated[PacketFormat, typer.Option("--format", "-f", help="json, html or pdf")] = (
        PacketFormat.json
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; '-' for a pipe")
    ] = None,
    lang: CaseLangOpt = None,
    jurisdiction: JurisdictionOpt = ALL_PLACES,
    today: TodayOpt = None,
    shift_seed: Annotated[
        str | None,
        typer.Option(help="Also show dates shifted by a secret number of months (keep it secret)"),
    ] = None,
) -> None:
    """Write the de-identified packet for specialist reviewers (JSON, HTML or PDF)."""
    from crossroads.steps.deid import deidentify

    target = output_target(output, case_file, pdf=fmt is PacketFormat.pdf, example="packet.pdf")
    case, kb, result = _load(case_file, jurisdiction, today)
    data = deidentify(
        case, kb, result, shift_seed=shift_seed, lang=language_for(lang, case.patient.language)
    )
    if fmt is PacketFormat.json:
        content = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        from crossroads.render.packet import packet_html, packet_pdf

        if fmt is PacketFormat.html:
            content = packet_html(data, kb).encode("utf-8")
        else:
            content = packet_pdf(data, kb)
    if target is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    write_output(target, content)
    typer.echo(f"Wrote {target}. {data['check_before_sending']}", err=True)


# -- crossroads summary and sentences -----------------------------------------------------------
def _show_sentences(title: str, sentences: dict[str, str | None], zh: bool) -> None:
    _heading(title)
    for i, part in enumerate(("status", "options", "car_t", "next_step"), start=1):
        text = sentences.get(part) or ("（未写）" if zh else "(not written)")
        typer.echo(f"  {i}. {text}")


def _summary_builder() -> Builder:
    from crossroads.steps.summary import summary_data

    return summary_data


def _summary_text(data: dict[str, Any], zh: bool, case_file: Path) -> None:
    _show_sentences(
        "草稿（根据记录生成，请修改）" if zh else "Drafts (from the record; edit them)",
        data["drafts"],
        zh,
    )
    _show_sentences(
        "病例中保存的句子" if zh else "Sentences stored in the case", data["stored"], zh
    )
    _heading("是否可以做决定" if zh else "Ready to decide?")
    first, *rest = data["readiness"]["text"]
    typer.echo(first)
    for line in rest:
        typer.echo(f"  • {line}")
    if any(not v for v in data["stored"].values()):
        typer.echo(
            f"\n保存草稿：crossroads sentences {case_file} --write"
            if zh
            else f"\nStore the drafts: crossroads sentences {case_file} --write"
        )
    typer.echo(f"\n{data['urgent']}\n{data['notice']}")


summary = _data_command(
    _summary_builder,
    _summary_text,
    "Draft the four plain sentences and check whether the decision is ready, or what is open.",
)


def sentences(
    case_file: CaseArg,
    write: Annotated[
        bool, typer.Option("--write", help="Store the drafts in the case file's decision section")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Also replace sentences the person already wrote")
    ] = False,
    lang: CaseLangOpt = None,
    jurisdiction: JurisdictionOpt = ALL_PLACES,
    today: TodayOpt = None,
) -> None:
    """Show the drafts of the four sentences; with --write, store them in the case file."""
    from crossroads.cli.commands.case_write import write_section
    from crossroads.steps.summary import PARTS, draft_sentences, merge_sentences

    if force and not write:
        raise BadOptionError("--force: only has a meaning with --write.")
    case, kb, result = _load(case_file, jurisdiction, today)
    language = language_for(lang, case.patient.language)
    drafts = draft_sentences(case, kb, result, language)
    merged, written, kept = merge_sentences(case.decision.sentences, drafts, force)
    if not write:
        zh = language.startswith("zh")
        _show_sentences("草稿" if zh else "Drafts", {p: getattr(drafts, p) for p in PARTS}, zh)
        typer.echo("\nNothing written. Add --write to store the drafts in the case file.")
        return
    if not written:
        typer.echo("Nothing to write: every sentence is already in the case file.")
        if kept:
            typer.echo(f"Kept as written: {', '.join(kept)} (use --force to replace them).")
        return
    decision = case.decision.model_copy(update={"sentences": merged})
    backup = write_section(
        case_file, "decision", decision.model_dump(mode="json", exclude_none=True)
    )
    typer.echo(f"Wrote {', '.join(written)} to {case_file} (the old file is in {backup}).")
    if kept:
        typer.echo(f"Kept as written: {', '.join(kept)} (use --force to replace them).")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("review")(review)
    app.command("packet")(packet)
    app.command("summary")(summary)
    app.command("sentences")(sentences)
