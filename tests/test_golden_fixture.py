"""The one golden-file fixture: compares, writes only when asked, and never writes in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Golden, golden_mode

pytestmark = pytest.mark.unit


def test_golden_mode_reads_the_environment() -> None:
    assert golden_mode({}) == Golden(update=False, ci=False)
    assert golden_mode({"CROSSROADS_UPDATE_GOLDEN": "1", "CI": "true"}) == Golden(True, True)
    assert golden_mode({"CROSSROADS_UPDATE_GOLDEN": "0", "CI": "false"}) == Golden(False, False)


def test_golden_compare_passes_on_equal_and_fails_on_change(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("same\n", encoding="utf-8")
    Golden(update=False, ci=False).check(path, "same\n")
    with pytest.raises(AssertionError):
        Golden(update=False, ci=False).check(path, "changed\n")
    with pytest.raises(AssertionError, match="missing: run with CROSSROADS_UPDATE_GOLDEN=1"):
        Golden(update=False, ci=False).check(tmp_path / "new.txt", "x")


def test_golden_update_writes_and_still_fails_the_test(tmp_path: Path) -> None:
    same, changed, new = tmp_path / "same.txt", tmp_path / "changed.txt", tmp_path / "d" / "n.txt"
    same.write_text("a\n", encoding="utf-8")
    changed.write_text("old\n", encoding="utf-8")
    mode = Golden(update=True, ci=False)
    for path, text in ((same, "a\n"), (changed, "new\n"), (new, "n\n")):
        mode.check(path, text)
    assert (changed.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")) == (
        "new\n",
        "n\n",
    )
    assert mode.written == [changed, new]  # an unchanged file is not a change
    assert mode.verdict() == (
        f"golden files written: {changed}, {new}; review them with git diff and run again."
    )
    assert Golden(update=True, ci=False).verdict() is None


def test_golden_update_refused_in_ci(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="never written in CI"):
        Golden(update=True, ci=True).check(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"


def test_no_test_reads_the_update_flag_itself() -> None:
    """Golden files are written only through the fixture, so CI can never write one."""
    here = Path(__file__).resolve().parent
    readers = sorted(
        str(path.relative_to(here))
        for path in here.rglob("*.py")
        if path.name != "conftest.py"
        and path != Path(__file__).resolve()
        and 'environ.get("CROSSROADS_UPDATE_GOLDEN")' in path.read_text(encoding="utf-8")
    )
    assert readers == []
