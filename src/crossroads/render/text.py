"""A Rich layout of the assessment that a patient can read in a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crossroads.kb import KnowledgeBase
from crossroads.kb.names import product_name

_STATUS_STYLE = {"on_label": "green", "needs_information": "yellow", "not_on_label": "red"}
_CATEGORY_STYLE = {
    "established": "green",
    "cannot_tell": "yellow",
    "trial": "cyan",
    "not_realistic_now": "red",
}


def render_text(data: dict[str, Any], kb: KnowledgeBase, console: Console) -> None:
    """Print the assessment data (from :func:`crossroads.render.data.assessment_data`)."""
    lang = data["lang"]

    def p(key: str, **values: object) -> str:
        return kb.phrase(key, lang, **values)

    console.print(Text(p("ui.title"), style="bold"))
    console.print(
        p("ui.assessed_on", date=data["assessment_date"])
        + " · "
        + p("ui.kb", version=data["knowledge_base"]["version"], date=data["knowledge_base"]["date"])
    )
    for code, jr in data["jurisdictions"].items():
        head = Text.assemble(
            (p(f"ui.jurisdiction.{code}") + ": ", "bold"),
            (jr["category_label"], f"bold {_CATEGORY_STYLE[jr['category']]}"),
        )
        parts: list[Any] = [Text(jr["category_text"])]
        if jr["products"]:
            table = Table(show_lines=True, expand=True)
            table.add_column(p("ui.product"), ratio=2)
            table.add_column(p("ui.status"), ratio=1, min_width=11)
            table.add_column(p("ui.why"), ratio=5)
            for row in jr["products"]:
                name = product_name(kb.products[row["product"]], lang, code)
                status = Text(p(f"status.{row['status']}"), style=_STATUS_STYLE[row["status"]])
                why = Text(row["indication_text"], style="italic")
                for reason in row["reasons"]:
                    why.append("\n• " + reason)
                if row["flag"] or row["confidence"] == "U":
                    why.append(f"\n⚠ {row['flag'] or p('ui.uncertain')}", style="yellow")
                why.append(
                    f"\n{p('ui.source')}: {row['source']} [{row['confidence']}]", style="dim"
                )
                table.add_row(name, status, why)
            parts.append(table)
        elif jr["category"] != "not_realistic_now" or not jr["hard_stop"]:
            parts.append(Text(p("ui.no_products")))
        console.print(Panel(Group(*parts), title=head, title_align="left"))
    if data["expanded_regimens"]:
        console.print(Text(p("ui.regimens"), style="bold"))
        for note in data["expanded_regimens"]:
            console.print(Text(f"  • {note['text']}"))
    if data["questions"]:
        console.print(Text(p("ui.questions"), style="bold"))
        for q in data["questions"]:
            console.print(f"  ? {q['text']}")
    if data["missing_facts"]:
        console.print(Text(p("ui.missing"), style="bold"))
        for m in data["missing_facts"]:
            console.print("  - " + p("needs_information", ask=m["ask"]))
    console.print(Text(data["notice"], style="dim"))
