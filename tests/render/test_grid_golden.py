"""Golden tests: the Option Grid as Markdown, English and Chinese, for every example in a setting.

Regenerate after an intended change with ``CROSSROADS_UPDATE_GOLDEN=1`` and review the diff like
code: every changed line is a changed answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from crossroads.engine.classify import classify
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.render.grid import render_grid_markdown, render_grid_text
from crossroads.steps.assess import prepare_case
from crossroads.steps.compare import compare, grid_data
from tests.conftest import TODAY, Golden, example_files

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "compare"


def _in_a_setting() -> list[Path]:
    kb = load_kb()
    found = []
    for case_file in example_files():
        case = prepare_case(case_file, kb)
        if compare(case, kb, classify(case, kb, today=TODAY)).status == "ok":
            found.append(case_file)
    return found


IN_A_SETTING = _in_a_setting()


def _data(kb: KnowledgeBase, case_file: Path, lang: str) -> dict[str, object]:
    case = prepare_case(case_file, kb)
    return grid_data(compare(case, kb, classify(case, kb, today=TODAY)), kb, lang)


def test_most_examples_are_in_a_setting() -> None:
    assert len(IN_A_SETTING) == 30  # the other 9 are out of scope, undecided or not covered


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
@pytest.mark.parametrize("case_file", IN_A_SETTING, ids=lambda p: p.stem)
def test_grid_markdown_golden(
    kb: KnowledgeBase, case_file: Path, lang: str, golden: Golden
) -> None:
    text = render_grid_markdown(_data(kb, case_file, lang), kb)
    golden.check(GOLDEN / f"{case_file.stem}.{lang}.md", text)


@pytest.mark.parametrize("width", [80, 200])
def test_grid_text_fits_the_terminal_and_keeps_every_option(kb: KnowledgeBase, width: int) -> None:
    data = _data(kb, Path(IN_A_SETTING[0]), "en")
    console = Console(record=True, width=width, color_system=None)
    render_grid_text(data, kb, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= width
    for option in data["settings"][0]["options"]:  # type: ignore[index]
        assert option["name"].split()[0] in text
    assert "The figures come from many trials" in text
