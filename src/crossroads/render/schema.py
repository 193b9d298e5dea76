"""The published shape of ``crossroads assess --format json`` (``crossroads.assessment/v1``).

These models exist to document and check the output; the renderer builds plain dicts for speed
and a test validates every example's output against them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from crossroads.render.data import ASSESSMENT_SCHEMA_ID


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class MissingOut(Out):
    fact: str = Field(description="Fact code, or 'kb:' and the knowledge-base item to confirm")
    ask: str = Field(description="What to request so that it becomes known")


class ProductOut(Out):
    product: str = Field(description="Lowercase generic name")
    short: str
    brand: str | None
    indication: str = Field(description="Stable indication id")
    indication_text: str
    status: Literal["on_label", "needs_information", "not_on_label"]
    reasons: list[str]
    missing: list[MissingOut]
    source: str
    as_of: str
    confidence: Literal["L", "P", "N", "U"]
    flag: str | None
    approved: str | None
    approval: str


class JurisdictionOut(Out):
    category: Literal["established", "trial", "not_realistic_now", "cannot_tell"]
    category_label: str
    category_text: str
    hard_stop: str | None
    products: list[ProductOut]


class QuestionOut(Out):
    id: str
    text: str
    source: str
    jurisdictions: list[str]


class MissingFactOut(MissingOut):
    needed_for: list[str]


class ExpandedRegimenOut(Out):
    entry: int = Field(description="Which treatment in the history, counted from 1")
    regimen: str = Field(description="The regimen name as the record gives it")
    agents: list[str] = Field(description="Drug codes taken from that name")
    text: str = Field(description="The same in a plain sentence")


class KnowledgeBaseOut(Out):
    version: str
    date: str


class AssessmentOut(Out):
    model_config = ConfigDict(
        extra="forbid", defer_build=True, json_schema_extra={"$id": ASSESSMENT_SCHEMA_ID}
    )

    schema_id: Literal["crossroads.assessment/v1"] = Field(alias="schema")
    knowledge_base: KnowledgeBaseOut
    assessment_date: str
    lang: Literal["en", "zh-Hans"]
    disease: str | None
    jurisdictions: dict[Literal["US", "EU", "CN"], JurisdictionOut]
    questions: list[QuestionOut]
    missing_facts: list[MissingFactOut]
    expanded_regimens: list[ExpandedRegimenOut] = Field(
        description="Treatments whose medicines were taken from their regimen name"
    )
    notice: str


def assessment_json_schema() -> dict[str, Any]:
    schema = AssessmentOut.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
