"""Countries as people type them map to one ISO 3166 code (Babel's names, a few aliases)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.common.countries import (
    CountryError,
    country_code,
    country_codes,
    country_key,
    country_matches,
    country_name,
    parse_country,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("China", "CN"),
        ("中国", "CN"),
        ("中國", "CN"),
        ("PRC", "CN"),
        ("People's Republic of China", "CN"),
        ("CHN", "CN"),
        ("cn", "CN"),
        (" CN ", "CN"),
        ("United States", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("美国", "US"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("the Netherlands", "NL"),
        ("Nederland", "NL"),
        ("Holland", "NL"),
        ("España", "ES"),
        ("Espana", "ES"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Côte d’Ivoire", "CI"),
        ("香港", "HK"),
        ("Hong Kong", "HK"),
        ("台湾", "TW"),
        ("日本", "JP"),
        ("Россия", "RU"),
    ],
)
def test_country_names_in_many_languages_give_the_iso_code(written: str, code: str) -> None:
    assert country_code(written) == code
    assert parse_country(written) == code


@pytest.mark.parametrize("written", ["EU", "Europe", "Narnia", "", "  ", "C", "ZZ", "Korea"])
def test_text_that_names_no_single_country_gives_none(written: str) -> None:
    assert country_code(written) is None


def test_a_misspelt_country_is_refused_with_close_matches() -> None:
    with pytest.raises(CountryError) as raised:
        parse_country("Chna")
    assert str(raised.value) == (
        "'Chna' is not a country Crossroads can read. Did you mean China (CN), Chad (TD), "
        "Ghana (GH)? Write the "
        "country's name (China, 中国, Deutschland) or its two-letter code (CN, US, DE)."
    )


def test_close_matches_name_each_country_once() -> None:
    assert country_matches("Germny") == ["Germany (DE)", "Guernsey (GG)", "Hungary (HU)"]
    assert country_matches("Deutchland", n=1) == ["Germany (DE)"]


def test_country_names_in_the_product_languages() -> None:
    assert (country_name("CN"), country_name("CN", "zh-Hans"), country_name("XX")) == (
        "China",
        "中国",
        "XX",
    )


def test_country_key_ignores_case_accents_dots_and_a_leading_the() -> None:
    assert country_key("  The  U.S.A. ") == "u s a"
    assert country_key("Côte d’Ivoire") == "cote d'ivoire"


@given(st.text(max_size=40))
def test_any_text_gives_a_two_letter_code_or_none(text: str) -> None:
    code = country_code(text)
    assert code is None or (len(code) == 2 and code.isupper())


def test_every_pickable_country_reads_back_from_its_english_and_chinese_name() -> None:
    """The web picker offers these names: each must give its own code back, in both languages."""
    codes = country_codes()
    assert len(codes) == 250
    assert codes == tuple(sorted(codes))
    assert {"CN", "US", "NL", "DE"} <= set(codes)
    assert not {"EU", "UN", "ZZ"} & set(codes)
    for code in codes:
        assert country_code(country_name(code, "en")) == code
        assert country_code(country_name(code, "zh")) == code
