"""The reading rules, one at a time, on short texts (English and Chinese)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crossroads.records.extract import Extraction, Proposal

pytestmark = pytest.mark.unit
Read = Callable[[str], Extraction]


def values(extraction: Extraction) -> dict[str, object]:
    return {p.path: p.value for p in extraction.proposals}


def one(extraction: Extraction, path: str) -> Proposal:
    found = [p for p in extraction.proposals if p.path == path]
    assert len(found) == 1, found
    return found[0]


def test_provenance_is_the_exact_page_text(read: Read) -> None:
    text = "Treatment summary\nDiagnosis: diffuse large B-cell\nlymphoma. ECOG 1."
    result = read(text)
    for p in result.proposals:
        assert text[p.provenance.start : p.provenance.end] == p.provenance.text
        assert p.provenance.page == 1
        assert p.provenance.name == "test.pdf"
    assert one(result, "diagnosis.disease").provenance.text == "diffuse large B-cell\nlymphoma"


def test_diagnosis_after_its_label_wins_over_an_earlier_mention(read: Read) -> None:
    result = read(
        "History of follicular lymphoma in a cousin.\nFinal diagnosis: mantle cell lymphoma."
    )
    assert values(result)["diagnosis.disease"] == "mcl"
    assert one(result, "diagnosis.disease").confidence == 0.9


def test_diagnosis_without_a_label_has_lower_confidence(read: Read) -> None:
    result = read("Biopsy shows diffuse large B-cell lymphoma.")
    assert one(result, "diagnosis.disease").confidence == 0.6


def test_dates_by_their_cue_words(read: Read) -> None:
    result = read(
        "Diagnosed with DLBCL on 2022-01-10. Relapse in June 2023. Progressed again on 2024-02-01. "
        "Date of birth 1960-01-01."
    )
    got = values(result)
    assert got["diagnosis.diagnosed"] == "2022-01-10"
    assert got["disease_status.last_progression"] == "2024-02-01"  # the latest
    assert "1960-01-01" not in got.values()


def test_chinese_cue_after_the_date(read: Read) -> None:
    got = values(read("患者2022年10月确诊弥漫大B细胞淋巴瘤。2023年12月复发。"))
    assert got["diagnosis.diagnosed"] == "2022-10"
    assert got["disease_status.last_progression"] == "2023-12"


def test_line_dates_and_response(read: Read) -> None:
    got = values(
        read(
            "She received R-CHOP x6 from April 2023 to August 2023 and achieved complete remission."
        )
    )
    assert {k: v for k, v in got.items() if k.startswith("lines")} == {
        "lines[R-CHOP].regimen": "R-CHOP",
        "lines[R-CHOP].start": "2023-04",
        "lines[R-CHOP].end": "2023-08",
        "lines[R-CHOP].best_response": "CR",
    }


def test_table_rows_give_each_line_its_own_dates(read: Read) -> None:
    got = values(
        read(
            "Regimen Start End Best response\nR-CHOP x6 2023-04-10 2023-08-02 CR\n"
            "R-ICE x2 2024-02-01 2024-03-05 PR"
        )
    )
    assert got["lines[R-CHOP].start"] == "2023-04-10"
    assert got["lines[R-CHOP].end"] == "2023-08-02"
    assert got["lines[R-ICE].start"] == "2024-02-01"
    assert got["lines[R-ICE].best_response"] == "PR"


def test_response_codes_are_not_regimens(read: Read) -> None:
    got = values(read("R-DHAP 2 2025-04-01 2025-05-06 SD\nPola-BR 2 2025-06-02 2025-07-14 PD"))
    assert "lines[Sd].regimen" not in got
    assert "lines[Pd].regimen" not in got
    assert got["lines[R-DHAP].best_response"] == "SD"
    assert got["lines[Pola-BR].best_response"] == "PD"


def test_chinese_line(read: Read) -> None:
    got = values(read("2022年11月起行R-CHOP方案化疗6周期，2023年4月结束，疗效评估完全缓解。"))
    assert got["lines[R-CHOP].start"] == "2022-11"
    assert got["lines[R-CHOP].end"] == "2023-04"
    assert got["lines[R-CHOP].best_response"] == "CR"


def test_a_medicine_alone_is_a_line_only_with_dates(read: Read) -> None:
    assert "lines[zanubrutinib].regimen" not in values(read("Zanubrutinib 160 mg twice daily."))
    got = values(read("Zanubrutinib from 2024-01-05 to 2024-09-30, best response PR."))
    assert got["lines[zanubrutinib].start"] == "2024-01-05"
    assert got["lines[zanubrutinib].best_response"] == "PR"


def test_supportive_medicines_and_conditioning_are_not_lines(read: Read) -> None:
    got = values(
        read(
            "Aciclovir from 2024-01-01. BEAM conditioning then autologous stem cell "
            "transplant on 2024-04-18."
        )
    )
    assert not any(k.startswith("lines") for k in got)
    assert got["transplants[autologous].date"] == "2024-04-18"


@pytest.mark.parametrize(
    "text",
    [
        "Not eligible for allogeneic transplant.",
        "Referred for autologous stem cell transplant evaluation.",
        "拟行自体造血干细胞移植。",
        "患者未行自体移植。",
        "Plan: allogeneic transplant if CR.",
    ],
)
def test_a_transplant_not_done_is_not_proposed(read: Read, text: str) -> None:
    assert not any(k.startswith("transplants") for k in values(read(text)))


def test_a_transplant_done(read: Read) -> None:
    got = values(read("2021年11月5日行自体造血干细胞移植。"))
    assert got["transplants[autologous].type"] == "autologous"
    assert got["transplants[autologous].date"] == "2021-11-05"


def test_car_t_with_product_and_date(read: Read) -> None:
    got = values(read("2024年3月行CD19 CAR-T细胞回输（阿基仑赛）。"))
    assert got["prior_cellular_therapy[CD19].target"] == "CD19"
    assert got["prior_cellular_therapy[CD19].product"] == "axicabtagene ciloleucel"
    assert got["prior_cellular_therapy[CD19].date"] == "2024-03"


def test_car_t_target_is_never_guessed(read: Read) -> None:
    assert not any(
        k.startswith("prior_cellular") for k in values(read("Received CAR-T on 2024-03-01."))
    )
    assert not any(
        k.startswith("prior_cellular") for k in values(read("Referred for CAR-T evaluation."))
    )


@pytest.mark.parametrize(("text", "value"), [("ECOG 0.", 0), ("ECOG PS: 4", 4), ("ECOG评分2分", 2)])
def test_ecog_read_within_0_to_4(read: Read, text: str, value: int) -> None:
    assert values(read(text))["fitness.ecog"] == value


@pytest.mark.parametrize("text", ["ECOG 5", "ECOG 1.5", "ECOG 12"])
def test_ecog_outside_the_scale_is_not_read(read: Read, text: str) -> None:
    assert "fitness.ecog" not in values(read(text))


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("LVEF 58%", "fitness.lvef_percent", 58.0),
        ("左室射血分数62%", "fitness.lvef_percent", 62.0),
        ("Ejection fraction: 1%", "fitness.lvef_percent", 1.0),
        ("eGFR 200 mL/min", "fitness.egfr", 200.0),
        ("eGFR 0", "fitness.egfr", 0.0),
        ("估算肾小球滤过率（eGFR）88 ml/min/1.73m²", "fitness.egfr", 88.0),
    ],
)
def test_measures(read: Read, text: str, field: str, value: float) -> None:
    assert values(read(text))[field] == value


@pytest.mark.parametrize("text", ["eGFR 201", "eGFR >90", "LVEF 0%"])
def test_measures_out_of_range_or_inexact_are_not_read(read: Read, text: str) -> None:
    got = values(read(text))
    assert "fitness.egfr" not in got and "fitness.lvef_percent" not in got


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("CD19(+)", "positive"),
        ("CD19 negative", "negative"),
        ("CD19（-）", "negative"),
        ("CD19阳性", "positive"),
        ("CD19+, CD20+", "positive"),
    ],
)
def test_cd19_results(read: Read, text: str, value: str) -> None:
    assert values(read(text))["diagnosis.target_antigens.cd19"] == value


@pytest.mark.parametrize("text", ["CD19 CAR-T", "CD19-directed therapy", "BCMA-targeted"])
def test_antigen_names_without_a_result(read: Read, text: str) -> None:
    got = values(read(text))
    assert "diagnosis.target_antigens.cd19" not in got
    assert "diagnosis.target_antigens.bcma" not in got


def test_kind_and_language(read: Read) -> None:
    result = read(
        "出院小结\n入院日期：2025年3月2日 出院日期：2025年3月20日\n出院诊断：多发性骨髓瘤"
    )
    assert (result.kind, result.lang) == ("discharge_summary", "zh-Hans")
    result = read("Surgical Pathology Report\nSpecimen: lymph node biopsy")
    assert (result.kind, result.lang) == ("pathology", "en")
    assert values(result)["records.pathology"] is True
    assert read("nothing here at all").kind is None
