"""The Option Grid (from :func:`crossroads.steps.compare.grid_data`) as Markdown and as Rich tables.

Options are columns and attributes are rows, in the order the data gives: rows by what matters to
the person, columns by the one stated rule (kind of treatment, then name), which is not a ranking
(the grid says so). The shared outcome row and the harm rows come first, each figure read both
ways with its trial and people and its range (or "no range given"), or "No figure to compare";
how the worked-out ranges were computed is said once per setting.
Sources are numbered footnotes so that cells stay short; every cell keeps its reference numbers.
The "different trials, not head-to-head" note sits above every grid that shows figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crossroads.kb import KnowledgeBase
from crossroads.kb.alternatives import load_alternatives
from crossroads.render.svg import icon_array_svg

Phrase = Callable[..., str]
_LABEL_WIDTH = 22
_COLUMN_WIDTH = 30


def _colon(lang: str) -> str:
    return "：" if lang.startswith("zh") else ": "


def _bracket(text: str, lang: str) -> str:
    return f"（{text}）" if lang.startswith("zh") else f" ({text})"


def _refs(refs: list[int]) -> str:
    return "".join(f"[{r}]" for r in refs)


def _with_refs(text: str, refs: list[int]) -> str:
    return f"{text} {_refs(refs)}" if refs else text


def _cell_lines(cell: dict[str, Any], lang: str) -> list[str]:
    """A cell as plain lines: text with refs, figures, uncertainty, then the rule per place."""
    c = _colon(lang)
    lines = [_with_refs(cell["text"], cell["refs"])]
    lines += [f"• {f['label']}{c}{f['value']}" for f in cell["figures"]]
    if cell["uncertain"]:
        lines.append(cell["uncertain"])
    for place in cell["per_place"]:
        line = _with_refs(f"{place['label']}{c}{place['text']}", place["refs"])
        lines.append(line + (f" {place['uncertain']}" if place["uncertain"] else ""))
    return lines


def _goal_lines(cell: dict[str, Any], lang: str) -> list[str]:
    """The reason, with the rule it rests on beside it (no ranking-like fit label)."""
    text = cell["reason"]
    if cell["basis"]:
        text += _bracket(cell["basis"]["text"], lang)
    return [_with_refs(text, cell["refs"])]


def _shared_lines(cell: dict[str, Any], lang: str) -> list[str]:
    """A shared-row cell: each figure's trial and sentence (both ways), its people, any mark;
    or "No figure to compare", said plainly."""
    if cell["none"]:
        return [cell["none"]]
    lines = []
    for figure in cell["figures"]:
        head = f"{figure['trial']}{_colon(lang)}{figure['text']}"
        lines.append(_with_refs(head, figure["refs"]))
        spread = figure.get("range") or figure.get("no_range")
        if spread:
            lines.append(spread)
        lines.append(figure["population"])
        if figure["mark"]:
            lines.append(f"⚠ {figure['mark']}")
        if figure["uncertain"]:
            lines.append(figure["uncertain"])
    return lines


def _shared_rows(setting: dict[str, Any]) -> list[dict[str, Any]]:
    """The shared outcome row (if the setting has one), then the harm rows, as label and cells."""
    rows = []
    if setting.get("outcome_row"):
        outcome = setting["outcome_row"]
        rows.append({"key": "outcome", "label": outcome["label"], "cells": outcome["cells"]})
    rows += [
        {"key": r["harm"], "label": r["label"], "cells": r["cells"]}
        for r in setting.get("harm_rows", [])
    ]
    return rows


def add_icon_svgs(data: dict[str, Any]) -> dict[str, Any]:
    """Give every "out of 100" figure of the grid its icon array as SVG text (``icon.svg``).

    Done in the render layer, after any plain-words pass over the data, so the SVG stays as
    built; the report and the web page show the same pictures.
    """
    for setting in data.get("settings", []):
        for row in _shared_rows(setting):
            for cell in row["cells"]:
                for i, figure in enumerate(cell["figures"]):
                    icon = figure.get("icon")
                    if icon:
                        ident = f"icons-{setting['id']}-{row['key']}-{cell['code']}-{i}"
                        icon["svg"] = icon_array_svg(icon["n"], icon["title"], icon["desc"], ident)
    return data


def _availability_lines(places: list[dict[str, Any]], lang: str) -> list[str]:
    lines = []
    for place in places:
        line = f"{place['label']}{_colon(lang)}{place['status_label']}"
        if place["text"]:
            line += _bracket(place["text"], lang)
        line = _with_refs(line, place["refs"])
        if place["uncertain"]:
            line += f" {place['uncertain']}"
        lines.append(line)
    return lines


def _header_lines(data: dict[str, Any], kb_line: str) -> list[str]:
    prefs = data["preferences"]
    lines = [kb_line]
    if prefs["goal_line"]:
        dash = "——" if data["lang"].startswith("zh") else " — "
        lines.append(f"{prefs['goal_line']}{dash}{prefs['goal_explain']}")
    if prefs["fears_line"]:
        lines.append(prefs["fears_line"])
    lines += [f"- {need}" for need in prefs["needs"]]
    return lines


def _status_lines(data: dict[str, Any], kb_phrase: Phrase) -> list[str]:
    """What the grid could not show: facts to settle the setting, or why none fits."""
    out: list[str] = []
    if data["status_text"]:
        out += ["", data["status_text"], ""]
        out += [f"- {kb_phrase('needs_information', ask=m['ask'])}" for m in data["missing_facts"]]
        for ruled in data["ruled_out"]:
            out += ["", ruled["text"], ""] + [f"- {reason}" for reason in ruled["reasons"]]
    for undecided in data["undecided"]:
        out += ["", undecided["text"], ""]
        out += [f"- {kb_phrase('needs_information', ask=m['ask'])}" for m in undecided["missing"]]
    return out


def _source_line(source: dict[str, Any], p: Phrase) -> str:
    tail = ""
    if source["confidence_label"]:
        tail = f" · {source['confidence_label']} · {p('grid.checked', date=source['as_of'])}"
    return f"{source['ref']}. {source['source']}{tail}"


def _phrases(kb: KnowledgeBase, lang: str) -> tuple[Phrase, Phrase]:
    """Look-ups for the grid's own phrases and the shared catalogue, in one language."""
    alternatives = load_alternatives(kb)

    def p(key: str, **values: object) -> str:
        return alternatives.phrase(key, lang, **values)

    def kb_phrase(key: str, **values: object) -> str:
        return kb.phrase(key, lang, **values)

    return p, kb_phrase


