"""The patient report and the hand-over letter as HTML: golden pages, key content, translation.

Regenerate the golden pages after an intended change with ``CROSSROADS_UPDATE_GOLDEN=1`` and
review the diff like code: every changed line is a changed page.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crossroads.common.errors import BadOptionError, CaseFileError
from crossroads.common.yamlio import load_yaml
from crossroads.engine.classify import classify
from crossroads.kb import KnowledgeBase
from crossroads.kb.citations import plain_source
from crossroads.record.case import Case, Decision, Logistics
from crossroads.record.load import case_from_data
from crossroads.render.report import report_html
from crossroads.render.sections_decide import column_chunks, shared_reasons
from crossroads.steps.assess import prepare_case
from crossroads.steps.compare import compare, grid_data
from crossroads.steps.review import proposed_questions
from crossroads.steps.summary import draft_sentences
from tests.common.test_i18n import extracted_msgids
from tests.conftest import EXAMPLES, ROOT, TODAY, Golden

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "report"
CASES = Path(__file__).parent / "cases"
HANDOVER_CASE = CASES / "handover_cn_patient_treated_in_us.yaml"
GOLDEN_EXAMPLES = [
    "us_axi_cel_second_line_early_relapse",
    "lbcl_dlbcl_third_line_cn_patient_cross_border",
    "mm_two_lines_lenalidomide_refractory_unknown",
]
LANGS = ["en", "zh-Hans"]
NOT_REPLACE = {
    "en": "Crossroads puts the facts in order. It does not take the place of your doctors.",
    "zh-Hans": "Crossroads 只帮助整理信息，不能代替医生。",
}
URGENT = {
    "en": "call your care team or get urgent help at once",
    "zh-Hans": "请立即联系治疗团队或急救服务",
}
CATEGORY = {  # the knowledge base's labels, written out here so a changed label shows up
    ("en", "established"): "Established option",
    ("en", "cannot_tell"): "Cannot tell yet",
    ("en", "trial"): "Clinical trial only",
    ("zh-Hans", "established"): "已获批的选择",
    ("zh-Hans", "cannot_tell"): "暂无法判断",
    ("zh-Hans", "trial"): "仅限临床试验",
}
PLACE = {
    ("en", "US"): "United States (FDA)",
    ("en", "EU"): "European Union (EMA/EC)",
    ("en", "CN"): "China (NMPA)",
    ("zh-Hans", "US"): "美国（FDA）",
    ("zh-Hans", "EU"): "欧盟（EMA/EC）",
    ("zh-Hans", "CN"): "中国（NMPA）",
}


class _Text(HTMLParser):
    """The words a reader sees: text outside <style>, with entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"style", "script"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def example(name: str, kb: KnowledgeBase) -> Case:
    return prepare_case(EXAMPLES / f"{name}.yaml", kb)


def expected_categories(name: str) -> dict[str, str]:
    data = load_yaml((EXAMPLES / "expected.yaml").read_text(encoding="utf-8"))[name]
    return {j: data[j]["category"] for j in ("US", "EU", "CN")}


_STYLE = re.compile(r"<style>\n(.*?)</style>", re.S)
_CSS = ROOT / "src" / "crossroads" / "render" / "templates" / "report.css"


def _without_stylesheet(html: str) -> str:
    """The page with its inlined stylesheet checked against the template, then left out.

    Every page embeds the same stylesheet; keeping it in each golden page would repeat it eight
    times, and a change to it would drown the pages' own differences.
    """
    found = _STYLE.search(html)
    assert found is not None, "the page has no inlined stylesheet"
    assert found.group(1).strip() == _CSS.read_text(encoding="utf-8").strip()
    return _STYLE.sub("<style>/* report.css, checked separately */</style>", html, count=1)


# --- golden pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", GOLDEN_EXAMPLES)
def test_report_html_golden(kb: KnowledgeBase, name: str, lang: str, golden: Golden) -> None:
    html = report_html(example(name, kb), kb, lang, today=TODAY)
    golden.check(GOLDEN / f"{name}.{lang}.html", _without_stylesheet(html))


@pytest.mark.parametrize("lang", LANGS)
def test_handover_html_golden(kb: KnowledgeBase, lang: str, golden: Golden) -> None:
    case = prepare_case(HANDOVER_CASE, kb)
    html = report_html(case, kb, lang, kind="handover", today=TODAY)
    golden.check(
        GOLDEN / f"handover_cn_patient_treated_in_us.{lang}.html", _without_stylesheet(html)
    )


