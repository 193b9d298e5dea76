"""The de-identified packet: THE leak test, scrubber behaviour, times, ages and goldens.

The leak test plants distinct identifiers in every string field of a case (name, phone, e-mail,
address, record numbers, birth date, city, notes, fears, supportive care, the four sentences, the
specific question, extensions, regimen, stage, product) and in other spellings inside free text,
renders the packet as JSON, HTML and PDF, and proves that none of them comes out. A property test
then does the same with random identifiers.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crossroads.common.dates import PartialDate, months_between
from crossroads.engine.classify import classify
from crossroads.engine.codes import check_codes
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.record.case import Case
from crossroads.record.load import case_from_data
from crossroads.render.packet import packet_html, packet_pdf
from crossroads.steps.assess import prepare_case
from crossroads.steps.deid import Scrubber, deidentify, shift_months, shifted
from tests.conftest import TODAY, Golden, example_files

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "review"
MARKS = {
    "name": "[name]",
    "phone": "[phone]",
    "email": "[email]",
    "address": "[place]",
    "id": "[number]",
    "date": "[date]",
    "link": "[link]",
}

# Identifiers planted in the record; none may reach any packet format.
PLANTED = [
    "Quillon Zebediah Marchetti-Vosk",
    "Quillon",
    "Zebediah",
    "Marchetti-Vosk",
    "Marchetti",
    "Vosk",
    "+44 7911 123456",
    "07911 123456",
    "7911123456",
    "qz.vosk@example.net",
    "17 Larchwood Crescent",
    "Larchwood",
    "Thornbury",
    "Brackenfield",
    "MRN-88421907",
    "88421907",
    "ZX7730-4412",
    "1961-04-17",
    "17/04/1961",
    "17 April 1961",
    "2022-12-05",
    "2023-01-09",
    "2023-06-30",
    "2024-02-14",
    "2024-03-21",
    "2024-06-11",
    "2025-01-15",
    "2024-11-02",
    "Orsolya",
    "Halvorsen",
    "Penhallow",
    "Ysolde Kettering",
    "Kettering",
    "https://portal.example.net/p/4471",
    "4471",
    "GB-NHS 943 476 5919",
    "9434765919",
    "wrenfield.clinic@example.org",
    "钟雪梅",
    "雪梅",
    "林晓燕",
    "13912345678",
    "110105196104170035",
]
EXACT_DATES = [p for p in PLANTED if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p)]

PLANTED_CASE: dict[str, Any] = {
    "patient": {
        "name": "Quillon Zebediah Marchetti-Vosk",
        "birth_date": "1961-04-17",
        "record_numbers": [
            {"system": "hospital MRN", "value": "MRN-88421907"},
            {"system": "pathology", "value": "ZX7730-4412"},
            {"system": "NHS number", "value": "GB-NHS 943 476 5919"},
        ],
        "contact": {
            "phone": "+44 7911 123456",
            "email": "qz.vosk@example.net",
            "address": "17 Larchwood Crescent, Thornbury",
        },
        "sex": "male",
        "country": "GB",
        "city": "Brackenfield",
        "language": "en",
    },
    "notes": (
        "Quillon (born 17 April 1961, 17/04/1961) lives in Brackenfield. Call 07911 123456 or "
        "7911123456, or his sister Orsolya on +44 7700 900123; email qz.vosk@example.net or "
        "wrenfield.clinic@example.org. Seen by Dr Halvorsen on 2024-02-14; notes at "
        "https://portal.example.net/p/4471. Hospital number MRN-88421907 (also written "
        "MRN 88421907). NHS 9434765919. 女儿林晓燕（电话 139 1234 5678，13912345678）。身份证 "
        "110105196104170035。Mr Marchetti-Vosk prefers Vosk. Lives at 17 Larchwood Crescent, "
        "Thornbury."
    ),
    "diagnosis": {
        "disease": "lbcl",
        "subtype": "dlbcl_nos",
        "stage": "IV Brackenfield",
        "diagnosed": "2022-12-05",
        "cns_involvement": False,
    },
    "lines": [
        {
            "regimen": "R-CHOP with Dr Penhallow (Brackenfield)",
            "agents": ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"],
            "start": "2023-01-09",
            "end": "2023-06-30",
            "best_response": "CR",
            "progression": "2024-02-14",
            "refractory": False,
        },
        {
            "regimen": "R-ICE for Quillon, MRN-88421907",
            "agents": ["rituximab", "ifosfamide", "carboplatin", "etoposide"],
            "start": "2024-03-21",
            "end": "2024-06-11",
            "best_response": "PR",
            "progression": "2024-11-02",
            "refractory": False,
        },
    ],
    "disease_status": {"state": "relapsed", "relapse_number": 2, "last_progression": "2024-11-02"},
    "transplants": [{"type": "autologous", "date": "2024-06-11"}],
    "transplant_eligible": False,
    "transplant_ineligible_reasons": ["other"],
    "prior_cellular_therapy": [],
    "fitness": {"ecog": 1, "active_infection": False, "organ_dysfunction": []},
    "assessment_date": "2025-01-15",
    "preferences": {
        "main_goal": "cure",
        "fears": ["Leaving Orsolya alone in Thornbury", "Dr Halvorsen said 07911 123456 was wrong"],
    },
    "logistics": {"treatment_country": "US"},
    "supportive_care": [
        {
            "name": "Herbal tea from Dr Ysolde Kettering",
            "kind": "tcm",
            "purpose": "sleep; call Dr Kettering on 07911 123456",
            "told_treating_team": False,
        }
    ],
    "review": {
        "specific_question": (
            "Should Quillon (MRN-88421907, born 1961-04-17) go to the US, as Dr Penhallow said?"
        ),
        "conflicting_advice": True,
    },
    "decision": {
        "sentences": {
            "status": "I am Quillon Marchetti-Vosk and my lymphoma came back on 2024-11-02.",
            "options": "CAR-T in the US, or what Dr Halvorsen offers in Brackenfield.",
            "car_t": "My sister Orsolya (+44 7700 900123) thinks CAR-T fits.",
            "next_step": "Email qz.vosk@example.net to my friend Ysolde Kettering by 2025-01-15.",
        },
        "sure": {"sure_of_choice": False},
    },
    "extensions": {
        "referrer": {"name": "Dr Halvorsen", "phone": "+44 7911 123456", "ref": "ZX7730-4412"},
        "Quillon's portal": "https://portal.example.net/p/4471",
        "visits": ["2024-02-14", "17 April 1961"],
        "mrn_number": 88421907,
    },
}


def planted_case(kb: KnowledgeBase) -> Case:
    return check_codes(case_from_data(PLANTED_CASE), kb)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext (poppler) reads it, falling back to pypdf."""
    path = tmp_path / "packet.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
            timeout=60,
        )
        return result.stdout.decode("utf-8")
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def squash(text: str) -> str:
    """Lower case without whitespace, so a line break in a PDF cannot hide a leak."""
    return re.sub(r"\s+", "", text).lower()