def _kb_line(data: dict[str, Any], kb_phrase: Phrase) -> str:
    release = data["knowledge_base"]
    return (
        kb_phrase("ui.assessed_on", date=data["assessment_date"])
        + " · "
        + kb_phrase("ui.kb", version=release["version"], date=release["date"])
    )


# -- Markdown ---------------------------------------------------------------------------------
def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_cell(lines: list[str]) -> str:
    return "<br>".join(_md(line) for line in lines)


def _md_setting(setting: dict[str, Any], data: dict[str, Any], p: Phrase) -> list[str]:
    lang = data["lang"]
    out = ["", f"## {setting['title']}", ""]
    if setting["why"]:
        out += [p("grid.why_setting") + _colon(lang).strip(), ""]
        out += [f"- {why}" for why in setting["why"]] + [""]
    if setting["about"]:
        out += [_with_refs(setting["about"]["text"], setting["about"]["refs"]), ""]
    if setting["head_to_head_note"]:
        out += [f"> {setting['head_to_head_note']}", ""]
    if setting.get("outcome_row"):
        out += [setting["outcome_row"]["about"], ""]
    if setting.get("ranges_about"):
        out += [setting["ranges_about"], ""]
    out += [setting["harms_about"], "", data["order_note"], "", data["how_to_use"], ""]
    options = setting["options"]
    out.append(f"| {p('grid.option')} | " + " | ".join(_md(o["name"]) for o in options) + " |")
    out.append("|---" * (len(options) + 1) + "|")
    out.append("| | " + " | ".join(f"_{_md(o['kind_name'])}_" for o in options) + " |")
    if setting["goal_row"]:
        goal = setting["goal_row"]
        cells = [_md_cell(_goal_lines(c, lang)) for c in goal["cells"]]
        out.append(f"| **{_md(goal['label'])}** | " + " | ".join(cells) + " |")
    for shared in _shared_rows(setting):
        cells = [_md_cell(_shared_lines(c, lang)) for c in shared["cells"]]
        out.append(f"| {_md(shared['label'])} | " + " | ".join(cells) + " |")
    for row in setting["rows"]:
        label = f"**{_md(row['heading'])}**" if row["top"] else _md(row["heading"])
        cells = [_md_cell(_cell_lines(c, lang)) for c in row["cells"]]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    cells = [_md_cell(_availability_lines(places, lang)) for places in setting["availability"]]
    out.append(f"| {p('grid.availability')} | " + " | ".join(cells) + " |")
    if setting["notes"]:
        out += ["", f"### {p('grid.notes')}", ""]
        out += [f"- {' '.join(_cell_lines(note, lang))}" for note in setting["notes"]]
    out += ["", f"### {p('grid.sources')}", ""]
    out += [_source_line(source, p) for source in setting["sources"]]
    return out


