"""OCR of scans and photos: the page text and word boxes built from Tesseract's table, deskew,
orientation, the hook in the text step, and the goals on the scan corpus (precision >= 0.90,
recall >= 0.75)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from crossroads.kb import KnowledgeBase
from crossroads.records import ocr
from crossroads.records.evaluate import documents, evaluate
from crossroads.records.extract import extract
from crossroads.records.intake import check_document, read_document
from crossroads.records.text import Box, PageText, WordBox, read_text
from tests.records.conftest import CORPUS, image_bytes

SCANS = CORPUS / "scans"
PRECISION_GOAL = 0.90
RECALL_GOAL = 0.75
needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed")


def table(words: list[tuple[str, int, int, int]], conf: float = 90.0) -> dict[str, list[Any]]:
    """A Tesseract word table: (word, block, paragraph, line), each word 10 px wide in a row."""
    return {
        "text": [w for w, *_ in words],
        "conf": [conf] * len(words),
        "block_num": [b for _, b, _, _ in words],
        "par_num": [p for _, _, p, _ in words],
        "line_num": [line for _, _, _, line in words],
        "left": [10 * i for i in range(len(words))],
        "top": [20 * line for _, _, _, line in words],
        "width": [10] * len(words),
        "height": [10] * len(words),
    }


# -- the page text from Tesseract's word table -----------------------------------------------------
@pytest.mark.unit
def test_words_are_joined_as_a_text_layer_would_be() -> None:
    data = table(
        [
            ("出院", 1, 1, 1),
            ("诊断", 1, 1, 1),
            ("DLBCL", 1, 1, 1),
            ("ECOG", 1, 1, 2),
            ("1", 1, 1, 2),
            ("", 1, 1, 2),  # Tesseract's empty cells are skipped
            ("分", 1, 1, 2),
            ("Next", 2, 1, 1),
        ]
    )
    text, words = ocr.words_to_text(data, 100, 100)
    assert text == "出院诊断 DLBCL\nECOG 1 分\n\nNext"
    assert [text[w.start : w.end] for w in words] == [
        "出院",
        "诊断",
        "DLBCL",
        "ECOG",
        "1",
        "分",
        "Next",
    ]
    assert words[0].box == Box(0.0, 0.2, 0.1, 0.3)


@pytest.mark.unit
def test_non_words_are_left_out() -> None:
    data = table([("noise", 1, 1, 1)], conf=-1)
    assert ocr.words_to_text(data, 100, 100) == ("", ())


@pytest.mark.unit
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abcDEF019诊断分期（）:", min_size=1, max_size=6),
            st.integers(1, 3),
            st.integers(1, 2),
            st.integers(1, 3),
        ),
        max_size=12,
    )
)
def test_every_word_box_spans_its_word(words: list[tuple[str, int, int, int]]) -> None:
    text, boxes = ocr.words_to_text(table(words), 200, 200)
    assert [text[b.start : b.end] for b in boxes] == [w for w, *_ in words]
    assert all(0 <= b.box.left <= b.box.right and 0 <= b.box.top <= b.box.bottom for b in boxes)


# -- the box of a span --------------------------------------------------------------------------
@pytest.mark.unit
def test_the_box_of_a_span_covers_its_words_only() -> None:
    page = PageText(
        1,
        "ECOG 1 and",
        "ocr",
        (
            WordBox(0, 4, Box(0.1, 0.2, 0.2, 0.25)),
            WordBox(5, 6, Box(0.22, 0.19, 0.24, 0.26)),
            WordBox(7, 10, Box(0.3, 0.2, 0.4, 0.25)),
        ),
    )
    assert page.box_of(0, 6) == Box(0.1, 0.19, 0.24, 0.26)
    assert page.box_of(4, 5) is None  # the space between two words: no word
    assert page.box_of(3, 5) == Box(0.1, 0.2, 0.2, 0.25)  # boundary: one character of a word
    assert page.box_of(6, 7) is None  # boundary: a word's end is not in it
    assert PageText(1, "ECOG 1", "text").box_of(0, 6) is None  # a text layer has no boxes


# -- deskew and orientation ----------------------------------------------------------------------
def text_page(lines: int = 14) -> Image.Image:
    image = Image.new("L", (1200, 1000), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    for i in range(lines):
        draw.text((80, 60 + 60 * i), "Diffuse large B-cell lymphoma, relapsed 2024", 0, font)
    return image


@pytest.mark.unit
@pytest.mark.parametrize("angle", [-3.0, -1.5, 0.0, 1.0, 2.5])
def test_the_skew_of_a_page_is_found(angle: float) -> None:
    turned = text_page().rotate(angle, expand=True, fillcolor=255)
    assert ocr.skew_angle(turned) == pytest.approx(-angle, abs=ocr.SKEW_STEP)


@pytest.mark.unit
def test_a_blank_page_is_not_turned() -> None:
    assert ocr.skew_angle(Image.new("L", (600, 800), 255)) == 0.0


def first_image(name: str, media: str) -> Image.Image:
    return next(iter(ocr.page_images((SCANS / name).read_bytes(), media)))[1]


@needs_tesseract
@pytest.mark.integration
def test_a_photo_taken_sideways_is_read() -> None:
    """Tesseract's layout analysis reads text on its side itself (no second run needed)."""
    page = ocr.read_image(first_image("en_img_01.jpg", "image/jpeg"))
    assert page.rotation == 0
    assert "Diffuse large B-cell lymphoma" in page.text


