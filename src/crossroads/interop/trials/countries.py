"""Country codes (ISO 3166, as in case records) against country names in study records.

ClinicalTrials.gov writes site countries as English names, mostly the common ones (CLDR, read
through Babel) but with a few older spellings ("Korea, Republic of"). Both are accepted.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

# ClinicalTrials.gov spellings that differ from CLDR's English names.
_REGISTRY_NAMES: dict[str, tuple[str, ...]] = {
    "KR": ("Korea, Republic of", "Republic of Korea"),
    "KP": ("Korea, Democratic People's Republic of",),
    "RU": ("Russian Federation",),
    "IR": ("Iran, Islamic Republic of",),
    "HK": ("Hong Kong",),
    "MO": ("Macau", "Macao"),
    "TW": ("Taiwan, Province of China",),
    "TR": ("Turkey",),
    "CZ": ("Czech Republic",),
    "VN": ("Viet Nam",),
    "MD": ("Moldova, Republic of",),
    "TZ": ("Tanzania, United Republic of",),
    "SY": ("Syrian Arab Republic",),
    "LA": ("Lao People's Democratic Republic",),
    "BO": ("Bolivia, Plurinational State of",),
    "VE": ("Venezuela, Bolivarian Republic of",),
    "PS": ("Palestine, State of",),
    "US": ("United States of America", "USA"),
    "GB": ("UK", "Great Britain"),
}


def _key(name: str) -> str:
    return " ".join(name.lower().replace("\u2019", "'").split())


@cache
def _names() -> dict[str, str]:
    """Lower-case country name -> ISO code."""
    out: dict[str, str] = {}
    for code, name in Locale.parse("en").territories.items():
        if len(code) == 2 and code.isalpha():
            out.setdefault(_key(name), code)
    for code, names in _REGISTRY_NAMES.items():
        for name in names:
            out[_key(name)] = code
    return out


def country_code(name: str | None) -> str | None:
    """The ISO code of a country name as a registry writes it (None if not recognised)."""
    if not name:
        return None
    text = name.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _names().get(_key(text))


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.upper() in Locale.parse("en").territories
