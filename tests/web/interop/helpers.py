"""Small helpers for the interop web tests: the page text a person reads, and fixture files."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.web.conftest import ROOT

CDS_FIXTURES = ROOT / "tests" / "fixtures" / "cds-hooks"
MCODE_FIXTURES = ROOT / "tests" / "fixtures" / "fhir" / "mcode"
EXAMPLES = ROOT / "examples"


def main_text(response: Any) -> str:
    """The visible text of the page's <main>, tags removed and spaces collapsed."""
    page = response.content.decode()
    start, end = page.index("<main"), page.index("</main>")
    text = re.sub(r"<[^>]+>", " ", page[start:end])
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.values[str(found["name"])] = found.get("value") or ""


def hidden_inputs(response: Any) -> dict[str, str]:
    """The hidden form fields on the page (the last one of each name wins)."""
    parser = _Inputs()
    parser.feed(response.content.decode())
    return parser.values
