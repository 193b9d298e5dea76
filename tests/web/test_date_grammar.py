"""The web form reads dates with the core's grammar, and words the core's refusals.

It used to have its own pattern: ``2024-8`` was accepted on the page and refused by the core.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from cases.stepform import FieldError, clean_date
from crossroads.common.dates import PartialDate

pytestmark = pytest.mark.unit

SAMPLES = ["2024", "2024-8", "2024-08", "2024-8-5", "2024-08-15", "24-08", "2024-123", "2024/8"]
SAMPLES += ["1850", "2024-13", "2023-2-29", "last spring", "２０２４-８"]


def _core(text: str) -> str | None:
    try:
        return str(PartialDate.parse(text))
    except ValueError:
        return None


def _web(text: str) -> str | None:
    try:
        return clean_date(text)
    except FieldError:
        return None


@pytest.mark.parametrize("text", SAMPLES)
def test_web_and_core_accept_the_same_dates(text: str) -> None:
    assert _web(text) == _core(text)


def test_web_writes_one_digit_month_with_two() -> None:
    assert (clean_date("2024-8"), clean_date(" 2024-8-5 "), clean_date("")) == (
        "2024-08",
        "2024-08-05",
        None,
    )


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        ("2023-2-29", "2023-02 has no day 29.", "2023-02 没有 29 日。"),
        ("2024-13", "There is no month 13. Use 01 to 12.", None),
        ("1850", "The year must be between 1900 and 2100.", None),
        (
            "soon",
            "Write the date as a year (2024), a month (Sept 2025, 09/2025, 2025年9月) or a full "
            "date (2024-08-15).",
            None,
        ),
    ],
)
def test_web_words_the_core_reason(text: str, en: str, zh: str | None) -> None:
    with translation.override("en"), pytest.raises(FieldError) as caught:
        clean_date(text)
    assert str(caught.value) == en
    if zh is not None:
        with translation.override("zh-hans"), pytest.raises(FieldError) as caught:
            clean_date(text)
        assert str(caught.value) == zh
