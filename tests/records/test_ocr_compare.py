"""The OCR comparison script (scripts/compare_ocr.py): RapidOCR's text boxes put in reading
order, and a clear message instead of an error when RapidOCR is not installed (it is not a
requirement of the project)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from crossroads.records.text import Box

SCRIPT = Path(__file__).parents[2] / "scripts" / "compare_ocr.py"


@pytest.fixture(scope="module")
def compare() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_ocr", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["compare_ocr"] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["compare_ocr"]
    return module


def corners(left: float, top: float, right: float, bottom: float) -> list[list[float]]:
    return [[left, top], [right, top], [right, bottom], [left, bottom]]


@pytest.mark.unit
def test_boxes_are_put_in_reading_order(compare: ModuleType) -> None:
    boxes = [
        (corners(300, 102, 400, 122), "R-CHOP"),  # right of the first row, a little lower
        (corners(10, 100, 200, 120), "Regimen:"),
        (corners(10, 130, 100, 150), "出院"),  # the next row: a line break
        (corners(110, 131, 200, 151), "诊断"),  # Chinese after Chinese: no space
        (corners(10, 200, 100, 220), "Next"),  # a gap taller than a line: a new block
        (corners(10, 300, 100, 320), "   "),  # nothing read: left out
    ]
    text, words = compare.rows_to_text(boxes, 1000, 500)
    assert text == "Regimen: R-CHOP\n出院诊断\n\nNext"
    assert [text[w.start : w.end] for w in words] == ["Regimen:", "R-CHOP", "出院", "诊断", "Next"]
    assert words[0].box == Box(0.01, 0.2, 0.2, 0.24)


@pytest.mark.unit
def test_a_box_half_a_line_lower_starts_a_row(compare: ModuleType) -> None:
    """Boundary: middles 10 apart for boxes 20 tall stay one row; 11 apart make two."""
    same = [(corners(0, 0, 10, 20), "a"), (corners(20, 10, 30, 30), "b")]
    assert compare.rows_to_text(same, 100, 100)[0] == "a b"
    apart = [(corners(0, 0, 10, 20), "a"), (corners(20, 11, 30, 31), "b")]
    assert compare.rows_to_text(apart, 100, 100)[0] == "a\nb"


@pytest.mark.unit
def test_no_boxes_give_no_text(compare: ModuleType) -> None:
    assert compare.rows_to_text([], 100, 100) == ("", ())


@pytest.mark.unit
def test_without_either_engine_the_script_says_how_to_install(
    compare: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(compare.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(compare.ocr, "available", lambda: False)
    assert compare.main([]) == 0
    out = capsys.readouterr().out
    assert "RapidOCR is not installed" in out
    assert "uv pip install --python .venv/bin/python rapidocr-onnxruntime==1.4.4" in out
    assert "Tesseract with eng and chi_sim is not installed" in out


@pytest.mark.unit
def test_asking_for_rapidocr_alone_without_it_measures_nothing(
    compare: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(compare.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(compare, "load_kb", lambda: pytest.fail("nothing should be measured"))
    assert compare.main(["--engine", "rapidocr"]) == 0
    out = capsys.readouterr().out
    assert "RapidOCR is not installed" in out
    assert "measured alone" not in out and "Tesseract with" not in out