# --- key content ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", GOLDEN_EXAMPLES)
def test_report_shows_each_jurisdiction_category(kb: KnowledgeBase, name: str, lang: str) -> None:
    text = visible_text(report_html(example(name, kb), kb, lang, today=TODAY))
    colon = {"en": ": ", "zh-Hans": "： "}[lang]
    for place, category in expected_categories(name).items():
        assert f"{PLACE[lang, place]}{colon}{CATEGORY[lang, category]}" in text


@pytest.mark.parametrize("lang", LANGS)
def test_report_shows_not_replace_line_and_kb_release(kb: KnowledgeBase, lang: str) -> None:
    text = visible_text(report_html(example(GOLDEN_EXAMPLES[0], kb), kb, lang, today=TODAY))
    assert NOT_REPLACE[lang] in text
    version = {"en": "Knowledge base 2026.12.1 of", "zh-Hans": "知识库版本 2026.12.1"}[lang]
    assert version in text
    assert URGENT[lang] in text


def test_report_lists_label_sources(kb: KnowledgeBase) -> None:
    case = example("us_axi_cel_second_line_early_relapse", kb)
    text = visible_text(report_html(case, kb, "en", today=TODAY))
    for product in ("axicabtagene ciloleucel", "lisocabtagene maraleucel"):
        for indication in kb.products[product].indications:
            if indication.jurisdiction in {"US", "EU", "CN"} and indication.disease == "lbcl":
                assert plain_source(indication.source) in text
                assert ".md" not in plain_source(indication.source)  # notes files stay out


def test_report_dates_are_written_in_the_language(kb: KnowledgeBase) -> None:
    case = example(GOLDEN_EXAMPLES[0], kb)
    assert "Made on November 30, 2026" in visible_text(report_html(case, kb, "en", today=TODAY))
    zh = visible_text(report_html(case, kb, "zh-Hans", today=TODAY))
    assert "生成日期：2026年11月30日" in zh
    assert "病情截至 2026年11月1日" in zh


def test_report_missing_facts_are_asked_for_not_guessed(kb: KnowledgeBase) -> None:
    case = example("mm_two_lines_lenalidomide_refractory_unknown", kb)
    text = visible_text(report_html(case, kb, "en", today=TODAY))
    assert "Facts still missing" in text
    assert kb.facts["lenalidomide_refractory"].ask.en in text


@pytest.mark.parametrize("name", GOLDEN_EXAMPLES)
def test_chinese_report_has_no_untranslated_interface_strings(kb: KnowledgeBase, name: str) -> None:
    for kind in ("patient", "handover"):
        html = report_html(example(name, kb), kb, "zh-Hans", kind, today=TODAY)
        # source citations keep their original (English) wording; everything else is checked
        text = visible_text(re.sub(r'<(ul|ol) class="sources.*?</\1>', "", html, flags=re.S))
        leaked = sorted(m for m in extracted_msgids() if _literal_in(m, text))
        assert leaked == [], kind


def _literal_in(msgid: str, text: str) -> bool:
    """Whether any wording of a message id (its text between placeholders) shows in the text.

    Pieces shorter than two words are skipped: a lone "To" or "CAR-T" can be part of a source
    citation, which stays in its original language.
    """
    pieces = [p.strip(" :·.") for p in re.split(r"%\(\w+\)s", msgid)]
    return any(p in text for p in pieces if " " in p)


def test_report_escapes_case_text(kb: KnowledgeBase) -> None:
    case = example(GOLDEN_EXAMPLES[0], kb).model_copy(deep=True)
    case.patient.name = "<script>alert('x')</script> & Co"
    html = report_html(case, kb, "en", today=TODAY)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in html


def test_report_unknown_language_is_a_user_error(kb: KnowledgeBase) -> None:
    with pytest.raises(BadOptionError) as caught:
        report_html(example(GOLDEN_EXAMPLES[0], kb), kb, "fr", today=TODAY)
    assert str(caught.value) == (
        "--lang: 'fr' is not a language Crossroads speaks; use en or zh-Hans."
    )


def test_report_unknown_kind_is_a_user_error(kb: KnowledgeBase) -> None:
    with pytest.raises(BadOptionError) as caught:
        report_html(example(GOLDEN_EXAMPLES[0], kb), kb, "en", "letter", today=TODAY)  # type: ignore[arg-type]
    assert str(caught.value) == "--kind: 'letter' is not a report kind; use patient or handover."