def render_grid_markdown(data: dict[str, Any], kb: KnowledgeBase) -> str:
    """The grid as Markdown (for a letter, a ticket or the report)."""
    p, kb_phrase = _phrases(kb, data["lang"])
    out = [f"# {data['title']}", "", *_header_lines(data, _kb_line(data, kb_phrase))]
    out += _status_lines(data, kb_phrase)
    for setting in data["settings"]:
        out += _md_setting(setting, data, p)
    out += ["", f"**{data['urgent']}**", "", f"_{data['notice']}_", ""]
    return "\n".join(out)


# -- Rich (terminal) --------------------------------------------------------------------------
def _columns_per_table(width: int) -> int:
    return max(1, (width - _LABEL_WIDTH) // _COLUMN_WIDTH)


def _rich_table(setting: dict[str, Any], lang: str, p: Phrase, start: int, end: int) -> Table:
    table = Table(show_lines=True, expand=True)
    table.add_column(p("grid.option"), ratio=2, min_width=12, overflow="fold")
    for option in setting["options"][start:end]:
        table.add_column(Text(option["name"]), ratio=3, overflow="fold")
    kinds = [Text(o["kind_name"], style="italic") for o in setting["options"][start:end]]
    table.add_row("", *kinds)
    if setting["goal_row"]:
        goal = setting["goal_row"]
        cells = [Text("\n".join(_goal_lines(c, lang))) for c in goal["cells"][start:end]]
        table.add_row(Text(goal["label"], style="bold"), *cells)
    for shared in _shared_rows(setting):
        cells = [Text("\n".join(_shared_lines(c, lang))) for c in shared["cells"][start:end]]
        table.add_row(Text(shared["label"]), *cells)
    for row in setting["rows"]:
        label = Text(row["heading"], style="bold" if row["top"] else "")
        cells = [Text("\n".join(_cell_lines(c, lang))) for c in row["cells"][start:end]]
        table.add_row(label, *cells)
    places = setting["availability"][start:end]
    table.add_row(
        p("grid.availability"), *(Text("\n".join(_availability_lines(a, lang))) for a in places)
    )
    return table


def _rich_setting(
    setting: dict[str, Any], data: dict[str, Any], p: Phrase, console: Console
) -> None:
    lang = data["lang"]
    console.print()
    console.print(Text(setting["title"], style="bold"))
    if setting["why"]:
        console.print(Text(p("grid.why_setting") + _colon(lang).strip(), style="dim"))
        for why in setting["why"]:
            console.print(Text(f"  • {why}", style="dim"))
    if setting["about"]:
        console.print(Text(_with_refs(setting["about"]["text"], setting["about"]["refs"])))
    if setting["head_to_head_note"]:
        console.print(Text(setting["head_to_head_note"], style="bold yellow"))
    if setting.get("outcome_row"):
        console.print(Text(setting["outcome_row"]["about"]))
    if setting.get("ranges_about"):
        console.print(Text(setting["ranges_about"]))
    console.print(Text(setting["harms_about"]))
    console.print(Text(data["order_note"], style="italic"))
    console.print(Text(data["how_to_use"]))
    count = len(setting["options"])
    per_table = _columns_per_table(console.width)
    for start in range(0, count, per_table):
        end = min(start + per_table, count)
        table = _rich_table(setting, lang, p, start, end)
        if count > per_table:
            table.caption = f"{start + 1}-{end} / {count}"
        console.print(table)
    if setting["notes"]:
        console.print(Text(p("grid.notes"), style="bold"))
        for note in setting["notes"]:
            console.print(Text("  • " + " ".join(_cell_lines(note, lang))))
    console.print(Text(p("grid.sources"), style="bold"))
    for source in setting["sources"]:
        console.print(Text("  " + _source_line(source, p), style="dim"))


def render_grid_text(data: dict[str, Any], kb: KnowledgeBase, console: Console) -> None:
    """Print the grid in a terminal, splitting wide grids into tables of a few options each."""
    p, kb_phrase = _phrases(kb, data["lang"])
    console.print(Text(data["title"], style="bold"))
    for line in _header_lines(data, _kb_line(data, kb_phrase)):
        console.print(Text(line, style="yellow" if line.startswith("- ") else ""))
    for line in _status_lines(data, kb_phrase):
        console.print(Text(line))
    for setting in data["settings"]:
        _rich_setting(setting, data, p, console)
    console.print(Text(data["urgent"], style="bold red"))
    console.print(Text(data["notice"], style="dim"))
