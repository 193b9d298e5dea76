"""The icon array SVG (100 people, N dark) and the shared rows in the report and Markdown."""

from __future__ import annotations

import re

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.render.report import report_html
from crossroads.render.svg import icon_array_svg
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, TODAY

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("n", [0, 1, 59, 99, 100])
def test_icon_array_has_100_people_and_n_dark(n: int) -> None:
    svg = icon_array_svg(n, "Trial", "About n of 100", "a")
    assert svg.count("<circle") == 100
    assert svg.count('<circle cx="') == 100
    dark = re.findall(r'<circle[^>]*fill="#2b6ca3"', svg)
    assert len(dark) == n


@pytest.mark.parametrize("n", [-1, 101])
def test_icon_array_refuses_more_than_100(n: int) -> None:
    with pytest.raises(ValueError, match=f"an icon array shows 0 to 100 people, not {n}"):
        icon_array_svg(n, "t", "d", "a")


def test_icon_array_is_labelled_and_escaped() -> None:
    svg = icon_array_svg(41, "A <b> & C", "约 41 人；约 59 人", "x y/z")
    assert 'role="img"' in svg and 'aria-labelledby="x-y-z-title x-y-z-desc"' in svg
    assert '<title id="x-y-z-title">A &lt;b&gt; &amp; C</title>' in svg
    assert '<desc id="x-y-z-desc">约 41 人；约 59 人</desc>' in svg


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_report_shows_shared_rows_and_icon_arrays(kb: KnowledgeBase, lang: str) -> None:
    case = prepare_case(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", kb)
    html = report_html(case, kb, lang, today=TODAY)
    shared = "Shared measure" if lang == "en" else "共同指标"
    none = "No figure to compare" if lang == "en" else "没有可比的数字"
    assert html.count(shared) >= 2 and none in html
    assert html.count('class="icon-array"') == 8  # one per complete-response figure
    assert "fits:" not in html and "partly fits" not in html
