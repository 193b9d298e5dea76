"""Every example case produces the whole report, in both languages, without error.

The golden pages cover three examples in full; this covers the rest for the content every
report must carry: each jurisdiction's category (as worked out by hand in examples/expected.yaml),
the "does not replace your doctors" line, the urgent-symptoms line and the knowledge-base release.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crossroads.kb import KnowledgeBase
from crossroads.render.report import report_html
from crossroads.steps.assess import prepare_case
from tests.conftest import EXAMPLES, TODAY, example_files

pytestmark = pytest.mark.integration
EXPECTED = yaml.safe_load((EXAMPLES / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_report_for_every_example(kb: KnowledgeBase, case_file: Path, lang: str) -> None:
    html = report_html(prepare_case(case_file, kb), kb, lang, today=TODAY)
    for jurisdiction in ("US", "EU", "CN"):
        category = EXPECTED[case_file.stem][jurisdiction]["category"]
        assert kb.phrase(f"category.{category}", lang) in html, (jurisdiction, category)
    assert kb.phrase("not_replace", lang) in html
    assert kb.phrase("urgent", lang) in html
    assert kb.release.version in html
