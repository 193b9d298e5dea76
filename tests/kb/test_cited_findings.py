"""``cited_findings`` and ``duplicate_ids``: the warnings every data area gives about its facts."""

import datetime as dt

import pytest

from crossroads.kb.check import Finding, cited_findings, duplicate_ids
from crossroads.kb.models import Cited, Text

pytestmark = pytest.mark.unit

CHECKED = dt.date(2026, 11, 24)
SOURCE = "https://example.org/label"


class _Named(Cited):
    id: str


def _fact(confidence: str = "L", flag: Text | str | None = None) -> Cited:
    return Cited.model_validate(
        {"source": SOURCE, "as_of": CHECKED, "confidence": confidence, "flag": flag}
    )


def test_fact_checked_exactly_12_months_ago_is_not_stale() -> None:
    assert cited_findings("here", _fact(), dt.date(2027, 11, 24)) == []


def test_fact_checked_a_day_over_12_months_ago_is_stale() -> None:
    assert cited_findings("here", _fact(), dt.date(2027, 11, 25)) == [
        Finding("warning", "here", "checked 2026-11-24, over 12 months ago: re-check")
    ]


def test_fact_dated_on_the_release_day_is_fine() -> None:
    assert cited_findings("here", _fact(), CHECKED, released=CHECKED) == []


def test_fact_dated_after_the_release_is_an_error_and_not_also_stale() -> None:
    found = cited_findings("here", _fact(), dt.date(2030, 1, 1), released=dt.date(2026, 11, 23))
    assert found == [Finding("error", "here", "checked 2026-11-24, after the release date")]


def test_flag_in_two_languages_is_warned_in_english() -> None:
    flag = Text(en="May have changed.", zh="可能已变。")
    assert cited_findings("here", _fact(flag=flag), CHECKED) == [
        Finding("warning", "here", "⚠ May have changed.")
    ]


def test_english_only_flag_is_warned_as_written() -> None:
    assert cited_findings("here", _fact(flag="Not re-read."), CHECKED) == [
        Finding("warning", "here", "⚠ Not re-read.")
    ]


def test_confidence_u_without_a_flag_is_warned() -> None:
    assert cited_findings("here", _fact(confidence="U"), CHECKED) == [
        Finding("warning", "here", "⚠ confidence U (not confirmed in the sources read)")
    ]


def test_stale_and_flagged_fact_gets_both_warnings_stale_first() -> None:
    found = cited_findings("here", _fact(flag="Not re-read."), dt.date(2028, 1, 1))
    assert [f.message for f in found] == [
        "checked 2026-11-24, over 12 months ago: re-check",
        "⚠ Not re-read.",
    ]


def test_duplicate_ids_name_the_earlier_place() -> None:
    def named(ident: str) -> _Named:
        return _Named(source=SOURCE, as_of=CHECKED, confidence="L", id=ident)

    cited = [("a", named("x")), ("b", _fact()), ("c", named("y")), ("d", named("x"))]
    assert duplicate_ids(cited) == [Finding("error", "d", "id 'x' is also used at a")]