def leaks(output: str, planted: list[str]) -> list[str]:
    flat = squash(output)
    return [p for p in planted if squash(p) in flat]


def renders(packet: dict[str, Any], kb: KnowledgeBase, tmp_path: Path) -> dict[str, str]:
    page = packet_html(packet, kb)
    return {
        "json": json.dumps(packet, ensure_ascii=False),
        "html": page,
        "html_text": html.unescape(page),
        "pdf": pdf_text(packet_pdf(packet, kb), tmp_path),
    }


# -- THE leak test ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_no_planted_identifier_leaks_in_any_format(
    kb: KnowledgeBase, tmp_path: Path, lang: str
) -> None:
    case = planted_case(kb)
    packet = deidentify(case, kb, classify(case, kb, today=TODAY), lang=lang)
    for fmt, text in renders(packet, kb, tmp_path).items():
        assert leaks(text, PLANTED) == [], fmt


def test_packet_never_carries_identity_fields(kb: KnowledgeBase) -> None:
    packet = deidentify(planted_case(kb), kb, today=TODAY)
    assert packet["person"] == {
        "age_years": "63",
        "sex": "male",
        "country": "GB",
        "language": "en",
    }
    assert list(packet) == [
        "schema",
        "knowledge_base",
        "lang",
        "notice",
        "check_before_sending",
        "time_anchor",
        "dates_shifted",
        "person",
        "diagnosis",
        "lines",
        "disease_status",
        "transplants",
        "transplant_eligible",
        "transplant_ineligible_reasons",
        "prior_cellular_therapy",
        "fitness",
        "assessed",
        "preferences",
        "logistics",
        "records",
        "supportive_care",
        "classification",
        "team_questions",
        "triage",
        "specific_question",
        "missing_facts",
        "notes",
        "decision",
        "extensions",
        "not_replace",
        "urgent",
    ]


