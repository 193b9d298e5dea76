"""Redacted copies of record documents for the specialist packet: the leak test (every corpus
document with planted identifiers, English and Chinese, text PDFs and scans: none of them in the
copy's text layer nor in OCR of its page images), clinical facts still readable, nothing of the
original file kept, and the rules that decide what is blacked out."""

from __future__ import annotations

import functools
import hashlib
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader, PdfWriter

from crossroads.record.case import Case
from crossroads.records import ocr
from crossroads.records.intake import CheckedDocument, check_document, read_document
from crossroads.records.redact import (
    DPI,
    Redacted,
    RedactionError,
    is_exact_date,
    redact,
    to_black,
    word_part,
)
from crossroads.records.text import Box
from crossroads.steps.deid.document import DocumentFinder, redact_document
from tests.records.conftest import CORPUS, blank_pdf

SCANS = CORPUS / "scans"
needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed")

# The identifiers planted in each corpus document (written by hand from its source NAME.html):
# names, record and ID numbers, facilities, and the exact dates of its header.
PLANTED: dict[str, list[str]] = {
    "en_dis_01": ["Daniel Okafor", "Okafor", "30019277", "Lakeside Medical Centre", "2025-03-02",
                  "2025-03-20", "12 January 2024", "48 Willow Lane",
                  "BF2 7QT", "(555) 013-2276"],
    "en_dis_02": ["Grace Whitfield", "Whitfield", "4410-2231", "Mercy Hill Hospital",
                  "9 September 2025", "16 September 2025", "3 May 2021"],
    "en_dis_03": ["Ethan Marsh", "77120045", "2004-11-02", "Westgate", "2025-06-01", "2025-06-28"],
    "en_img_01": ["George Harlan", "44105521", "Northshore Imaging Centre", "2025-08-20"],
    "en_lab_01": ["Anna Fitzgerald", "Fitzgerald", "55012984", "Kingsbury Hospital", "2025-09-29"],
    "en_lab_02": ["Victor Huang", "SOA-118822", "Summit Oncology Associates", "12 August 2025"],
    "en_med_01": ["Patricia Gomez", "12093344", "Oakridge Family and Cancer Clinic", "2025-10-01",
                  "7 Harbour Road", "EP4 9LN", "555-019-9882"],
    "en_path_01": ["Margaret Ellison", "Ellison", "00482913", "1961-07-14", "Northbridge",
                   "2023-03-10", "2023-03-14", "Patel"],
    "en_path_02": ["Thomas Reyes", "H-7734102", "St. Aldric University Hospital", "14 June 2024"],
    "en_path_03": ["Olivia Brandt", "5521-884", "Riverside Cancer Centre", "2 February 2022"],
    "en_tpl_01": ["Laura Mendes", "90031877", "Beacon Bone Marrow Transplant Unit", "2023-08-16"],
    "en_tpl_02": ["Marcus Bell", "GTC-20231", "Greenfield Transplant", "2024-11-12"],
    "en_tx_01": ["Robert Lindqvist", "66201934", "Harbour View Cancer Institute", "2025-10-07",
                 "2024-02-19"],
    "en_tx_02": ["Helen Kowalski", "22931-07", "Eastbrook Regional Hospital", "2025-07-02"],
    "en_tx_03": ["Samuel Achebe", "PMC-30412", "Pinecrest Myeloma Clinic", "2025-11-03",
                 "2020-08-14"],
    "zh_dis_01": ["张丽华", "2025018832", "东华医科大学附属第二医院", "2025年3月2日",
                  "2025年3月20日", "2025年4月3日", "110105197303154428",
                  "138 0013 2276", "梧桐路88号", "3单元502室"],
    "zh_dis_02": ["赵文斌", "ZY20250611", "北岭市中心医院", "2025年6月11日", "2025年6月25日",
                  "2021年11月5日"],
    "zh_dis_03": ["孙海燕", "0092231", "江城大学附属医院", "2025年8月4日", "2025年8月15日"],
    "zh_img_01": ["冯建华", "NH-PET-30217", "南湖影像诊断中心", "2025年6月9日"],
    "zh_lab_01": ["李桂兰", "LJ00881234", "临江市第一人民医院", "2025年9月2日"],
    "zh_lab_02": ["郑国华", "HN2025-33019", "华南肿瘤中心", "2025年7月15日"],
    "zh_med_01": ["何美玲", "00451298", "2025年9月18日", "021-6437-2290", "滨河路12号"],
    "zh_path_01": ["王建国", "P2023-08817", "0067321", "华东第一人民医院", "2023年5月8日",
                   "2023年5月12日", "李明"],
    "zh_path_02": ["陈秀英", "20240311088", "南江大学附属肿瘤医院", "2024年3月11日"],
    "zh_path_03": ["刘洋", "ZY884201", "西川省人民医院", "2022年9月20日"],
    "zh_tpl_01": ["马春梅", "ZY-2024-4471", "中原大学附属肿瘤医院", "2024年3月25日",
                  "2024年4月16日"],
    "zh_tpl_02": ["钱立新", "DH-77810", "东海血液病研究所", "2023年8月9日"],
    "zh_tx_01": ["黄志强", "BH2023-00912", "滨海肿瘤医院", "2025年10月8日", "2023年6月12日"],
    "zh_tx_02": ["周敏", "JL-557302", "金陵血液病医院"],
    "zh_tx_03": ["吴晓东", "2022007781", "北方医科大学第一医院", "2023年3月18日"],
}  # fmt: skip

