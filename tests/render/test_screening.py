"""The screening summary page: golden pages (en, zh-Hans, aggregate), small cells, charts.

Regenerate the goldens after an intended change with ``CROSSROADS_UPDATE_GOLDEN=1`` and review
the diff: a changed count is a changed screening answer.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path

import pytest

from crossroads.common.errors import BadOptionError
from crossroads.kb import KnowledgeBase
from crossroads.render.screening import Bar, Chart, bar_chart_svg, screening_html, summary_charts
from crossroads.screen.run import screen
from crossroads.screen.summary import Cell, count_cells
from crossroads.screen.synth import write_cohort
from tests.cli.test_cli import no_traceback, run
from tests.conftest import Golden

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "screening"
ON = dt.date(2026, 12, 1)
PLACES = ["US", "EU", "CN"]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory, kb: KnowledgeBase) -> Path:
    folder = tmp_path_factory.mktemp("cohort")
    write_cohort(folder, 60, 3, kb, ON)
    return folder


@pytest.fixture(scope="module")
def screened(cohort: Path, kb: KnowledgeBase) -> tuple[list[Cell], int, list[str]]:
    run_ = screen(cohort, kb, PLACES, ON, workers=1)  # type: ignore[arg-type]
    ids = sorted(set(run_.results.column("patient_id").to_pylist()))
    return count_cells(run_.results), run_.report.patients, ids


@pytest.mark.parametrize("aggregate", [False, True], ids=["full", "aggregate"])
@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_summary_page_golden(
    kb: KnowledgeBase,
    screened: tuple[list[Cell], int, list[str]],
    lang: str,
    aggregate: bool,
    golden: Golden,
) -> None:
    cells, patients, ids = screened
    page = screening_html(
        cells, PLACES, kb, lang=lang, aggregate=aggregate, patients=patients, on=ON
    )
    assert not [i for i in ids if i in page]  # counts only: no patient id on the page
    assert page.count('role="img"') == 9  # three charts per place
    suffix = ".aggregate" if aggregate else ""
    golden.check(GOLDEN / f"summary.{lang}{suffix}.html", page)


def _cells(count: int) -> list[Cell]:
    return [
        Cell("category", "US", "established", count),
        Cell("category", "US", "cannot_tell", 40),
        Cell("missing", "US", "months_first_line_end_to_relapse", count),
        Cell("one_fact_away", "US", "months_first_line_end_to_relapse", count),
    ]


@pytest.mark.parametrize(
    ("count", "shown", "suppressed"),
    [(0, "0", False), (1, "<11", True), (10, "<11", True), (11, "11", False)],
)
def test_aggregate_suppresses_1_to_10_and_draws_no_bar(
    kb: KnowledgeBase, count: int, shown: str, suppressed: bool
) -> None:
    category, _disease, missing = summary_charts(_cells(count), "US", kb, "en", aggregate=True)
    established = category.bars[0]
    assert (established.shown, established.suppressed) == (shown, suppressed)
    assert (missing.bars[-1].shown, missing.bars[-1].extra) == (shown, shown)
    bars = re.findall(r"<rect [^>]*>", category.svg)
    assert len(bars) == (1 if count in (0, 1, 10) else 2)  # cannot_tell's 40 always drawn


def test_full_mode_shows_every_count(kb: KnowledgeBase) -> None:
    category, _disease, missing = summary_charts(_cells(3), "US", kb, "en", aggregate=False)
    assert [b.shown for b in category.bars] == ["3", "40", "0", "0"]
    assert missing.bars[0].label == kb.fact_name("months_first_line_end_to_relapse", "en")
    assert (missing.bars[0].shown, missing.bars[0].extra) == ("3", "3")


def test_missing_facts_sorted_by_count_then_key(kb: KnowledgeBase) -> None:
    cells = [
        Cell("missing", "EU", "age_years", 5),
        Cell("missing", "EU", "months_first_line_end_to_relapse", 9),
        Cell("missing", "EU", "kb:x_y", 5),
    ]
    missing = summary_charts(cells, "EU", kb, "en", aggregate=False)[2]
    assert [b.count for b in missing.bars] == [9, 5, 5]
    assert missing.bars[2].label == "Not yet confirmed in the knowledge base: x_y"


def test_chart_escapes_text_and_names_itself() -> None:
    bars = (Bar("<script>", 4, "4", False), Bar("y", 2, "2", False))
    chart = Chart("a b", "T<i>", "D&", "H", "people", bars)
    svg = bar_chart_svg(chart)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'aria-labelledby="a-b-title a-b-desc"' in svg
    assert '<title id="a-b-title">T&lt;i&gt;</title>' in svg
    assert 'width="320.0"' in svg and 'width="160.0"' in svg  # the largest bar fills the width


def test_unknown_language_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(BadOptionError, match="--lang: 'fr'"):
        screening_html([], PLACES, kb, lang="fr")


def test_cli_writes_the_page_owner_only(cohort: Path, tmp_path: Path) -> None:
    page = tmp_path / "out" / "summary.html"
    result = run(
        "screen", str(cohort), "-o", str(tmp_path / "r.parquet"), "--html", str(page),
        "--lang", "zh-Hans", "--workers", "1", "--today", "2026-12-01", "--aggregate",
    )  # fmt: skip
    no_traceback(result)
    assert result.returncode == 0
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    text = page.read_text(encoding="utf-8")
    assert "<h1>筛查汇总</h1>" in text and "&lt;11" in text