def test_packet_pdf_text_has_the_clinical_content(kb: KnowledgeBase, tmp_path: Path) -> None:
    """The leak test above would pass on an empty PDF; this proves the PDF has content."""
    packet = deidentify(planted_case(kb), kb, today=TODAY)
    text = pdf_text(packet_pdf(packet, kb), tmp_path)
    for expected in ("Specialist review packet", "large B-cell lymphoma", "R-CHOP", "month 14"):
        assert expected in text


def test_free_text_is_scrubbed_exactly(kb: KnowledgeBase) -> None:
    packet = deidentify(planted_case(kb), kb, today=TODAY)
    assert packet["notes"] == (
        "[name] (born [date], [date]) lives in [place]. Call [phone] or [phone], or his sister "
        "[name] on [phone]; email [email] or [email]. Seen by Dr [name] on [date]; notes at "
        "[link]. Hospital number [number] (also written [number]). NHS [number]. "
        "女儿[name]（电话 [phone]，[phone]）。身份证 [number]。Mr [name] prefers [name]. "
        "Lives at [place]."
    )
    assert [line["regimen"] for line in packet["lines"]] == [
        "R-CHOP with Dr [name] ([place])",
        "R-ICE for [name], [number]",
    ]
    assert packet["diagnosis"]["stage"] == "IV [place]"
    assert packet["specific_question"] == {
        "text": "Should [name] ([number], born [date]) go to the US, as Dr [name] said?",
        "by": "person",
    }
    assert packet["supportive_care"] == [
        {
            "name": "Herbal tea from Dr [name]",
            "kind": "tcm",
            "purpose": "sleep; call Dr [name] on [phone]",
            "told_treating_team": False,
        }
    ]
    assert packet["extensions"] == {
        "referrer": {"name": "Dr [name]", "phone": "[phone]", "ref": "[number]"},
        "[name]'s portal": "[link]",
        "visits": ["[date]", "[date]"],
        "mrn_number": "[number]",
    }


def test_chinese_free_text_is_scrubbed(kb: KnowledgeBase) -> None:
    data = {
        "patient": {
            "name": "钟雪梅 (Zhong Xuemei)",
            "contact": {"phone": "+86 139 1234 5678", "address": "广州市天河区虚构路 12 号"},
            "city": "Guangzhou",
            "country": "CN",
        },
        "notes": (
            "钟女士 2024年3月5日复发，雪梅的女儿林晓燕（电话 13912345678）家住天河区。"
            "主治医生王建军说可以考虑 CAR-T。家属在比较国内和新加坡。"
        ),
    }
    case = case_from_data(data)
    scrub = Scrubber(case, MARKS)
    assert scrub(data["notes"]) == (
        "[name]女士 [date]复发，[name]的女儿[name]（电话 [phone]）家住[place]。"
        "主治医生[name]说可以考虑 CAR-T。家属在比较国内和新加坡。"
    )