# Clinical facts a specialist must still read in each copy: the diagnosis and the regimens.
FACTS: dict[str, list[str]] = {
    "en_dis_01": ["lymphoma", "R-CHOP", "R-ICE", "March 2023"],
    "en_dis_02": ["myeloma", "VRd", "DKd"],
    "en_dis_03": ["leukaemia", "blinatumomab"],
    "en_img_01": ["lymphoma", "R-GemOx", "Deauville"],
    "en_lab_01": ["eGFR", "LDH"],
    "en_lab_02": ["eGFR", "CD19"],
    "en_med_01": ["Aciclovir", "CAR-T"],
    "en_path_01": ["lymphoma", "CD19"],
    "en_path_02": ["myeloma", "BCMA"],
    "en_path_03": ["Follicular", "lymphoma"],
    "en_tpl_01": ["lymphoma", "R-GDP", "BEAM"],
    "en_tpl_02": ["B-ALL", "ponatinib"],
    "en_tx_01": ["lymphoma", "DA-EPOCH-R", "R-DHAP", "Pola-BR"],
    "en_tx_02": ["Follicular", "R-CHOP"],
    "en_tx_03": ["myeloma", "Dara-VRd", "KPd", "Teclistamab"],
    "zh_dis_01": ["淋巴瘤", "R-CHOP", "R-GemOx", "2022年10月"],
    "zh_dis_02": ["骨髓瘤", "VRd", "DPd"],
    "zh_dis_03": ["套细胞淋巴瘤", "R-DHAP"],
    "zh_img_01": ["滤泡性淋巴瘤"],
    "zh_lab_01": ["血红蛋白", "eGFR"],
    "zh_lab_02": ["肌酐", "CD19"],
    "zh_med_01": ["阿昔洛韦", "CAR-T"],
    "zh_path_01": ["淋巴瘤", "CD19"],
    "zh_path_02": ["骨髓瘤", "BCMA"],
    "zh_path_03": ["套细胞淋巴瘤"],
    "zh_tpl_01": ["淋巴瘤", "R-DHAP", "BEAM"],
    "zh_tpl_02": ["骨髓瘤", "VRd"],
    "zh_tx_01": ["淋巴瘤", "DA-EPOCH-R", "R-ICE"],
    "zh_tx_02": ["白血病", "FCR"],
    "zh_tx_03": ["白血病", "VDCLP"],
}
# Of the facts above, the share OCR must read in the copies
FACTS_READ_GOAL = 0.93  # measured: 101 of 108 (0.935); the misses are OCR misreads (Tesseract reads
# table rows next to black boxes worse: zh_med_01 lost two facts when its phone and address lines
# were added and blacked out)
EXACT_DATE = re.compile(r"(?:19|20)\d\d-\d\d-\d\d|(?:19|20)\d\d年\d{1,2}月\d{1,2}日")

TEXT_DOCUMENTS = sorted(PLANTED)
SCAN_DOCUMENTS = sorted(p.name for p in SCANS.iterdir() if p.suffix in {".pdf", ".png", ".jpg"})


def squash(text: str) -> str:
    """Text as compared: no spaces or punctuation look-alikes, lower case (OCR puts spaces
    between Chinese words and may read "·" or "：" differently)."""
    return re.sub(r"[\s·•:：,，.。]+", "", text).lower()


def leaks(text: str, planted: list[str]) -> list[str]:
    flat = squash(text)
    return [p for p in planted if squash(p) in flat]


@functools.cache
def redacted(path: Path) -> Redacted:
    return redact_document(read_document(path))


@functools.cache
def ocr_of(path: Path) -> str:
    """Tesseract's reading of the redacted copy's page images (English and Chinese)."""
    import pytesseract

    pdf = redacted(path).pdf
    return "\n".join(
        pytesseract.image_to_string(image, lang=ocr.LANGS)
        for _, image in ocr.page_images(pdf, "application/pdf")
    )


