import datetime as dt

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.kb.release import check_release

pytestmark = pytest.mark.integration


def test_whole_release_has_no_errors(kb: KnowledgeBase) -> None:
    findings = check_release(kb, dt.date(2026, 11, 30))
    assert [str(f) for f in findings if f.level == "error"] == []


def test_release_check_includes_every_data_area(kb: KnowledgeBase) -> None:
    wheres = {f.where.split(":")[0].split("/")[0] for f in check_release(kb, dt.date(2026, 11, 30))}
    # warnings (uncertain facts) come from every area that has any, not just the products
    assert {"products", "logistics"} <= wheres
    assert any(w.startswith("alternatives") for w in wheres), sorted(wheres)
