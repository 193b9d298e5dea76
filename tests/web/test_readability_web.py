"""docs/readability-web.md is current: the reading level of each web step page (issue 14)."""

from __future__ import annotations

from cases.management.commands.readability_web import (
    examples,
    main_blocks,
    measure,
    readability_web_markdown,
)
from tests.web.conftest import ROOT


def test_only_the_main_area_is_read() -> None:
    page = (
        "<nav><a>Menu words here</a></nav><main><h1>Step one</h1><p>Say what you know."
        "<sup>[1]</sup></p><script>var x = 1;</script><label>Your name</label></main>"
        "<footer>About this aid</footer>"
    )
    assert main_blocks(page) == ["Step one", "Say what you know.", "Your name"]


def test_each_step_is_measured_for_an_example(db: None) -> None:
    figures = measure(examples()[:1])
    assert sorted(figures) == [1, 2, 3, 4, 5, 6]
    for total, _smog, _fk, zh, count in figures.values():
        assert count == 1 and total.sentences > 0 and zh.sentences > 0


def test_the_page_in_docs_is_current(db: None) -> None:
    written = (ROOT / "docs" / "readability-web.md").read_text(encoding="utf-8")
    fresh = readability_web_markdown(examples())
    assert written == fresh, (
        "docs/readability-web.md is stale: run `manage.py readability_web --write`"
    )
