"""Jurisdictions as people and settings write them: one reader for the CLI, the API and the web.

Why one module: a place code typed on the command line, stored in a web record, or set in a
server setting must mean the same everywhere, and a country of treatment must map to the same
jurisdiction in the readiness checklist, the report and the web timeline.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache

from babel import Locale

from crossroads.common.countries import country_code, country_key
from crossroads.common.errors import BadOptionError
from crossroads.kb.models import JURISDICTIONS, Jurisdiction

_KNOWN = ", ".join(JURISDICTIONS[:-1]) + " or " + JURISDICTIONS[-1]


def as_jurisdiction(value: object) -> Jurisdiction | None:
    """The jurisdiction a code or name names (any case, spaces ignored), or None if it names none.

    Names are read as people type them: "China", "中国", "USA", "美国" (Babel's country names,
    :mod:`crossroads.common.countries`) and "European Union", "欧盟" or "Europe" for the EU.
    A member state is not read as the EU here: which countries are members is knowledge-base data
    (``country_jurisdiction``).
    """
    if not isinstance(value, str):
        return None
    wanted = value.strip().upper()
    found = next((j for j in JURISDICTIONS if j == wanted), None)
    if found is not None:
        return found
    if country_key(value) in _eu_names():
        return "EU"
    code = country_code(value)
    return next((j for j in JURISDICTIONS if j == code), None)


@cache
def _eu_names() -> frozenset[str]:
    """The European Union's name in English and Chinese (Babel), and "Europe"."""
    names = {Locale.parse(lang).territories["EU"] for lang in ("en", "zh_Hans", "zh_Hant", "de")}
    return frozenset(country_key(n) for n in (*names, "Europe", "欧洲"))


def parse_jurisdiction(value: str) -> Jurisdiction:
    """One jurisdiction code typed by a person; an unknown one is a user error."""
    found = as_jurisdiction(value)
    if found is None:
        raise BadOptionError(
            f"--jurisdiction: '{value}' is not one Crossroads knows. Use one of {_KNOWN}."
        )
    return found


def parse_jurisdictions(text: str | Sequence[str]) -> list[Jurisdiction]:
    """Read ``US,EU,CN`` (any case, any order, repeats dropped); unknown ones are a user error."""
    items = text.split(",") if isinstance(text, str) else list(text)
    chosen: list[Jurisdiction] = []
    for item in (i.strip() for i in items if i.strip()):
        found = as_jurisdiction(item)
        if found is None:
            raise BadOptionError(
                f"--jurisdiction: '{item.upper()}' is not one Crossroads knows. Use {_KNOWN} "
                "(comma-separated, e.g. US,CN)."
            )
        if found not in chosen:
            chosen.append(found)
    if not chosen:
        raise BadOptionError(f"--jurisdiction: name at least one of {', '.join(JURISDICTIONS)}.")
    return chosen


def known_jurisdictions(values: object) -> list[Jurisdiction]:
    """The known places among stored values, in the usual order; every place when none is known.

    For data that was validated when written (a web record's chosen places, a server setting):
    an unknown entry is skipped rather than refused, so an old record still opens.
    """
    wanted = {as_jurisdiction(v) for v in values} if isinstance(values, list | tuple) else set()
    return [j for j in JURISDICTIONS if j in wanted] or list(JURISDICTIONS)


def country_jurisdiction(country: str | None, eu_countries: Collection[str]) -> Jurisdiction | None:
    """The jurisdiction whose rules apply in a country (code or name), None if none does.

    ``eu_countries`` is the member-state list of the knowledge base (``checklists.yaml``).
    """
    if not country:
        return None
    code = country_code(country) or country.strip().upper()
    if code in ("US", "CN"):
        return as_jurisdiction(code)
    return "EU" if code in eu_countries else None


__all__ = [
    "as_jurisdiction",
    "country_jurisdiction",
    "known_jurisdictions",
    "parse_jurisdiction",
    "parse_jurisdictions",
]
