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


def test_each_step_page_meets_the_goal(db: None) -> None:
    """Issue 14: SMOG 8 or lower and Flesch-Kincaid 6 or lower on every web step page, counted
    over all the examples (the figures in docs/readability-web.md)."""
    figures = measure(examples())
    missed = {
        number: (round(total.smog, 1), round(total.fk, 1))
        for number, (total, _smog, _fk, _zh, _count) in figures.items()
        if not total.meets_goal
    }
    assert missed == {}
    assert sorted(figures) == [1, 2, 3, 4, 5, 6]


def test_a_source_citation_is_not_read() -> None:
    """Citations are a bibliography, not prose: left out as the report leaves out its sources."""
    page = (
        "<main><p>Ask the team first. <span class='source cite'>(Smith J. A study of "
        "<em>lymphoma</em> outcomes. https://example.org)</span> Then decide.</p>"
        "<ol class='source cite'><li>First source title here</li></ol>"
        "<p class='source'>Knowledge base 1 (2026-12-06).</p></main>"
    )
    assert main_blocks(page) == [
        "Ask the team first. Then decide.",
        "Knowledge base 1 (2026-12-06).",
    ]


def test_the_part_for_doctors_is_not_read() -> None:
    """Step 2's label rules are folded away for the treating team, as the report's hand-over
    letter is, and left out of the count; the plain result above them is read."""
    page = (
        "<main><p>Approved for a case like yours.</p><details class='for-doctors'><summary>For "
        "your doctors</summary><table><tr><td>Adult patients with relapsed or refractory large "
        "B-cell lymphoma after two or more lines of systemic therapy</td></tr></table></details>"
        "<p>Ask your team.</p></main>"
    )
    assert main_blocks(page) == ["Approved for a case like yours.", "Ask your team."]


def test_results_can_be_dated_for_a_block() -> None:
    """The figures are worked out as of the release date: results.dated fixes "today" inside
    its block only, and nests."""
    import datetime as dt

    from django.utils import timezone

    from cases import results

    with results.dated(dt.date(2026, 6, 1)):
        assert results.today() == dt.date(2026, 6, 1)
        with results.dated(dt.date(2025, 1, 2)):
            assert results.today() == dt.date(2025, 1, 2)
        assert results.today() == dt.date(2026, 6, 1)
    assert results.today() == timezone.localdate()
