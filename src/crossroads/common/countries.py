"""Countries as people type them: "China", "中国", "USA", "Deutschland" or "CN" give one ISO code.

Why here (the lowest layer): the case record reads ``patient.country`` and
``logistics.treatment_country`` itself, so the command line, the web forms and the JSON API all
accept the same words without each keeping its own table.

Why Babel: CLDR (through Babel) already names every country in every language, kept up to date by
others. Names are read in the languages people using Crossroads write most; a name that means two
different countries in two languages is dropped rather than guessed. A short alias list adds only
common forms CLDR lacks (USA, UK, PRC, Holland). Three-letter codes (CHN, USA, DEU) come from
CLDR's own code aliases.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale
from babel.core import get_global

from crossroads.common.messages import close_matches

# Languages whose country names are read. English and Chinese are the product's languages; the
# others are the ones people in the US, EU and China most often write a country in.
NAME_LANGUAGES = (
    "en",
    "zh_Hans",
    "zh_Hant",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "pt",
    "pl",
    "sv",
    "ja",
    "ko",
    "ru",
)

# Two-letter codes CLDR lists that are regions, placeholders or parts of a country (Canary
# Islands, Ceuta and Melilla, Ascension...), not ISO 3166 countries.
NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "IC", "EA", "DG", "CP", "CQ", "TA", "AC"}
)

# Common forms CLDR does not list. Only unambiguous ones.
ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("USA", "U.S.", "U.S.A.", "United States of America", "America", "美利坚合众国"),
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "英格兰"),
    "CN": (
        "PRC",
        "P.R. China",
        "People's Republic of China",
        "Mainland China",
        "China mainland",
        "中国大陆",
        "中国内地",
        "中华人民共和国",
        "大陆",
        "内地",
    ),
    "HK": ("Hong Kong", "Hong Kong China", "香港"),
    "MO": ("Macau", "Macao", "澳门"),
    "TW": ("Taiwan China", "中国台湾"),
    "KR": ("Republic of Korea", "Korea, Republic of", "South Korea"),
    "RU": ("Russian Federation",),
    "TR": ("Turkey", "Turkiye"),
    "CZ": ("Czech Republic",),
    "NL": ("Holland", "The Netherlands"),
    "VN": ("Viet Nam",),
    "AE": ("UAE", "U.A.E."),
    "IR": ("Iran, Islamic Republic of",),
}


class CountryError(ValueError):
    """Text that names no country Crossroads can read; the message names close matches."""


def country_key(text: str) -> str:
    """The form names are compared in: no case, accents, dots or extra spaces, no leading "the"."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace(".", " ").replace(",", " ")
    words = plain.split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


@cache
def _codes() -> frozenset[str]:
    return frozenset(
        code
        for code in map(str, Locale.parse("en").territories)
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


@cache
def _names() -> dict[str, str]:
    """Every readable name (in :func:`country_key` form) and the code it names."""
    found: dict[str, str | None] = {}
    codes = _codes()
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code not in codes:
                continue
            key = country_key(name)
            if found.get(key, code) != code:
                found[key] = None  # two countries share this name across languages: guess none
            else:
                found[key] = code
    for code, names in ALIASES.items():
        for name in names:
            found[country_key(name)] = code
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in codes:
            found.setdefault(country_key(alias), targets[0])
    return {key: code for key, code in found.items() if code is not None}


def country_code(text: object) -> str | None:
    """The ISO 3166 two-letter code a person's text names, or None when it names no country."""
    if not isinstance(text, str) or not text.strip():
        return None
    plain = text.strip()
    if len(plain) == 2 and plain.isascii() and plain.upper() in _codes():
        return plain.upper()
    return _names().get(country_key(plain))


def country_codes() -> tuple[str, ...]:
    """Every country code Crossroads reads, sorted: the choices of a country picker."""
    return tuple(sorted(_codes()))


def country_name(code: str, lang: str = "en") -> str:
    """The country's name in English or Chinese (the code itself if CLDR has none)."""
    locale = Locale.parse("zh_Hans" if lang.startswith("zh") else "en")
    return str(locale.territories.get(code.upper(), code))


def country_matches(text: str, n: int = 3) -> list[str]:
    """Close matches for a misspelt country, written "Germany (DE)"."""
    names = _names()
    codes = dict.fromkeys(names[k] for k in close_matches(country_key(text), names, n=n * 3))
    return [f"{country_name(code)} ({code})" for code in list(codes)[:n]]


def parse_country(text: str) -> str:
    """The code for a country a person typed; CountryError naming close matches if none."""
    code = country_code(text)
    if code is not None:
        return code
    matches = country_matches(text)
    hint = f" Did you mean {', '.join(matches)}?" if matches else ""
    raise CountryError(
        f"'{text.strip()[:60]}' is not a country Crossroads can read.{hint} Write the country's "
        "name (China, 中国, Deutschland) or its two-letter code (CN, US, DE)."
    )


__all__ = [
    "CountryError",
    "country_code",
    "country_key",
    "country_matches",
    "country_name",
    "parse_country",
]
