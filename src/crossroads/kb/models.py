"""Shapes of the knowledge-base data files.

Every clinical fact is a :class:`Cited` record: it carries its ``source``, the date it was last
checked (``as_of``) and a confidence tag from the dossiers (L label/regulator, P peer-reviewed,
N news or company, U unverified). A ``flag`` keeps the dossier's warning (⚠) next to the fact so
that outputs can show it as uncertain.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

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
    refs: list[str] = Field(
        default_factory=list,
        description="Ids of the public references (kb/data/bibliography.yaml) behind the fact; "
        "when given they win over the dossier pointers in the source line",
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


RXNORM_CODE = re.compile(r"\d{1,10}")
ATC_CODE = re.compile(r"[A-V]\d{2}[A-Z]{2}\d{2}")
SNOMED_CODE = re.compile(r"\d{6,18}")


class Drug(Cited):
    """A medicine: its names, the classes label criteria test, and its standard codes.

    ``source``/``as_of``/``confidence`` cite the class mapping. The standard codes (RxNorm
    ingredient, WHO ATC, SNOMED CT substance) let the FHIR importer read a hospital's coded
    medicine and the exporter write one; they are checked in a different place than the classes,
    so they carry their own ``codes_source`` and ``codes_confidence`` whenever any is given.
    """

    code: str = Field(description="Lowercase generic name")
    name: Text
    brands: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    classes: list[str] = Field(default_factory=list)
    rxnorm: str | None = Field(None, description="RxNorm ingredient (IN) RXCUI, digits")
    atc: list[str] = Field(default_factory=list, description="WHO ATC codes, e.g. L01FA01")
    snomed: str | None = Field(None, description="SNOMED CT substance concept id")
    codes_source: str | None = Field(
        None, min_length=8, validate_default=True, description="Where the codes were checked"
    )
    codes_confidence: Confidence | None = Field(None, validate_default=True)

    @field_validator("rxnorm")
    @classmethod
    def _rxnorm_digits(cls, value: str | None) -> str | None:
        if value is not None and not RXNORM_CODE.fullmatch(value):
            raise ValueError(
                f"{value!r} is not an RxNorm code: write the ingredient RXCUI in digits, "
                'quoted (e.g. "121191")'
            )
        return value

    @field_validator("atc")
    @classmethod
    def _atc_pattern(cls, value: list[str]) -> list[str]:
        for code in value:
            if not ATC_CODE.fullmatch(code):
                raise ValueError(
                    f"{code!r} is not a full ATC code: write the 7-character substance level "
                    "(e.g. L01FA01)"
                )
        return value

    @field_validator("snomed")
    @classmethod
    def _snomed_digits(cls, value: str | None) -> str | None:
        if value is not None and not SNOMED_CODE.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a SNOMED CT concept id: 6 to 18 digits, quoted "
                '(e.g. "386919002")'
            )
        return value

    @field_validator("codes_source", "codes_confidence")
    @classmethod
    def _codes_cited(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Codes without a citation would be facts without a source: refused."""
        has_codes = any(info.data.get(key) for key in ("rxnorm", "atc", "snomed"))
        if has_codes and value is None:
            raise ValueError(
                "required when rxnorm, atc or snomed is given (say where the codes were "
                "checked and how sure that is: L, P, N or U)"
            )
        if not has_codes and value is not None:
            raise ValueError("given without any code: add rxnorm, atc or snomed, or remove it")
        return value

    def standard_codes(self) -> list[tuple[str, str]]:
        """``(system key, code)`` for every standard code of this medicine, RxNorm first."""
        pairs = [("rxnorm", self.rxnorm)] if self.rxnorm else []
        pairs += [("atc", code) for code in self.atc]
        if self.snomed:
            pairs.append(("snomed", self.snomed))
        return pairs


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


RegimenKind = Literal["treatment", "conditioning", "lymphodepletion"]


class Regimen(Cited):
    """A named combination of medicines (R-CHOP, VRd, BEAM) and the medicines it gives.

    A treatment line may give only its regimen name; its medicines then follow from here, so
    that "exposed to an anti-CD20 antibody" is known for a line written as "R-CHOP".
    """

    code: str = Field(description="Stable lower-case id, e.g. r-chop")
    names: Text
    aliases: list[str] = Field(default_factory=list, description="Spellings people write")
    agents: list[str] = Field(min_length=1, description="Drug codes of every medicine it gives")
    diseases: list[str] = Field(min_length=1, description="Disease codes it is used in")
    kind: RegimenKind = "treatment"
    used_for: Text | None = Field(
        None, description="A disease without a code of its own (e.g. Burkitt lymphoma)"
    )