def test_report_shows_the_four_sentences_as_drafts(kb: KnowledgeBase) -> None:
    case = example(GOLDEN_EXAMPLES[0], kb).model_copy(update={"decision": Decision()})
    text = visible_text(report_html(case, kb, "en", today=TODAY))
    drafts = draft_sentences(case, kb, classify(case, kb, today=TODAY), "en")
    for label, part in [
        ("Where the disease stands and what has been tried", drafts.status),
        ("Which options are open to you now", drafts.options),
        ("Why CAR-T is or is not the right choice now", drafts.car_t),
        ("What happens next", drafts.next_step),
    ]:
        assert f"{label} · draft {part}" in text


def test_report_shows_the_persons_own_sentences_without_draft_mark(kb: KnowledgeBase) -> None:
    case = prepare_case(HANDOVER_CASE, kb)
    html = report_html(case, kb, "en", today=TODAY)
    section = visible_text(html.split('<section id="sentences">')[1].split("</section>")[0])
    assert "Where the disease stands and what has been tried My lymphoma came back" in section
    assert "draft" not in section


def test_report_timeline_has_chart_and_dates(kb: KnowledgeBase) -> None:
    case = example(GOLDEN_EXAMPLES[0], kb)
    html = report_html(case, kb, "en", today=TODAY)
    section = html.split('<section id="timeline">')[1].split("</section>")[0]
    assert section.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1
    text = visible_text(section)
    assert "following the rules in United States (FDA)" in text
    assert "referred to a CAR-T centre on November 30, 2026" in text
    assert "Referral to a CAR-T centre 2026-11-30" in text


def test_report_timeline_follows_home_when_treatment_place_unknown(kb: KnowledgeBase) -> None:
    case = example("lbcl_dlbcl_third_line_cn_patient_cross_border", kb)
    case = case.model_copy(update={"logistics": Logistics()})
    text = visible_text(report_html(case, kb, "en", today=TODAY))
    assert "following the rules in China (NMPA)" in text


def test_report_checklists_and_next_steps_keep_the_persons_entries(kb: KnowledgeBase) -> None:
    case = example(GOLDEN_EXAMPLES[0], kb)
    text = visible_text(report_html(case, kb, "en", today=TODAY))
    assert "Records to gather" in text
    assert "Practical arrangements" in text
    assert "☐ Ask the clinic for the hepatitis and HIV test results" in text
    assert "☑ Call the insurer about CAR-T cover" in text


def test_report_proposes_a_question_for_specialist_review(kb: KnowledgeBase) -> None:
    case = example("mm_two_lines_lenalidomide_refractory_unknown", kb)
    text = visible_text(report_html(case, kb, "en", today=TODAY))
    assert "A question for an expert review" in text
    expected = proposed_questions(case, kb, classify(case, kb, today=TODAY), "en")
    assert len(expected) >= 1
    for question in expected:
        assert question in text


@pytest.mark.parametrize("lang", LANGS)
def test_report_supportive_care_is_complementary_and_told(kb: KnowledgeBase, lang: str) -> None:
    case = example(GOLDEN_EXAMPLES[0], kb)
    html = report_html(case, kb, lang, today=TODAY)
    section = visible_text(html.split('<section id="supportive">')[1].split("</section>")[0])
    complementary = {
        "en": "TCM, herbs and supplements can only support treatment.",
        "zh-Hans": "中医药、草药和保健品只能起辅助作用",
    }[lang]
    assert complementary in section
    assert "Turmeric capsules" in section
    told = {"en": "Please tell them.", "zh-Hans": "请告诉他们。"}[lang]
    assert told in section


@pytest.mark.parametrize(
    ("count", "tables"),
    [
        (0, []),
        (1, [[0]]),
        (3, [[0, 1, 2]]),
        (4, [[0, 1], [2, 3]]),
        (6, [[0, 1, 2], [3, 4, 5]]),
        (7, [[0, 1, 2], [3, 4], [5, 6]]),
        (8, [[0, 1, 2], [3, 4, 5], [6, 7]]),
    ],
)
def test_column_chunks_balance_options_per_table(count: int, tables: list[list[int]]) -> None:
    assert column_chunks(count) == tables