@needs_tesseract
@pytest.mark.integration
def test_a_page_upside_down_is_turned_upright() -> None:
    page = ocr.read_image(first_image("zh_med_01.jpg", "image/jpeg"))
    assert page.rotation == 180
    assert "用药清单" in page.text.replace(" ", "")


# -- pages in parallel, the hand-off to Tesseract -----------------------------------------------
def numbered_pages(count: int) -> list[tuple[int, Image.Image]]:
    """Page images told apart by their width (page n is 10 + n pixels wide)."""
    return [(n, Image.new("L", (10 + n, 8), 255)) for n in range(1, count + 1)]


def read_by_width(image: Image.Image, langs: str = ocr.LANGS) -> ocr.OcrPage:
    return ocr.OcrPage(f"width {image.width}", (), 0, 0.0)


@pytest.mark.unit
@pytest.mark.parametrize("max_workers", [1, 2, 3])
def test_pages_read_in_parallel_keep_their_numbers(
    monkeypatch: pytest.MonkeyPatch, max_workers: int
) -> None:
    monkeypatch.setattr(ocr, "read_image", read_by_width)
    read = ocr.read_pages(numbered_pages(9), max_workers=max_workers)
    assert sorted(read) == list(range(1, 10))
    texts = {n: page.text for n, page in read.items()}
    assert texts == {n: f"width {10 + n}" for n in range(1, 10)}


@pytest.mark.unit
def test_no_pages_read_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "read_image", read_by_width)
    assert ocr.read_pages([], max_workers=2) == {}


