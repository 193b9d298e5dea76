"""The assessment as Markdown, for pasting into a letter or a ticket."""

from __future__ import annotations

from typing import Any

from crossroads.kb import KnowledgeBase
from crossroads.kb.names import product_name


def render_markdown(data: dict[str, Any], kb: KnowledgeBase) -> str:
    lang = data["lang"]
    colon = "：" if lang.startswith("zh") else ": "  # full-width next to Chinese

    def p(key: str, **values: object) -> str:
        return kb.phrase(key, lang, **values)

    kb_line = p(
        "ui.kb", version=data["knowledge_base"]["version"], date=data["knowledge_base"]["date"]
    )
    out = [
        f"# {p('ui.title')}",
        "",
        f"{p('ui.assessed_on', date=data['assessment_date'])} · {kb_line}",
    ]
    for code, jr in data["jurisdictions"].items():
        out += [
            "",
            f"## {p(f'ui.jurisdiction.{code}')}{colon}{jr['category_label']}",
            "",
            jr["category_text"],
        ]
        for row in jr["products"]:
            name = product_name(kb.products[row["product"]], lang, code)
            out += [
                "",
                f"### {name}{colon}{p('status.' + row['status'])}",
                "",
                row["indication_text"],
                "",
            ]
            out += [f"- {reason}" for reason in row["reasons"]]
            if row["flag"]:
                out.append(f"- ⚠ {row['flag']}")
            out.append(
                f"- {p('ui.source')}{colon}{row['source']} [{row['confidence']}, {row['as_of']}]"
            )
    if data["expanded_regimens"]:
        out += ["", f"## {p('ui.regimens')}", ""]
        out += [f"- {note['text']}" for note in data["expanded_regimens"]]
    if data["questions"]:
        out += ["", f"## {p('ui.questions')}", ""] + [f"- {q['text']}" for q in data["questions"]]
    if data["missing_facts"]:
        out += ["", f"## {p('ui.missing')}", ""]
        out += [f"- {p('needs_information', ask=m['ask'])}" for m in data["missing_facts"]]
    out += ["", f"_{data['notice']}_", ""]
    return "\n".join(out)
