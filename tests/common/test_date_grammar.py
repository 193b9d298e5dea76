"""One date grammar for case files, the command line, web forms and the API.

The web form used to accept ``2024-8`` while the core refused it. Now the core's grammar is the
only one: one- or two-digit months and days are read, two digits are always written, and the web
words the core's reason for a refusal in the person's language.
"""

from __future__ import annotations

import re

import pytest

from crossroads.common.dates import DATE_PATTERN, DateError, PartialDate
from crossroads.record.load import case_from_data

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2024-8", "2024-08"),
        ("2024-8-5", "2024-08-05"),
        ("2024-08-5", "2024-08-05"),
        (" 2024 ", "2024"),
    ],
)
def test_parse_accepts_one_digit_month_and_day_and_writes_two(text: str, written: str) -> None:
    assert str(PartialDate.parse(text)) == written


def test_case_file_reads_a_one_digit_month() -> None:
    case = case_from_data({"diagnosis": {"diagnosed": "2024-8"}})
    assert case.model_dump(mode="json")["diagnosis"]["diagnosed"] == "2024-08"


@pytest.mark.parametrize(
    ("text", "reason", "numbers"),
    [
        ("2024-123", "format", (None, None, None)),
        ("2024 08", "format", (None, None, None)),
        ("03/04/2025", "ambiguous", (None, None, None)),
        ("Sept", "format", (None, None, None)),
        ("2024/13", "month", (2024, 13, None)),
        ("1850-8", "year", (1850, None, None)),
        ("2024-0", "month", (2024, 0, None)),
        ("2023-2-29", "day", (2023, 2, 29)),
    ],
)
def test_parse_refusal_names_its_reason(
    text: str, reason: str, numbers: tuple[int | None, int | None, int | None]
) -> None:
    with pytest.raises(DateError) as caught:
        PartialDate.parse(text)
    found = (caught.value.reason, (caught.value.year, caught.value.month, caught.value.day))
    assert found == (reason, numbers)


def test_published_case_schema_has_no_pattern_that_refuses_what_is_read() -> None:
    """The schema describes the forms; the parser is the one judge (a pattern there would refuse
    "Sept 2025" in a validator while Crossroads reads it)."""
    from crossroads.record.case import case_json_schema

    schema = case_json_schema()
    diagnosed = schema["$defs"]["Diagnosis"]["properties"]["diagnosed"]["anyOf"][0]
    assert "pattern" not in diagnosed
    assert diagnosed["examples"] == ["2025", "2025-09", "2025-09-03"]
    pattern = re.compile(DATE_PATTERN)
    assert [t for t in ["2024", "2024-08", "2024-08-15", "2024-8"] if pattern.match(t)] == [
        "2024",
        "2024-08",
        "2024-08-15",
        "2024-8",
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Sept 2025", "2025-09"),
        ("September 2025", "2025-09"),
        ("sep. 2025", "2025-09"),
        ("3 September 2025", "2025-09-03"),
        ("September 3, 2025", "2025-09-03"),
        ("3rd Sept 2025", "2025-09-03"),
        ("2025 September", "2025-09"),
        ("März 2025", "2025-03"),
        ("janvier 2024", "2024-01"),
        ("2025年9月", "2025-09"),
        ("2025年9月3日", "2025-09-03"),
        ("2025 年 9 月 3 号", "2025-09-03"),
        ("2025年九月", "2025-09"),
        ("2025年十二月", "2025-12"),
        ("2025年", "2025"),
        ("2025年9月份", "2025-09"),
        ("2025/09", "2025-09"),
        ("2025/9/3", "2025-09-03"),
        ("2025.09.03", "2025-09-03"),
        ("09/2025", "2025-09"),
        ("9-2025", "2025-09"),
        ("２０２５年９月", "2025-09"),
    ],
)
def test_dates_as_people_write_them(text: str, written: str) -> None:
    assert str(PartialDate.parse(text)) == written


@pytest.mark.parametrize(
    "text", ["03/04/2025", "3/4/2025", "12-11-2024", "01.02.2025", "13/04/2025", "03/04/25"]
)
def test_day_and_month_before_the_year_is_refused_naming_the_forms_that_work(text: str) -> None:
    with pytest.raises(DateError) as caught:
        PartialDate.parse(text)
    assert caught.value.reason == "ambiguous"
    assert str(caught.value) == (
        f"'{text}' is not read: two numbers before the year mean day then month in some "
        "countries and month then day in others; write 2025-09-03, 2025-09 or 2025 (also read: "
        "2025/09, 09/2025, Sept 2025, 3 September 2025, 2025年9月, 2025年9月3日)"
    )


@pytest.mark.parametrize(
    "text", ["2025/13", "2025年13月", "Sept 32 2025", "Sept Oct 2025", "2025 2026 Sept"]
)
def test_impossible_written_dates_are_refused(text: str) -> None:
    with pytest.raises(DateError):
        PartialDate.parse(text)


def test_a_case_file_reads_written_dates_and_writes_them_back_iso() -> None:
    case = case_from_data(
        {
            "diagnosis": {"diagnosed": "Sept 2024"},
            "lines": [{"start": "2024年10月", "end": "2025/02/03"}],
            "assessment_date": "2025-06-01",
        }
    )
    data = case.to_data()
    assert (data["diagnosis"]["diagnosed"], data["lines"][0]["start"], data["lines"][0]["end"]) == (
        "2024-09",
        "2024-10",
        "2025-02-03",
    )
