"""The case record: one person's story, shared by all six steps.

Every clinical field is optional because a missing field means *unknown*, never *no*. Field names
follow the public case format (design section 4) so that cases written by others keep working.
Unknown keys are refused with a close-match hint, because a typo that silently drops a fact would
turn a known answer into an unknown one without anyone noticing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from crossroads.dates import PartialDate, age_on

SCHEMA_ID = "crossroads.case/v1"

DateField = Annotated[
    PartialDate,
    BeforeValidator(PartialDate.parse),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
            "description": "YYYY, YYYY-MM or YYYY-MM-DD; a partial date is an interval.",
        }
    ),
]

Response = Literal["CR", "PR", "SD", "PD"]
IneligibleReason = Literal[
    "age", "comorbidity", "performance_status", "no_donor", "patient_choice", "other"
]


class Record(BaseModel):
    """Base for every part of the case: unknown keys are errors; assignments are checked."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


class RecordNumber(Record):
    system: str | None = None
    value: str = Field(min_length=1, max_length=100)


class Contact(Record):
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=500)


class Patient(Record):
    """Who the case is about. Identity fields never leave in a de-identified output."""

    name: str | None = Field(None, max_length=200)
    birth_date: DateField | None = None
    record_numbers: list[RecordNumber] = Field(default_factory=list)
    contact: Contact | None = None
    age_years: int | None = Field(None, ge=0, le=120)
    sex: Literal["female", "male", "other"] | None = None
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166 code")
    city: str | None = Field(None, max_length=100)
    language: Literal["en", "zh-Hans"] | None = None


class TargetAntigens(Record):
    """Target test results: loss of the target after earlier targeted therapy matters."""

    cd19: Literal["positive", "negative"] | None = None
    bcma: Literal["positive", "negative"] | None = None


class Diagnosis(Record):
    disease: str | None = Field(None, description="Disease code from the knowledge base")
    subtype: str | None = Field(None, description="Subtype code from the knowledge base")
    stage: str | None = Field(None, max_length=20)
    diagnosed: DateField | None = None
    cns_involvement: bool | None = None
    target_antigens: TargetAntigens | None = None


class TreatmentLine(Record):
    """One line of treatment, oldest first.

    ``kind`` says whether the entry counts as a line the way labels count them: maintenance and
    radiotherapy belong to the line they follow and do not add a line.
    """

    regimen: str | None = Field(None, max_length=100)
    agents: list[str] | None = None
    kind: Literal["systemic", "maintenance", "radiotherapy"] = "systemic"
    start: DateField | None = None
    end: DateField | None = None
    best_response: Response | None = None
    progression: DateField | None = None
    refractory: bool | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> TreatmentLine:
        if self.start and self.end and self.end.latest < self.start.earliest:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        if self.start and self.progression and self.progression.latest < self.start.earliest:
            raise ValueError(f"progression ({self.progression}) is before start ({self.start})")
        return self


class DiseaseStatus(Record):
    state: Literal["relapsed", "refractory", "remission", "progressing"] | None = None
    relapse_number: int | None = Field(None, ge=0, le=20)
    last_progression: DateField | None = None
    rapid_progression: bool | None = Field(
        None, description="The treating team notes that the disease is growing fast"
    )


class Transplant(Record):
    type: Literal["autologous", "allogeneic"]
    date: DateField | None = None


class CellularTherapy(Record):
    target: Literal["CD19", "BCMA", "CD22", "other"]
    product: str | None = Field(None, max_length=100)
    date: DateField | None = None


class Fitness(Record):
    ecog: int | None = Field(None, ge=0, le=4, description="ECOG performance status 0-4")
    active_infection: bool | None = None
    organ_dysfunction: (
        list[Literal["heart", "lung", "kidney", "liver", "marrow", "other"]] | None
    ) = None


class Case(Record):
    """One person's case record (``schema: crossroads.case/v1``)."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        populate_by_name=True,
        json_schema_extra={"$id": SCHEMA_ID, "title": "Crossroads case record"},
    )

    schema_id: Literal["crossroads.case/v1"] = Field("crossroads.case/v1", alias="schema")
    patient: Patient = Field(default_factory=Patient)
    notes: str | None = Field(None, max_length=20000)
    diagnosis: Diagnosis = Field(default_factory=Diagnosis)
    lines: list[TreatmentLine] | None = Field(
        None, description="Lines of treatment, oldest first; missing means unknown, [] means none"
    )
    disease_status: DiseaseStatus = Field(default_factory=DiseaseStatus)
    transplants: list[Transplant] | None = None
    transplant_eligible: bool | None = None
    transplant_ineligible_reasons: list[IneligibleReason] | None = None
    prior_cellular_therapy: list[CellularTherapy] | None = None
    fitness: Fitness = Field(default_factory=Fitness)
    assessment_date: DateField | None = None
    extensions: dict[str, Any] = Field(
        default_factory=dict, description="Free space for fields other tools add"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        born, on, given = self.patient.birth_date, self.assessment_date, self.patient.age_years
        if born and on:
            if born.earliest > on.latest:
                raise ValueError(f"patient.birth_date ({born}) is after assessment_date ({on})")
            age = age_on(born, on)
            if given is not None and not age.low <= given <= age.high:
                raise ValueError(
                    f"patient.age_years ({given}) does not match birth_date ({born}) on "
                    f"{on}, which gives {age}; correct one of them"
                )
        return self

    def to_data(self) -> dict[str, Any]:
        """The record as plain data in the public format (unknown fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def case_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the case format."""
    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
