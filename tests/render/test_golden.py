"""Golden tests: the full JSON (English) and Markdown (Chinese) output of every example.

Regenerate after an intended change with ``CROSSROADS_UPDATE_GOLDEN=1 make test`` and review the
diff like code: every changed line is a changed answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.render.data import assessment_data
from crossroads.render.markdown import render_markdown
from crossroads.render.schema import AssessmentOut
from crossroads.steps.assess import assess_file
from tests.conftest import TODAY, Golden, example_files

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "assess"


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_assess_json_golden(kb: KnowledgeBase, case_file: Path, golden: Golden) -> None:
    data = assessment_data(assess_file(case_file, kb=kb, today=TODAY), kb, "en")
    AssessmentOut.model_validate(data)  # the output keeps its published schema
    golden.check(
        GOLDEN / f"{case_file.stem}.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    )


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_assess_markdown_chinese_golden(kb: KnowledgeBase, case_file: Path, golden: Golden) -> None:
    data = assessment_data(assess_file(case_file, kb=kb, today=TODAY), kb, "zh-Hans")
    AssessmentOut.model_validate(data)
    golden.check(GOLDEN / f"{case_file.stem}.zh-Hans.md", render_markdown(data, kb))
