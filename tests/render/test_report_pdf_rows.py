"""The printed report never splits a row of the options grid across two pages (issue 14).

A row is one measure for every option side by side; split over a page break, half a row sits
under the wrong page's header and the reader loses which figure belongs to which option. The
style sheet asks for ``break-inside: avoid`` on grid rows; this test lays out every example's
report with WeasyPrint (the same layout the PDF is written from), finds the page of each grid
row box, and fails when one row has boxes on two pages. The PDF written from that layout is then
read back with pypdf, to check that each row's label is printed on the page the layout gave it.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from crossroads.engine.classify import classify
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.kb.alternatives import load_alternatives
from crossroads.render.report import report_html
from crossroads.steps.assess import prepare_case
from crossroads.steps.compare import compare
from tests.conftest import EXAMPLES, TODAY, example_files

pytestmark = pytest.mark.integration


def one_example_per_grid() -> list[Path]:
    """The first example of each distinct set of grids (disease settings): the rows and their
    texts come from the setting, so a second example with the same grids lays out the same rows.
    Laying out every example took about 8 minutes; this keeps one of each kind."""
    kb = load_kb()
    chosen: dict[tuple[str, ...], Path] = {}
    for path in example_files():
        case = prepare_case(path, kb)
        grid = compare(case, kb, classify(case, kb, today=TODAY))
        settings = tuple(s.match.compiled.setting.id for s in grid.settings)
        if settings:
            chosen.setdefault(settings, path)
    return list(chosen.values())


WITH_GRID = one_example_per_grid()


def _grid_rows(box: Any, page: int, found: dict[int, tuple[Any, set[int]]], grid: bool) -> None:
    """Each body row of a ``table.grid`` (the repeated header rows left out) and its pages."""
    element = getattr(box, "element", None)
    kind = type(box).__name__
    if kind == "TableBox" and element is not None:
        grid = "grid" in (element.get("class") or "").split()
    if kind == "TableRowGroupBox" and getattr(box, "is_header", False):
        return
    if grid and kind == "TableRowBox" and element is not None:
        found.setdefault(id(element), (element, set()))[1].add(page)
    for child in getattr(box, "children", None) or []:
        _grid_rows(child, page, found, grid)


def _label(row: Any) -> str:
    head = row.find("th")
    return " ".join("".join(head.itertext()).split()) if head is not None else ""


def layout_rows(html: str) -> tuple[list[tuple[str, list[int]]], bytes]:
    """The grid rows as (row label, pages it lies on), and the PDF printed from that layout."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    found: dict[int, tuple[Any, set[int]]] = {}
    for number, page in enumerate(document.pages):
        _grid_rows(page._page_box, number, found, grid=False)
    rows = [(_label(element), sorted(pages)) for element, pages in found.values()]
    return rows, document.write_pdf()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check(html: str) -> list[str]:
    """Every problem found: a row on two pages, or a row label missing from its printed page."""
    rows, pdf = layout_rows(html)
    pages = [_squash(page.extract_text() or "") for page in PdfReader(BytesIO(pdf)).pages]
    problems = [f"{label!r} split over pages {where}" for label, where in rows if len(where) > 1]
    for label, where in rows:
        if label and _squash(label) not in pages[where[0]]:
            problems.append(f"{label!r} not printed on page {where[0] + 1}")
    assert rows, "no grid row found: the check looked at nothing"
    return problems


@pytest.mark.parametrize("case_file", WITH_GRID, ids=lambda p: p.stem)
def test_no_grid_row_is_split_across_pages(kb: KnowledgeBase, case_file: Path) -> None:
    html = report_html(prepare_case(case_file, kb), kb, "en", today=TODAY)
    assert 'class="grid"' in html
    assert check(html) == []


def test_every_disease_setting_is_laid_out() -> None:
    """The examples chosen cover every setting of the alternatives data at least once."""
    kb = load_kb()
    covered = set()
    for path in WITH_GRID:
        case = prepare_case(path, kb)
        grid = compare(case, kb, classify(case, kb, today=TODAY))
        covered |= {s.match.compiled.setting.id for s in grid.settings}
    assert covered == {s.setting.id for s in load_alternatives(kb).settings}


def test_no_grid_row_is_split_in_chinese(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "mm_three_lines_triple_class_exposed.yaml", kb)
    assert check(report_html(case, kb, "zh-Hans", today=TODAY)) == []


def test_the_check_finds_a_split_row(kb: KnowledgeBase) -> None:
    """Without the style rule, the longest example does split rows, and the check says so."""
    case = prepare_case(EXAMPLES / "mm_three_lines_triple_class_exposed.yaml", kb)
    html = report_html(case, kb, "en", today=TODAY)
    rule = "table.grid tr { break-inside: avoid; }"
    assert rule in html
    problems = check(html.replace(rule, "table.grid tr { break-inside: auto; }"))
    assert any("split over pages" in p for p in problems)