@pytest.mark.parametrize(
    ("reasons", "common", "own"),
    [
        ([], [], []),
        ([["a", "b"]], [], [["a", "b"]]),  # one list: nothing is said once for all
        ([["a", "b"], ["a"], ["c", "a"]], ["a"], [["b"], [], ["c"]]),
        ([["a"], ["b"]], [], [["a"], ["b"]]),
        ([["a", "b"], ["b", "a"]], ["a", "b"], [[], []]),
    ],
)
def test_shared_reasons_are_said_once_and_left_out_of_each_list(
    reasons: list[list[str]], common: list[str], own: list[list[str]]
) -> None:
    ruled = [{"reasons": r} for r in reasons]
    assert shared_reasons(ruled) == common
    assert [r["own_reasons"] for r in ruled] == own
    assert [r["reasons"] for r in ruled] == reasons  # the full list stays for other readers


def test_report_option_grid_shows_every_option_unranked(kb: KnowledgeBase) -> None:
    case = example(GOLDEN_EXAMPLES[0], kb)
    html = report_html(case, kb, "en", today=TODAY)
    section = visible_text(html.split('<section id="options">')[1].split("</section>")[0])
    grid = grid_data(compare(case, kb, classify(case, kb, today=TODAY)), kb, "en")
    assert len(grid["settings"]) == 1
    for option in grid["settings"][0]["options"]:
        assert option["name"] in section
    assert "Crossroads does not rank the options" in section
    assert "Most options were never tested against each other in one trial" in section
    raw = html.split('<section id="options">')[1].split("</section>")[0]
    assert raw.count("<th>What it aims for<br>") == 3  # the same rows in each of the three tables


# --- hand-over letter -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_handover_shows_decision_treatment_watch_and_call(kb: KnowledgeBase, lang: str) -> None:
    case = prepare_case(HANDOVER_CASE, kb)
    text = visible_text(report_html(case, kb, lang, kind="handover", today=TODAY))
    assert "My lymphoma came back five months after R-CHOP." in text
    assert "Lymphodepleting chemotherapy" in text
    assert "Yescarta" in text
    assert "Fictional Lakeside Cancer Center, Houston" in text
    assert "+1 555 0100" in text
    assert URGENT[lang] in text
    assert NOT_REPLACE[lang] in text
    assert "五味子 (schisandra) tea" in text
    us_driving = next(f for f in kb.logistics if f.id == "us_driving")
    assert us_driving.text.get(lang) in text
    boxed = next(
        f for f in kb.products["axicabtagene ciloleucel"].facts if f.topic == "boxed_warning"
    )
    assert boxed.text.get(lang) in text


def test_handover_without_treatment_record_says_what_to_ask(kb: KnowledgeBase) -> None:
    case = example(GOLDEN_EXAMPLES[0], kb).model_copy(
        update={"logistics": Logistics(), "decision": Decision()}
    )
    text = visible_text(report_html(case, kb, "en", kind="handover", today=TODAY))
    assert "The treatment given is not recorded in the case." in text
    assert "No decision is recorded in the case." in text
    assert "The place of treatment is not recorded" in text
    assert URGENT["en"] in text


def test_handover_bad_extension_names_the_field(kb: KnowledgeBase) -> None:
    data = load_yaml(HANDOVER_CASE.read_text(encoding="utf-8"))
    data["extensions"]["handover"]["treated_in"] = "UK"
    data["extensions"]["handover"]["given"][0]["date"] = "last week"
    case = case_from_data(data)
    with pytest.raises(CaseFileError) as caught:
        report_html(case, kb, "en", kind="handover", today=TODAY)
    assert [p.location for p in caught.value.problems] == [
        "extensions.handover.treated_in",
        "extensions.handover.given[0].date",
    ]


