"""``cross_border``: one definition for readiness and review triage.

Care abroad means being treated, or weighing treatment, in a country other than the one the person
lives in. Readiness used to compare only the planned treatment country, review also the countries
being weighed; a person living and treated in China who weighs the US got "no" from one and "yes"
from the other.
"""

from __future__ import annotations

from typing import Any

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.logic.facts import countries_of_care, cross_border
from crossroads.steps import readiness as readiness_step
from crossroads.steps import review as review_step
from tests.builders import build_case
from tests.conftest import TODAY

pytestmark = pytest.mark.unit


def _case(home: str | None, treated: str | None, weighing: list[Any] | None) -> Any:
    extensions = {} if weighing is None else {"travel": {"considering": weighing}}
    return build_case(
        patient={"country": home},
        logistics={"treatment_country": treated},
        extensions=extensions,
    )


@pytest.mark.parametrize(
    ("home", "treated", "weighing", "expected"),
    [
        (None, "US", None, None),  # home unknown
        (None, None, ["US"], None),
        ("US", None, None, None),  # no country of care known
        ("US", None, [], None),
        ("US", "US", None, False),
        ("us", "US", ["us"], False),  # case does not matter
        ("US", "CN", None, True),
        ("CN", None, ["CN", "US"], True),
        ("CN", "CN", ["US"], True),  # the case the two old definitions disagreed on
        ("DE", "DE", ["DE", "US"], True),
        ("CN", "CN", ["USA", 7], False),  # entries that are not two-letter codes are ignored
    ],
)
def test_cross_border_truth_table(
    home: str | None, treated: str | None, weighing: list[Any] | None, expected: bool | None
) -> None:
    assert cross_border(_case(home, treated, weighing)) is expected


def test_countries_of_care_planned_first_without_repeats() -> None:
    assert countries_of_care(_case("CN", "cn", ["US", "CN", "us", "SG"])) == ["CN", "US", "SG"]


def test_readiness_and_review_use_the_one_definition() -> None:
    assert readiness_step.cross_border is cross_border
    assert review_step.cross_border is cross_border


def test_cross_border_living_and_treated_in_china_weighing_the_us_gets_visa_items(
    kb: KnowledgeBase,
) -> None:
    case = _case("CN", "CN", ["US"])
    result = readiness_step.readiness(case, kb, TODAY)
    items = {s.item.id: s.state for s in result.items}
    assert (result.cross_border, items["visa"], items["translation"]) == (
        True,
        "unknown",
        "unknown",
    )


def test_cross_border_at_home_leaves_out_visa_items(kb: KnowledgeBase) -> None:
    result = readiness_step.readiness(_case("CN", "CN", None), kb, TODAY)
    assert result.cross_border is False
    assert {"visa", "translation"} & {s.item.id for s in result.items} == set()
