"""Named regimens (``kb/data/regimens.yaml``): R-CHOP, VRd, BEAM ... and the medicines each gives.

Why a data area of its own: a record often says only "R-CHOP" for a line. The rules need the
medicines (an anti-CD20 antibody, an anthracycline); writing them into code would hide clinical
facts from review, so each regimen is a cited record here, and the engine fills a line's
medicines from it (:func:`crossroads.engine.codes.check_codes`), saying so in every output.

Names are matched loosely, the way people write them: case, spaces, hyphens, slashes, plus signs
and brackets do not matter, nor a cycle count ("R-CHOP x6") or a trailing "regimen"/"方案". Because
a regimen field may also hold a single medicine ("zanubrutinib"), no regimen name may read as a
medicine's name after that normalising; ``crossroads kb check`` refuses such a clash.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crossroads.common.errors import KnowledgeBaseError
from crossroads.common.messages import close_matches
from crossroads.kb.base import DATA_DIR, KnowledgeBase, read_model
from crossroads.kb.check import Finding, cited_findings, release_findings
from crossroads.kb.loader import cached
from crossroads.kb.models import Data, Regimen

REGIMENS_FILE = DATA_DIR / "regimens.yaml"

_SEPARATORS = re.compile(r"[\s\-_‐‑‒–—―/+＋&·•,，、.;；:：()（）\[\]【】®™]+")
_CYCLES = re.compile(r"^\d+[x×]|[x×]\d+$")
_SUFFIXES = ("regimen", "方案")


def normalise_regimen(name: str) -> str:
    """A regimen name as a look-up key: "R-CHOP x 6", "rchop" and "R CHOP 方案" give "rchop"."""
    key = _SEPARATORS.sub("", name.strip().lower())
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
    stripped = _CYCLES.sub("", key)
    return stripped or key


class Header(Data):
    release: str
    as_of: dt.date


class RegimensFile(Data):
    header: Header
    regimens: list[Regimen]


def _names(regimen: Regimen) -> Iterator[str]:
    yield from (regimen.code, regimen.names.en, regimen.names.zh, *regimen.aliases)


@dataclass
class Regimens:
    """The loaded regimens with a look-up by any of their names."""

    data: RegimensFile
    _by_name: dict[str, Regimen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for regimen in self.data.regimens:
            for name in _names(regimen):
                self._by_name.setdefault(normalise_regimen(name), regimen)

    @property
    def all(self) -> list[Regimen]:
        return list(self.data.regimens)

    def resolve(self, name: str) -> Regimen | None:
        """The regimen a name means (any spelling in its names or aliases), or None."""
        return self._by_name.get(normalise_regimen(name))

    def names(self) -> list[str]:
        """Every English name and alias."""
        return sorted({n for r in self.data.regimens for n in (r.names.en, *r.aliases)})

    def close_to(self, name: str) -> list[str]:
        """The English names of up to three regimens whose names are close to ``name``.

        Compared as look-up keys, so "R-ICEE" finds R-ICE through its alias "RICE"; each
        regimen is offered once, by its usual name.
        """
        keys = list(self._by_name)
        found = close_matches(normalise_regimen(name), keys, n=6)
        return list(dict.fromkeys(self._by_name[k].names.en for k in found))[:3]


def load_regimens(path: Path | None = None) -> Regimens:
    """Load (once per process and file state) the regimens."""
    file = path or REGIMENS_FILE
    return cached("regimens", [file], lambda: Regimens(read_model(file, RegimensFile)))


def _drug_keys(kb: KnowledgeBase) -> dict[str, str]:
    keys: dict[str, str] = {}
    for drug in kb.drugs.values():
        for name in (drug.code, drug.name.en, drug.name.zh, *drug.brands, *drug.aliases):
            keys.setdefault(normalise_regimen(name), f"{name!r} ({drug.code})")
    return keys


def findings(
    kb: KnowledgeBase, today: dt.date | None = None, path: Path | None = None
) -> list[Finding]:
    """Every finding about the regimens, errors first (for ``crossroads kb check``).

    Errors: a medicine or disease the knowledge base does not know, a name used by two regimens
    or read as a medicine's name, a fact dated after the release. Warnings: stale or unconfirmed.
    """
    today = today or dt.date.today()
    try:
        data = read_model(path or REGIMENS_FILE, RegimensFile)
    except KnowledgeBaseError as exc:
        return [Finding("error", "regimens", str(exc))]
    found: list[Finding] = []
    found += release_findings(kb, "regimens: header", data.header.release)
    drugs = _drug_keys(kb)
    seen: dict[str, str] = {}
    for regimen in data.regimens:
        where = f"regimens: {regimen.code}"
        for agent in regimen.agents:
            if agent not in kb.drugs:
                found.append(Finding("error", where, f"unknown drug code {agent!r}"))
        for disease in regimen.diseases:
            if disease not in kb.diseases:
                found.append(Finding("error", where, f"unknown disease code {disease!r}"))
        keys: dict[str, str] = {}
        for name in _names(regimen):
            keys.setdefault(normalise_regimen(name), name)  # each spelling once
        for key, name in keys.items():
            if key in drugs:
                found.append(
                    Finding("error", where, f"name {name!r} reads as the medicine {drugs[key]}")
                )
            owner = seen.setdefault(key, regimen.code)
            if owner != regimen.code:
                found.append(
                    Finding("error", where, f"name {name!r} is also a name of regimen {owner!r}")
                )
        found += cited_findings(where, regimen, today, kb.release.date)
    return sorted(found, key=lambda f: f.level != "error")


__all__ = ["REGIMENS_FILE", "Regimens", "findings", "load_regimens", "normalise_regimen"]
