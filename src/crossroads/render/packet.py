"""The de-identified specialist packet as HTML and PDF.

The packet data comes from :func:`crossroads.steps.deid.deidentify`; this module only lays it out.
The Jinja2 template escapes every value (``autoescape``), so text from a case can never become
markup, and it uses a CJK-capable font stack so Chinese prints correctly in the PDF.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crossroads.kb import KnowledgeBase
from crossroads.kb.citations import plain_source
from crossroads.kb.review_data import load_review_data
from crossroads.render.pdf import CJK_FONT_STACK, html_to_pdf

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def packet_html(packet: Mapping[str, Any], kb: KnowledgeBase) -> str:
    """The packet as one self-contained HTML page in the packet's language."""
    labels = load_review_data(kb).packet
    lang = str(packet["lang"])
    zh = lang.startswith("zh")
    # Chinese takes full-width marks, which carry their own spacing (house style, common.zh_style)
    colon, sep = ("：", "；") if zh else (": ", "; ")

    def paren(text: object) -> str:
        return f"（{text}）" if zh else f" ({text})"

    def label(key: str, **values: object) -> str:
        return labels.label(key, lang, **values)

    def show(value: Any) -> str:
        """A packet value in plain words: offsets as months, booleans as yes/no, lists joined."""
        if value is None:
            return label("value_unknown")
        if isinstance(value, bool):
            return label("value_yes" if value else "value_no")
        if isinstance(value, Mapping) and "text" in value:
            text = str(value["text"])
            if value.get("shifted"):
                text += paren(f"{value['shifted']}*")
            return text
        if isinstance(value, (list, tuple)):
            listed = "、" if zh else ", "
            return listed.join(show(v) for v in value) if value else label("value_none")
        if isinstance(value, Mapping):
            return sep.join(f"{k}{colon}{show(v)}" for k, v in value.items())
        return str(value)

    template = _environment().get_template("packet.html")
    return template.render(
        p=packet,
        t=label,
        show=show,
        paren=paren,
        # research-note pointers mean nothing to a reviewer outside the project
        plain_source=lambda source: plain_source(str(source), lang),
        colon=colon,
        sep=sep,
        html_lang="zh-Hans" if lang.startswith("zh") else "en",
        font_stack=CJK_FONT_STACK,
    )


def packet_pdf(packet: Mapping[str, Any], kb: KnowledgeBase) -> bytes:
    """The packet as PDF bytes (the same page as :func:`packet_html`)."""
    return html_to_pdf(packet_html(packet, kb))


__all__ = ["packet_html", "packet_pdf"]