# --- command line ---------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "crossroads", "report", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_cli_report_html_to_stdout_in_the_case_language() -> None:
    result = run(str(EXAMPLES / "lbcl_dlbcl_third_line_cn_patient_cross_border.yaml"))
    assert result.returncode == 0, result.stderr
    html = result.stdout.decode("utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="zh-Hans">')
    assert "您的 CAR-T 决策报告" in html


def test_cli_report_html_to_file(tmp_path: Path) -> None:
    target = tmp_path / "letter.html"
    result = run(str(HANDOVER_CASE), "--kind", "handover", "--lang", "en", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode() == f"Wrote {target}\n"
    assert "Hand-over letter for the home doctor" in target.read_text(encoding="utf-8")


def test_cli_report_pdf_without_output_exits_2() -> None:
    result = run(str(EXAMPLES / f"{GOLDEN_EXAMPLES[0]}.yaml"), "--format", "pdf")
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().strip() == (
        "error: --format pdf: a PDF needs a file; add -o report.pdf "
        "(or -o - to send it down a pipe)."
    )


def test_cli_report_refuses_to_overwrite_the_case_file(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    original = (EXAMPLES / f"{GOLDEN_EXAMPLES[0]}.yaml").read_text(encoding="utf-8")
    case.write_text(original, encoding="utf-8")
    result = run(str(case), "-o", str(case))
    assert result.returncode == 2
    assert b"that is the case file itself" in result.stderr
    assert case.read_text(encoding="utf-8") == original


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "fr"], b"Invalid value for '--lang'"),
        (["--kind", "letter"], b"Invalid value for '--kind'"),
        (["--format", "docx"], b"Invalid value for '--format'"),
        (["--today", "30/11/2026"], b"--today: '30/11/2026' is not a date; write YYYY-MM-DD."),
        (["-j", "UK"], b"--jurisdiction: 'UK' is not one Crossroads knows."),
    ],
)
def test_cli_report_bad_option_exits_2(args: list[str], message: bytes) -> None:
    result = run(str(EXAMPLES / f"{GOLDEN_EXAMPLES[0]}.yaml"), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert b"Traceback" not in result.stderr


def test_cli_report_bad_case_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: crossroads.case/v1\ndiagnosis: {disease: lbcl, stage: [1, 2]}\n")
    result = run(str(bad))
    assert result.returncode == 2
    assert b"diagnosis.stage" in result.stderr
    assert b"Traceback" not in result.stderr


def _history(html: str) -> str:
    start = html.index('<section id="history">')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    ("lang", "row", "note"),
    [
        (
            "en",
            "<td>1. R-CHOP x6</td>\n        <td>January 2025 – June 2025</td>\n        "
            "<td>rituximab, cyclophosphamide, doxorubicin, vincristine, prednisone *</td>",
            "* Treatment 1 in the history: medicines taken from the regimen name R-CHOP x6: "
            "rituximab, cyclophosphamide, doxorubicin, vincristine, prednisone. Ask the treating "
            "team to confirm them.",
        ),
        (
            "zh-Hans",
            "<td>1. R-CHOP x6</td>\n        <td>2025年1月 – 2025年6月</td>\n        "
            "<td>利妥昔单抗、环磷酰胺、多柔比星、长春新碱、泼尼松 *</td>",
            "* 治疗史第 1 项：根据方案名称 R-CHOP x6 得出的药物：利妥昔单抗、环磷酰胺、多柔比星、"
            "长春新碱、泼尼松。请向治疗团队确认。",
        ),
    ],
)
def test_treatment_history_marks_medicines_taken_from_a_regimen_name(
    kb: KnowledgeBase, tmp_path: Path, lang: str, row: str, note: str
) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "diagnosis: {disease: lbcl}\nlines:\n"
        "  - {regimen: R-CHOP x6, start: 2025-01, end: 2025-06}\n"
        "  - {regimen: R-ICE, agents: [rituximab, ifosfamide, carboplatin, etoposide]}\n"
        "  - {regimen: radiotherapy to the chest, kind: radiotherapy}\n",
        encoding="utf-8",
    )
    history = _history(report_html(prepare_case(path, kb), kb, lang, today=TODAY))
    assert row in history
    assert [
        line.strip() for line in history.splitlines() if line.strip().startswith('<p class="small"')
    ] == [f'<p class="small">{note}</p>']
    unrecorded = "未记录" if lang == "zh-Hans" else "not recorded"
    # the kind is added only when the regimen does not already say it
    kind = "（放疗）" if lang == "zh-Hans" else ""
    assert f"<td>3. radiotherapy to the chest{kind}</td>" in history
    assert f"<td>{unrecorded}</td>" in history


def test_a_report_without_treatment_lines_has_no_history(kb: KnowledgeBase) -> None:
    case = case_from_data({"diagnosis": {"disease": "lbcl"}})
    assert '<section id="history">' not in report_html(case, kb, "en", today=TODAY)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "pick the row that matters most to you"), ("zh-Hans", "先挑出对您最重要的一行")],
)
def test_the_options_section_says_how_to_use_the_tables(
    kb: KnowledgeBase, lang: str, words: str
) -> None:
    """PEMAT-P 25: how to read the tables to decide, above them, without naming a choice."""
    case = prepare_case(EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml", kb)
    html = report_html(case, kb, lang, today=TODAY)
    options = html.split('<section id="options">')[1].split("</section>")[0]
    assert words in options
    assert options.index(words) < options.index('<table class="grid">')
