"""Crossroads' own small model of a clinical study, independent of any registry's format.

Why our own: trial search needs a dozen fields (status, phases, conditions, interventions, ages,
sex, eligibility text, sites); a registry reader (:mod:`crossroads.interop.trials.ctgov`) fills
them, and a second registry (for example China's ChiCTR) would only need another reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AgeUnit = Literal["years", "months", "weeks", "days", "hours", "minutes"]
Outcome = Literal["match", "fail", "unknown"]
OPEN_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")


@dataclass(frozen=True, slots=True)
class AgeLimit:
    """An age limit as the registry writes it (``18 Years``): a whole number and a unit."""

    value: int
    unit: AgeUnit
    text: str


@dataclass(frozen=True, slots=True)
class Intervention:
    type: str
    name: str
    other_names: tuple[str, ...] = ()
    description: str = ""

    @property
    def words(self) -> str:
        return " | ".join((self.name, *self.other_names, self.description))


@dataclass(frozen=True, slots=True)
class Site:
    facility: str | None
    city: str | None
    country: str | None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Study:
    """One study record, as far as trial search reads it."""

    study_id: str
    registry: str
    title: str
    overall_status: str | None
    phases: tuple[str, ...]
    study_type: str | None
    conditions: tuple[str, ...]
    keywords: tuple[str, ...]
    interventions: tuple[Intervention, ...]
    minimum_age: AgeLimit | None
    maximum_age: AgeLimit | None
    sex: str | None
    healthy_volunteers: bool | None
    eligibility_text: str
    sites: tuple[Site, ...]
    last_update: str | None = None
    synthetic: bool = False
    source: str = ""

    @property
    def is_open(self) -> bool:
        return self.overall_status in OPEN_STATUSES

    def countries(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.country for s in self.sites if s.country))
