"""Jurisdictions read one way everywhere: command line, web records, settings, treatment place."""

from __future__ import annotations

from typing import Any

import pytest

import crossroads
from crossroads.common.errors import BadOptionError
from crossroads.kb import KnowledgeBase
from crossroads.kb.places import (
    as_jurisdiction,
    country_jurisdiction,
    known_jurisdictions,
    parse_jurisdiction,
    parse_jurisdictions,
)
from crossroads.kb.planning import planning_for
from crossroads.steps import timeline
from crossroads.steps.readiness import treatment_place
from tests.builders import build_case

pytestmark = pytest.mark.unit


def test_parse_jurisdictions_any_case_order_and_repeats() -> None:
    assert parse_jurisdictions(" cn, us ,CN,eu") == ["CN", "US", "EU"]
    assert parse_jurisdictions(["eu"]) == ["EU"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "US,UK",
            "--jurisdiction: 'UK' is not one Crossroads knows. Use US, EU or CN "
            "(comma-separated, e.g. US,CN).",
        ),
        (" , ", "--jurisdiction: name at least one of US, EU, CN."),
    ],
)
def test_parse_jurisdictions_refuses_unknown_and_empty(text: str, message: str) -> None:
    with pytest.raises(BadOptionError) as caught:
        parse_jurisdictions(text)
    assert str(caught.value) == message


def test_parse_jurisdiction_one_place() -> None:
    assert parse_jurisdiction(" eu ") == "EU"
    with pytest.raises(BadOptionError) as caught:
        parse_jurisdiction("UK")
    assert (
        str(caught.value)
        == "--jurisdiction: 'UK' is not one Crossroads knows. Use one of US, EU or CN."
    )


def test_steps_use_the_one_parser() -> None:
    assert timeline.parse_jurisdiction is parse_jurisdiction
    assert crossroads.parse_jurisdictions is parse_jurisdictions


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (["CN", "US"], ["US", "CN"]),  # the usual order
        (("eu", "XX"), ["EU"]),  # unknown entries skipped
        (["XX"], ["US", "EU", "CN"]),  # nothing known: every place
        (None, ["US", "EU", "CN"]),
        ("US", ["US", "EU", "CN"]),  # not a list
        ([3, None], ["US", "EU", "CN"]),
    ],
)
def test_known_jurisdictions_of_stored_values(stored: Any, expected: list[str]) -> None:
    assert known_jurisdictions(stored) == expected


def test_as_jurisdiction_is_none_for_what_is_not_a_place() -> None:
    assert [as_jurisdiction(v) for v in ("cn", "UK", 1, None)] == ["CN", None, None, None]


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("us", "US"),
        ("CN", "CN"),
        ("DE", "EU"),
        ("nl", "EU"),
        ("GB", None),
        ("", None),
        (None, None),
    ],
)
def test_country_jurisdiction(kb: KnowledgeBase, country: str | None, expected: str | None) -> None:
    eu = planning_for(kb).checklists.eu_countries
    assert country_jurisdiction(country, eu) == expected


def test_treatment_place_follows_the_treatment_country(kb: KnowledgeBase) -> None:
    planning = planning_for(kb)
    places = [
        treatment_place(build_case(logistics={"treatment_country": c}), planning)
        for c in ("FR", "US", "SG")
    ]
    assert places == ["EU", "US", None]


@pytest.mark.parametrize(
    ("written", "place"),
    [
        ("China", "CN"),
        ("中国", "CN"),
        ("USA", "US"),
        ("美国", "US"),
        ("United States", "US"),
        ("European Union", "EU"),
        ("欧盟", "EU"),
        ("Europe", "EU"),
        ("Germany", None),  # a member state is read with the knowledge base's EU list
        ("UK", None),
    ],
)
def test_jurisdictions_by_name(written: str, place: str | None) -> None:
    assert as_jurisdiction(written) == place


@pytest.mark.parametrize(
    ("country", "place"),
    [("Deutschland", "EU"), ("France", "EU"), ("中国", "CN"), ("USA", "US"), ("UK", None)],
)
def test_a_country_by_name_maps_to_its_jurisdiction(country: str, place: str | None) -> None:
    assert country_jurisdiction(country, {"DE", "FR"}) == place
