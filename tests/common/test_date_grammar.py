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
        ("2024/08", "format", (None, None, None)),
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


def test_published_case_schema_pattern_is_the_parser_grammar() -> None:
    pattern = re.compile(DATE_PATTERN)
    samples = ["2024", "2024-8", "2024-08-15", "2024-8-5", "24-08", "2024-123", "2024/08", "x"]
    accepted = []
    for text in samples:
        try:
            PartialDate.parse(text)
            accepted.append(text)
        except ValueError:
            pass
    assert accepted == ["2024", "2024-8", "2024-08-15", "2024-8-5"]
    assert [t for t in samples if pattern.match(t)] == accepted