def test_scrubber_keeps_clinical_words(kb: KnowledgeBase) -> None:
    case = case_from_data({"patient": {"name": "Li Na"}})
    text = "R-CHOP x6, then CCCG-ALL-2015; ECOG 1; relapse in 2025 after 12 months; LDH 350."
    assert Scrubber(case, MARKS)(text) == text


# -- times, ages, shifted dates -----------------------------------------------------------------
def test_dates_become_months_from_diagnosis(kb: KnowledgeBase) -> None:
    packet = deidentify(planted_case(kb), kb, today=TODAY)
    assert packet["time_anchor"] == "diagnosis"
    assert packet["diagnosis"]["diagnosed"] == {
        "months_low": 0,
        "months_high": 0,
        "text": "month 0",
    }
    # 2022-12 -> 2023-01 = 1, -> 2023-06 = 6, -> 2024-02 = 14 (calendar months)
    first = packet["lines"][0]
    assert [first["start"]["text"], first["end"]["text"], first["progression"]["text"]] == [
        "month 1",
        "month 6",
        "month 14",
    ]
    assert packet["assessed"]["text"] == "month 25"
    assert packet["transplants"] == [
        {"type": "autologous", "date": {"months_low": 18, "months_high": 18, "text": "month 18"}}
    ]


def test_partial_dates_give_month_ranges_in_chinese(kb: KnowledgeBase) -> None:
    case = case_from_data(
        {"diagnosis": {"diagnosed": "2023"}, "lines": [{"start": "2023-05", "end": "2024"}]}
    )
    packet = deidentify(case, kb, today=TODAY, lang="zh-Hans")
    # 2023 (Jan-Dec) to 2023-05: -7..4; to 2024: 1..23
    assert packet["lines"][0]["start"]["text"] == "第 -7 至 4 个月"
    assert packet["lines"][0]["end"]["text"] == "第 1 至 23 个月"


def test_without_diagnosis_date_the_first_date_is_month_zero(kb: KnowledgeBase) -> None:
    case = case_from_data({"lines": [{"start": "2024-05", "end": "2024-09"}]})
    packet = deidentify(case, kb, today=TODAY)
    assert packet["time_anchor"] == "first_recorded_date"
    assert packet["lines"][0]["end"]["text"] == "month 4"
    assert "first date in the record" in packet["notice"]


@pytest.mark.parametrize(("age", "shown"), [(89, "89"), (90, "90+"), (120, "90+"), (0, "0")])
def test_ages_over_89_are_shown_as_90_plus(kb: KnowledgeBase, age: int, shown: str) -> None:
    case = case_from_data({"patient": {"age_years": age}})
    assert deidentify(case, kb, today=TODAY)["person"]["age_years"] == shown


def test_age_range_from_partial_birth_date(kb: KnowledgeBase) -> None:
    case = case_from_data({"patient": {"birth_date": "1961"}, "assessment_date": "2025-01-15"})
    assert deidentify(case, kb, today=TODAY)["person"]["age_years"] == "63-64"


def test_age_range_reaching_90_is_open_ended(kb: KnowledgeBase) -> None:
    case = case_from_data({"patient": {"birth_date": "1935"}, "assessment_date": "2025-01-15"})
    assert deidentify(case, kb, today=TODAY)["person"]["age_years"] == "89+"


def test_shift_keeps_intervals_and_hides_real_dates(kb: KnowledgeBase) -> None:
    case = planted_case(kb)
    months = shift_months("secret-7")
    assert months != 0 and -24 <= months <= 24
    packet = deidentify(case, kb, today=TODAY, shift_seed="secret-7")
    line = packet["lines"][0]
    start, end = (
        PartialDate.parse(line["start"]["shifted"]),
        PartialDate.parse(line["end"]["shifted"]),
    )
    assert months_between(start, end) == months_between(
        PartialDate.parse("2023-01-09"), PartialDate.parse("2023-06-30")
    )
    assert line["start"]["shifted"] != "2023-01-09"
    assert packet["dates_shifted"] is True


