"""Golden tests: the full JSON (English) and Markdown (Chinese) output of every example.

Regenerate after an intended change with ``CROSSROADS_UPDATE_GOLDEN=1 make test`` and review the
diff like code: every changed line is a changed answer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.render.data import assessment_data
from crossroads.render.markdown import render_markdown
from crossroads.render.schema import AssessmentOut
from crossroads.steps.assess import assess_file
from tests.conftest import TODAY, example_files

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "assess"
UPDATE = os.environ.get("CROSSROADS_UPDATE_GOLDEN") == "1"


def _check(path: Path, text: str) -> None:
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} missing: run with CROSSROADS_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_assess_json_golden(kb: KnowledgeBase, case_file: Path) -> None:
    data = assessment_data(assess_file(case_file, kb=kb, today=TODAY), kb, "en")
    AssessmentOut.model_validate(data)  # the output keeps its published schema
    _check(GOLDEN / f"{case_file.stem}.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_assess_markdown_chinese_golden(kb: KnowledgeBase, case_file: Path) -> None:
    data = assessment_data(assess_file(case_file, kb=kb, today=TODAY), kb, "zh-Hans")
    AssessmentOut.model_validate(data)
    _check(GOLDEN / f"{case_file.stem}.zh-Hans.md", render_markdown(data, kb))
