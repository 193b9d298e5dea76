"""Every audit action the app records has a plain name, in English and in Chinese (issue 13,
item 12: audit event names showed as codes such as "fhir.import" in Chinese mode)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from audit.labels import LABELS, label_for
from review.workflow import TRANSITIONS
from tests.web.conftest import ROOT

pytestmark = pytest.mark.unit
RECORDED = re.compile(r"record\(\s*[\w.\[\]\"()]+,\s*\"([a-z_]+\.[a-z_]+)\"")
HAN = re.compile(r"[\u4e00-\u9fff]")


def recorded_actions() -> set[str]:
    """The actions named where the app records them, and the review moves, recorded as
    ``review.<move>`` (review/actions.py)."""
    found = {f"review.{move}" for move in TRANSITIONS}
    for path in Path(ROOT / "web").rglob("*.py"):
        found.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_scan_finds_the_actions_the_app_records() -> None:
    found = recorded_actions()
    # a few known ones, so a broken pattern cannot pass by finding nothing
    assert {"case.save", "fhir.import", "cds.call", "review.send"} <= found
    assert len(found) >= 50


@pytest.mark.parametrize("action", sorted(recorded_actions()))
def test_every_recorded_action_has_a_plain_name(action: str) -> None:
    assert action in LABELS


@pytest.mark.parametrize("action", sorted(LABELS))
def test_every_plain_name_is_translated(action: str) -> None:
    with translation.override("en"):
        english = label_for(action)
    with translation.override("zh-hans"):
        chinese = label_for(action)
    assert english != action and not HAN.search(english)
    assert HAN.search(chinese), (action, chinese)
    assert "." not in chinese and "_" not in chinese  # no code left in the Chinese name