def test_shifted_keeps_precision() -> None:
    assert shifted(PartialDate.parse("2024-11"), 3) == "2025-02"
    assert shifted(PartialDate.parse("2024-03-31"), -1) == "2024-02-29"
    assert shifted(PartialDate.parse("2024"), 5) == "2025"
    assert shifted(PartialDate.parse("2024"), -20) == "2022"


# -- property test ------------------------------------------------------------------------------
_letters = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=5, max_size=10)
_names = st.tuples(_letters, _letters).map(lambda p: f"{p[0].title()} {p[1].title()}")
_phones = (
    st.lists(st.integers(100, 9999), min_size=3, max_size=4)
    .map(lambda groups: "+" + " ".join(str(g) for g in groups))
    .filter(lambda p: sum(c.isdigit() for c in p) >= 7)
)
_emails = st.tuples(_letters, _letters).map(lambda p: f"{p[0]}@{p[1]}.org")
_records = st.tuples(st.sampled_from(["MRN", "PAT", "H"]), st.integers(10_000, 99_999_999)).map(
    lambda p: f"{p[0]}-{p[1]}"
)


@settings(max_examples=40, deadline=None)
@given(name=_names, phone=_phones, email=_emails, record=_records, city=_letters)
def test_random_identifiers_never_leak(
    name: str, phone: str, email: str, record: str, city: str
) -> None:
    kb = load_kb()  # not the fixture: Hypothesis would print the whole knowledge base on failure
    city = city.title()
    data = {
        "patient": {
            "name": name,
            "record_numbers": [{"value": record}],
            "contact": {"phone": phone, "email": email},
            "city": city,
            "country": "US",
        },
        "notes": (
            f"{name} ({record}) from {city}: call {phone} or write {email}. "
            f"{name.split()[0]} agrees."
        ),
        "diagnosis": {"disease": "lbcl"},
        "preferences": {"fears": [f"{name.split()[1]} worries about {city}"]},
        "review": {"specific_question": f"Can {name} be treated near {city}? Ref {record}."},
        "extensions": {"contact": {"who": name, "tel": phone}},
    }
    planted = [name, *name.split(), phone, email, record, city]
    baseline = json.dumps(
        deidentify(case_from_data({"diagnosis": {"disease": "lbcl"}}), kb, today=TODAY)
    )
    assume(not leaks(baseline, planted))
    packet = deidentify(case_from_data(data), kb, today=TODAY)
    assert leaks(json.dumps(packet, ensure_ascii=False), planted) == []


# -- goldens ------------------------------------------------------------------------------------
@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_packet_json_golden(kb: KnowledgeBase, case_file: Path, golden: Golden) -> None:
    case = prepare_case(case_file, kb)
    packet = deidentify(case, kb, classify(case, kb, today=TODAY), lang="en")
    golden.check(
        GOLDEN / f"{case_file.stem}.packet.json",
        json.dumps(packet, ensure_ascii=False, indent=2) + "\n",
    )


@pytest.mark.parametrize("case_file", example_files(), ids=lambda p: p.stem)
def test_example_packets_leak_nothing(kb: KnowledgeBase, case_file: Path) -> None:
    case = prepare_case(case_file, kb)
    packet = deidentify(case, kb, classify(case, kb, today=TODAY), lang="en")
    patient = case.patient
    planted = [v for v in (patient.name, patient.city) if v]
    planted += [n.value for n in patient.record_numbers]
    if patient.contact:
        planted += [
            v for v in (patient.contact.phone, patient.contact.email, patient.contact.address) if v
        ]
    if patient.birth_date and patient.birth_date.day:
        planted.append(str(patient.birth_date))
    text = json.dumps(packet, ensure_ascii=False) + packet_html(packet, kb)
    assert leaks(text, planted) == []