def text_layer(pdf: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def corpus_paths() -> list[Path]:
    return [CORPUS / f"{n}.pdf" for n in TEXT_DOCUMENTS] + [SCANS / n for n in SCAN_DOCUMENTS]


# -- the leak test -------------------------------------------------------------------------------
@pytest.mark.integration
@pytest.mark.parametrize("path", corpus_paths(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_redacted_copy_has_no_text_layer(path: Path) -> None:
    pdf = redacted(path).pdf
    assert text_layer(pdf) == ""
    assert leaks(pdf.decode("latin-1"), PLANTED[path.stem]) == []


@pytest.mark.integration
@needs_tesseract
@pytest.mark.parametrize("path", corpus_paths(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_planted_identifier_in_ocr_of_the_redacted_images(path: Path) -> None:
    read = ocr_of(path)
    assert leaks(read, PLANTED[path.stem]) == []
    assert EXACT_DATE.findall(squash(read).replace("~", "-")) == []


@pytest.mark.integration
@needs_tesseract
def test_clinical_facts_stay_readable() -> None:
    facts = read = 0
    missing: list[str] = []
    for path in corpus_paths():
        flat = squash(ocr_of(path))
        for fact in FACTS[path.stem]:
            facts += 1
            if squash(fact) in flat:
                read += 1
            else:
                missing.append(f"{path.parent.name}/{path.name}: {fact}")
    print(f"clinical facts read by OCR in the redacted copies: {read} of {facts}")
    assert read / facts >= FACTS_READ_GOAL, missing


@pytest.mark.integration
@pytest.mark.parametrize("name", ["en_dis_01", "zh_dis_01"])
def test_every_text_page_is_redacted_and_counted(name: str) -> None:
    copy = redacted(CORPUS / f"{name}.pdf")
    assert copy.pages == 1
    ids = {"en_dis_01": 1, "zh_dis_01": 2}[name]  # zh_dis_01: the record number and the 身份证号
    assert copy.kinds["name"] >= 1 and copy.kinds["id"] == ids and copy.kinds["facility"] == 1
    assert copy.kinds["phone"] == 1 and copy.kinds["address"] >= 1
    assert copy.boxes >= sum(copy.kinds.values())


# -- nothing of the original file ----------------------------------------------------------------
def rich_pdf() -> bytes:
    """A text PDF with a title, an author, XMP, an attachment and a page label."""
    source = (CORPUS / "en_dis_01.pdf").read_bytes()
    writer = PdfWriter(clone_from=io.BytesIO(source))
    writer.add_metadata({"/Title": "Daniel Okafor discharge", "/Author": "Dr Secret Author"})
    writer.add_attachment("notes.txt", b"Daniel Okafor MRN 30019277")
    xmp = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description "
        b"xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:creator>XmpOkafor</dc:creator>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    )
    writer.xmp_metadata = xmp  # type: ignore[assignment]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.integration
def test_metadata_attachments_and_xmp_do_not_survive() -> None:
    data = rich_pdf()
    original = PdfReader(io.BytesIO(data))
    assert original.metadata is not None and original.metadata.title  # the test's own check
    # intake refuses attachments; the redaction must not rely on that, so it gets the file as is
    document = CheckedDocument(
        "rich.pdf", "application/pdf", data, hashlib.sha256(data).hexdigest(), 1
    )
    pdf = redact(document, DocumentFinder()).pdf
    reader = PdfReader(io.BytesIO(pdf))
    info = reader.metadata or {}
    assert not info.get("/Title") and not info.get("/Author")
    assert reader.attachments == {}
    assert reader.xmp_metadata is None
    raw = pdf.decode("latin-1")
    for secret in ("Okafor", "Secret", "30019277", "notes.txt", "XmpOkafor"):
        assert secret not in raw


@pytest.mark.integration
def test_page_size_follows_the_output_resolution() -> None:
    pdf = redacted(CORPUS / "en_dis_01.pdf").pdf
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    # A4 is 595 x 842 points, rendered at DPI and written back at DPI
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert DPI == 200


@pytest.mark.unit
def test_a_blank_scan_without_text_gives_a_clean_copy() -> None:
    if not ocr.available():
        with pytest.raises(RedactionError, match="OCR"):
            redact(check_document(blank_pdf(), "blank.pdf"), DocumentFinder())
        return
    copy = redact(check_document(blank_pdf(2), "blank.pdf"), DocumentFinder())
    assert (copy.pages, copy.boxes, copy.kinds) == (2, 0, {})


@pytest.mark.unit
def test_an_image_is_redacted_as_one_page() -> None:
    if not ocr.available():
        pytest.skip("Tesseract is not installed")
    buffer = io.BytesIO()
    Image.new("L", (400, 300), 255).save(buffer, "PNG")
    copy = redact(check_document(buffer.getvalue(), "photo.png"), DocumentFinder())
    assert copy.pages == 1
    assert text_layer(copy.pdf) == ""


# -- what is blacked out -------------------------------------------------------------------------
@pytest.mark.unit
@pytest.mark.parametrize(
    "text",
    ["2025-03-02", "12 January 2024", "January 12, 2024", "2025年3月2日", "3月2日", "03/07/61",
     "14.07.1961", "2 Feb 2022", "12 January"],
)  # fmt: skip
def test_exact_dates_are_blacked_out(text: str) -> None:
    assert is_exact_date(text)


@pytest.mark.unit
@pytest.mark.parametrize("text", ["March 2023", "2023-03", "2022年10月", "03/2023", "Nov 2024"])
def test_month_and_year_are_kept(text: str) -> None:
    assert not is_exact_date(text)


@pytest.mark.unit
def test_only_dates_without_a_day_are_kept() -> None:
    text = "from March 2023 to 2023-08-14, Okafor"
    spans = [(5, 15, "date"), (19, 29, "date"), (31, 37, "name")]
    assert to_black(spans, text) == [(19, 29, "date"), (31, 37, "name")]


@pytest.mark.unit
@given(st.integers(1900, 2099), st.integers(1, 12), st.integers(1, 28))
def test_every_iso_and_chinese_day_date_is_exact(year: int, month: int, day: int) -> None:
    assert is_exact_date(f"{year}-{month:02d}-{day:02d}")
    assert is_exact_date(f"{year}年{month}月{day}日")
    assert not is_exact_date(f"{year}-{month:02d}")
    assert not is_exact_date(f"{year}年{month}月")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Patient: Daniel Okafor · MRN 30019277", ["Daniel Okafor", "30019277"]),
        ("Signed: Dr. A. Patel, Consultant", ["A. Patel"]),
        ("Lakeside Medical Centre · Ward 4B\nMr Okafor", ["Lakeside Medical Centre", "Okafor"]),
        ("Beacon Bone Marrow Transplant Unit", ["Beacon Bone Marrow Transplant Unit"]),
        ("姓名：张丽华 性别：女 住院号：2025018832", ["张丽华", "2025018832"]),
        ("诊断医师：李明", ["李明"]),
        ("电话：13812345678 地址：长宁路1188号", ["13812345678", "长宁路1188号"]),
        ("身份证号：110101199003074512", ["110101199003074512"]),
        ("Phone +44 20 7946 0958, 221B Baker Street", ["+44 20 7946 0958", "221B Baker Street"]),
    ],
)
def test_finder_finds_form_identifiers(text: str, found: list[str]) -> None:
    spans = DocumentFinder()(text)
    got = [text[s:e] for s, e, _ in spans]
    for item in found:
        assert any(item in g for g in got), (item, got)


@pytest.mark.unit
@pytest.mark.parametrize(
    "text",
    [
        "弥漫大B细胞淋巴瘤（非生发中心型）复发",
        "诊断：弥漫大B细胞淋巴瘤（生发中心型）",
        "中原大学附属肿瘤医院 造血干细胞移植中心\n2024年4月16日行自体造血干细胞移植",
        "Stem Cell Transplant Summary",
        "PET-CT Imaging Report",
    ],
)
def test_finder_keeps_clinical_words(text: str) -> None:
    finder = DocumentFinder()
    kept = "".join(c for i, c in enumerate(text) if not any(s <= i < e for s, e, _ in finder(text)))
    for word in ("生发中心型", "造血干细胞移植", "Transplant Summary", "Imaging Report"):
        if word in text:
            assert word in kept


@pytest.mark.unit
def test_part_of_an_ocr_word_is_blacked_out_with_a_character_to_spare() -> None:
    word = "BEAM。2024年4月16日行"  # OCR read the regimen, the date and 行 as one word
    box = Box(0.0, 0.0, 1.0, 1.0)
    start = word.index("2024")
    end = word.index("行")
    # widths in half-width units: BEAM 4, 。2, 2024 4, 年 2, 4 1, 月 2, 16 2, 日 2, 行 2 = 21
    assert word_part(word, 0, len(word), box, start, end) == Box(4 / 21, 0.0, 1.0, 1.0)
    assert word_part(word, 0, len(word), box, 0, len(word)) == box
    assert word_part(word, 0, len(word), box, 0, 4) == Box(0.0, 0.0, 6 / 21, 1.0)


@pytest.mark.unit
def test_the_case_teaches_the_finder_its_own_identifiers() -> None:
    case = Case.model_validate({"patient": {"name": "Orsolya Vosk"}})
    text = "Seen with Orsolya today; Vosk family history noted."
    found = [text[s:e] for s, e, _ in DocumentFinder(case)(text)]
    assert found == ["Orsolya", "Vosk"]
    assert DocumentFinder()(text) == []
