"""Shapes of the knowledge-base data files.

Every clinical fact is a :class:`Cited` record: it carries its ``source``, the date it was last
checked (``as_of``) and a confidence tag from the dossiers (L label/regulator, P peer-reviewed,
N news or company, U unverified). A ``flag`` keeps the dossier's warning (⚠) next to the fact so
that outputs can show it as uncertain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Jurisdiction = Literal["US", "EU", "CN"]
JURISDICTIONS: tuple[Jurisdiction, ...] = ("US", "EU", "CN")
Confidence = Literal["L", "P", "N", "U"]
CONFIDENCE_WORDS = {
    "L": "label or regulator text",
    "P": "peer-reviewed source",
    "N": "news or company source",
    "U": "not confirmed",
}


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(Data):
    """A phrase in both languages of the product."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


class Cited(Data):
    source: str = Field(min_length=8, description="URL or citation")
    as_of: dt.date
    confidence: Confidence
    flag: Text | str | None = Field(
        None, description="Why this fact may have moved (the dossier's ⚠), en/zh or English only"
    )

    @property
    def uncertain(self) -> bool:
        return self.confidence == "U" or self.flag is not None

    def flag_text(self, lang: str = "en") -> str | None:
        """The warning in the reader's language (English where no translation exists yet)."""
        if isinstance(self.flag, Text):
            return self.flag.get(lang)
        return self.flag


class Release(Data):
    version: str
    date: dt.date
    note: str = ""


class Subtype(Data):
    name: Text
    aliases: list[str] = Field(
        default_factory=list,
        description="How people write it (English, Chinese, abbreviations); read in case files",
    )
    read_from: list[str] = Field(
        default_factory=list,
        description="Other disease codes under which a person may write this subtype; it is "
        "then read under this disease (follicular lymphoma grade 3B is counted with large B-cell "
        "lymphoma, as the labels count it)",
    )


class QualifierValue(Data):
    """One value of a qualifier (IgG of the myeloma isotype), with the words people write."""

    name: Text
    aliases: list[str] = Field(default_factory=list)
    subtype: str | None = Field(
        None, description="The subtype this value implies (grade 3A: fl_grade1_3a)"
    )


class Qualifier(Cited):
    """A detail clinicians add to a diagnosis (myeloma isotype, MCL variant, FL grade).

    Qualifiers are recorded and shown; no criterion tests them unless a fact is added for it.
    """

    name: Text
    values: dict[str, QualifierValue]


class TrialStatus(Cited):
    """Whether CAR-T is being studied for a disease in a jurisdiction (decides trial vs not now)."""

    open: bool


class Disease(Data):
    code: str
    name: Text
    aliases: list[str] = Field(
        default_factory=list, description="How people write the disease; read in case files"
    )
    in_scope: bool = True
    subtypes: dict[str, Subtype] = Field(default_factory=dict)
    qualifiers: dict[str, Qualifier] = Field(default_factory=dict)
    car_t_trials: dict[Jurisdiction, TrialStatus] = Field(default_factory=dict)
    hard_stop: Text | None = Field(
        None, description="Why CAR-T is not a path at all for this disease"
    )


class DrugClass(Data):
    code: str
    name: Text
    cellular_targets: list[str] = Field(
        default_factory=list,
        description="Targets of a prior cellular therapy (case field prior_cellular_therapy) "
        "that put a person in this class; empty: only a medicine in a line can",
    )


class Drug(Cited):
    code: str = Field(description="Lowercase generic name")
    name: Text
    brands: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    classes: list[str] = Field(default_factory=list)


class FactDef(Data):
    """A derived fact that criteria can test, with plain words and what to ask for to settle it."""

    code: str
    kind: Literal["bool", "number", "code", "set"]
    name: Text
    ask: Text
    unit: Text | None = None
    critical: bool = Field(False, description="An unknown here blocks decision readiness")


class Indication(Cited):
    id: str
    jurisdiction: Jurisdiction
    disease: str
    summary: Text
    criteria: dict[str, Any]
    approved: str | None = None
    approval: Literal["regular", "accelerated", "conditional", "unknown"] = "unknown"
    pivotal_trial: str | None = None


class ProductFact(Cited):
    """A safety or logistics fact about a product in a jurisdiction (boxed warnings, V2V...)."""

    id: str
    topic: Literal["boxed_warning", "vein_to_vein", "monitoring", "other"]
    jurisdictions: list[Jurisdiction]
    text: Text
    days: list[int] | None = Field(None, description="A day count or [low, high]")


class Product(Data):
    code: str = Field(description="Lowercase generic name, e.g. axicabtagene ciloleucel")
    short: str
    brand: dict[Jurisdiction, str] = Field(default_factory=dict)
    name_zh: str | None = None
    target: Literal["CD19", "BCMA"]
    maker: str
    indications: list[Indication]
    facts: list[ProductFact] = Field(default_factory=list)


class LogisticsFact(Cited):
    """A class-wide fact for all CAR-T products in one jurisdiction (stay near centre, driving)."""

    id: str
    topic: Literal[
        "stay_near_centre", "driving", "monitoring", "rems", "boxed_warning", "manufacturing"
    ]
    jurisdiction: Jurisdiction
    text: Text
    weeks: float | None = None
    days: list[int] | None = None


class Question(Cited):
    """A question for the treating team, raised when its condition holds; never a verdict."""

    id: str
    text: Text
    when: dict[str, Any]
    jurisdictions: list[Jurisdiction] = Field(default_factory=lambda: list(JURISDICTIONS))