@pytest.mark.unit
def test_only_a_few_page_images_wait_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long document is not rendered whole before reading starts: with 2 workers at most 4
    pages are handed over and not yet read when the next is made."""
    made: list[int] = []
    done: list[int] = []

    def images() -> Iterator[tuple[int, Image.Image]]:
        for number, image in numbered_pages(12):
            assert len(made) - len(done) <= 4, (made, done)
            made.append(number)
            yield number, image

    def read(image: Image.Image, langs: str = ocr.LANGS) -> ocr.OcrPage:
        done.append(image.width - 10)
        return read_by_width(image)

    monkeypatch.setattr(ocr, "read_image", read)
    assert len(ocr.read_pages(images(), max_workers=2)) == 12


@pytest.mark.unit
def test_a_page_that_fails_fails_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(image: Image.Image, langs: str = ocr.LANGS) -> ocr.OcrPage:
        raise ocr.OcrError("OCR failed on a page: broken")

    monkeypatch.setattr(ocr, "read_image", fail)
    with pytest.raises(ocr.OcrError, match="OCR failed on a page"):
        ocr.read_pages(numbered_pages(3), max_workers=2)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("cores", "expected"),
    [(1, 1), (2, 2), (ocr.MAX_WORKERS, ocr.MAX_WORKERS), (ocr.MAX_WORKERS + 1, ocr.MAX_WORKERS)],
)
def test_one_page_at_a_time_per_core_up_to_the_limit(
    monkeypatch: pytest.MonkeyPatch, cores: int, expected: int
) -> None:
    monkeypatch.setattr(ocr.os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert ocr.workers() == expected


@pytest.mark.unit
def test_without_affinity_the_core_count_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(ocr.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(ocr.os, "cpu_count", lambda: None)
    assert ocr.workers() == 1  # an unknown count: one at a time


@pytest.mark.unit
@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_tesseract_is_handed_an_uncompressed_greyscale_copy(mode: str) -> None:
    image = Image.new(mode, (30, 20), "white")
    handed = ocr._handoff(image)
    assert (handed.mode, handed.format, handed.size) == ("L", "PPM", (30, 20))
    assert handed is not image and image.format is None  # the caller's image is unchanged


# -- the hook in the text step -------------------------------------------------------------------
@pytest.mark.unit
def test_without_ocr_a_scan_keeps_needing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    document = check_document(image_bytes("PNG"), "photo.png")
    assert read_text(document, ocr=False).needs_ocr
    monkeypatch.setattr(ocr, "available", lambda: False)
    assert read_text(document).needs_ocr  # Tesseract missing: "needs OCR", not an error


@pytest.mark.unit
def test_a_text_pdf_is_not_read_by_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any) -> Any:
        raise AssertionError("OCR ran on a text layer")

    monkeypatch.setattr(ocr, "read_image", never)
    text = read_text(read_document(CORPUS / "en_lab_01.pdf"))
    assert [p.source for p in text.pages] == ["text"]


@needs_tesseract
@pytest.mark.integration
def test_a_scanned_pdf_gets_proposals_with_boxes(kb: KnowledgeBase) -> None:
    text = read_text(read_document(SCANS / "zh_dis_01.pdf"))
    assert [p.source for p in text.pages] == ["ocr"]
    assert "弥漫大B细胞淋巴瘤" in text.pages[0].text.replace(" ", "")
    extraction = extract(kb, text)
    assert not extraction.needs_ocr
    found = {p.path: p.value for p in extraction.proposals}
    assert found["diagnosis.disease"] == "lbcl"
    for p in extraction.proposals:
        box = p.provenance.box
        assert box is not None, p.path
        assert 0 <= box.left < box.right <= 1 and 0 <= box.top < box.bottom <= 1
        assert p.provenance.text == text.pages[0].text[p.provenance.start : p.provenance.end]


# -- the scan corpus -----------------------------------------------------------------------------
@pytest.mark.unit
def test_scan_corpus_shape() -> None:
    found = documents(SCANS)
    assert len(found) >= 10
    names = {path.stem for path, _ in found}
    assert {n[:2] for n in names} == {"en", "zh"}
    assert {path.suffix for path, _ in found} == {".pdf", ".png", ".jpg"}
    for path, expectation in found:
        # the same expected extraction as the text PDF it was rendered from
        assert expectation.read_bytes() == (CORPUS / expectation.name).read_bytes(), path.name
        assert read_text(read_document(path), ocr=False).needs_ocr, path.name  # no text layer


@needs_tesseract
@pytest.mark.integration
def test_goals_on_the_scan_corpus(kb: KnowledgeBase) -> None:
    result = evaluate(kb, SCANS)
    total = result.total
    assert total.documents == len(documents(SCANS))
    assert total.precision >= PRECISION_GOAL, total
    assert total.recall >= RECALL_GOAL, total
    assert total.kinds_right == total.documents  # every scan's kind is found


def test_the_scan_script_names_existing_documents() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_scans", SCANS / "make_scans.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {f"{name}.{fmt}" for name, (fmt, _) in module.SCANS.items()} == {
        p.name for p, _ in documents(SCANS)
    }
    assert all(Path(CORPUS / f"{name}.pdf").is_file() for name in module.SCANS)
