"""Every piece of Chinese text Crossroads can show, gathered for the house-style scan.

Four sources: every ``zh`` value in the knowledge base, the msgstrs of the core and web
translation catalogues, and the rendered Chinese report, hand-over letter and reviewers' packet
of every example case. Each item is (where, text) so a failure names the place to fix.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po

from crossroads.kb import KnowledgeBase
from crossroads.render.packet import packet_html
from crossroads.render.report import report_html
from crossroads.steps.assess import prepare_case
from crossroads.steps.deid.packet import deidentify
from tests.conftest import ROOT, TODAY, example_files

KB_DATA = ROOT / "src" / "crossroads" / "kb" / "data"
CORE_PO = ROOT / "src" / "crossroads" / "locale" / "zh_Hans" / "LC_MESSAGES" / "crossroads.po"
WEB_PO = ROOT / "web" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_KEYS = {"zh", "name_zh"}


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ZH_KEYS and isinstance(item, str):
                yield f"{path}.{key}", item
            else:
                yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")


def kb_texts() -> Iterator[tuple[str, str]]:
    """Every ``zh:`` (and ``name_zh:``) string under kb/data, named by file and key path."""
    for path in sorted(KB_DATA.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from _walk(data, str(path.relative_to(KB_DATA)))


def po_texts(path: Path) -> Iterator[tuple[str, str]]:
    """Every translated string of one catalogue, named by its msgid."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        for text in strings:
            if text:
                yield f"{path.name}: {msgid[:60]!r}", text


def page_text(body: str) -> str:
    """What a person reads: the HTML without styles, scripts, drawings, tags and comments."""
    body = re.sub(r"(?s)<!--.*?-->|<(script|style|svg)[^>]*>.*?</\1>", "\n", body)
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


def own_words(body: str) -> str:
    """The page without what Crossroads did not write: reference titles, cited as published.

    In the list of sources each item is the source line (left as published; the bibliography
    gives Chinese titles where they exist) and a bracket Crossroads writes ("核对于 …"); only
    the bracket is kept. The packet's source lines after each review reason go the same way.
    """

    def keep_brackets(match: re.Match[str]) -> str:
        return "".join(re.findall(r'<span class="muted">.*?</span>', match.group()))

    body = re.sub(r'(?s)<ol class="sources">.*?</ol>', keep_brackets, body)
    return re.sub(r'(?s)<span class="small source">.*?</span>', "", body)


def rendered_texts(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """The Chinese report, hand-over letter and packet of every example, one line at a time."""
    for case_file in example_files():
        case = prepare_case(case_file, kb)
        pages = {
            "report": report_html(case, kb, "zh-Hans", today=TODAY),
            "handover": report_html(case, kb, "zh-Hans", "handover", today=TODAY),
            "packet": packet_html(deidentify(case, kb, today=TODAY, lang="zh-Hans"), kb),
        }
        for kind, body in pages.items():
            text = page_text(own_words(body))
            # the person's name is written as they gave it, brackets and all
            if case.patient.name:
                text = text.replace(case.patient.name, "")
            for line in text.splitlines():
                if line.strip():
                    yield f"{case_file.stem} {kind}", line.strip()
