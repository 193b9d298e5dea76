"""The case record: one person's story, shared by all six steps.

Every clinical field is optional because a missing field means *unknown*, never *no*. Field names
follow the public case format (design section 4) so that cases written by others keep working.
Unknown keys are refused with a close-match hint, because a typo that silently drops a fact would
turn a known answer into an unknown one without anyone noticing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from crossroads.common.chronology import DayRange, narrow
from crossroads.common.countries import country_code
from crossroads.common.dates import PartialDate, age_on
from crossroads.common.text import problem_in, refusal

SCHEMA_ID = "crossroads.case/v1"
TERM_LENGTH = 200  # a disease or subtype as written: a code, or a few words from a report

DateField = Annotated[
    PartialDate,
    BeforeValidator(PartialDate.parse),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": (
                "YYYY, YYYY-MM or YYYY-MM-DD (also read: 2025/09, 09/2025, Sept 2025, "
                "3 September 2025, 2025年9月, 2025年9月3日; 03/04/2025 is refused as it reads "
                "two ways); a partial date is an interval. Written back as YYYY-MM-DD."
            ),
            "examples": ["2025", "2025-09", "2025-09-03"],
        }
    ),
]


def _country(value: Any) -> Any:
    """A country as typed ("China", "中国", "USA", "cn") becomes its ISO code; text that names no
    country is kept as written, and the check against the knowledge base warns about it."""
    if isinstance(value, str):
        return country_code(value) or value.strip()
    return value


CountryField = Annotated[
    str,
    BeforeValidator(_country),
    Field(min_length=1, max_length=100),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 100,
            "description": "ISO 3166 two-letter code, or the country's name (China, 中国, "
            "United States, Deutschland); written back as the code.",
        }
    ),
]

_NUMBER = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*(.*?)\s*$")


def _number_with_unit(units: tuple[str, ...], field: str) -> Any:
    """A reader for a number that may be written with its unit ("45 %", "55 mL/min/1.73m2")."""

    def read(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _NUMBER.match(value)
        unit = match.group(2).replace(" ", "").lower() if match else None
        if match is None or (unit and unit not in units):
            raise ValueError(
                f"'{value}' is not a number for {field}; write a number"
                + (f" in {units[0]}" if units[0] else "")
                + ", e.g. 45."
            )
        return float(match.group(1).replace(",", "."))

    return read


Response = Literal["CR", "PR", "SD", "PD"]
IneligibleReason = Literal[
    "age", "comorbidity", "performance_status", "no_donor", "patient_choice", "other"
]


class Record(BaseModel):
    """Base for every part of the case: unknown keys are errors; assignments are checked."""

    # defer_build: each part builds its validator on first direct use; loading a case builds only
    # the whole record's (a CLI start would otherwise spend ~30 ms on 20 unused validators).
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, populate_by_name=True, defer_build=True
    )

    @field_validator("*", mode="after")
    @classmethod
    def _no_hidden_characters(cls, value: Any) -> Any:
        """No text anywhere in the record holds a control or direction-changing character.

        Nested parts check their own fields; this looks into strings, lists and free mappings
        (``extensions``). See :mod:`crossroads.common.text` for which characters and why.
        """
        if isinstance(value, Record):
            return value
        found = problem_in(value)
        if found is not None:
            where, code = found
            raise ValueError((f"{where}: " if where else "") + refusal(code))
        return value


class RecordNumber(Record):
    system: str | None = Field(None, max_length=100)
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
    country: CountryField | None = None
    city: str | None = Field(None, max_length=100)
    language: Literal["en", "zh-Hans"] | None = None


class TargetAntigens(Record):
    """Target test results: loss of the target after earlier targeted therapy matters."""

    cd19: Literal["positive", "negative"] | None = None
    bcma: Literal["positive", "negative"] | None = None


class Diagnosis(Record):
    """The diagnosis, as codes or as written.

    ``disease`` and ``subtype`` may be knowledge-base codes or the words of a report ("DLBCL",
    "IgG kappa", "MCL classic", "PTCL", "多发性骨髓瘤"); the check against the knowledge base
    (``crossroads.engine.codes``) reads them into codes and ``qualifiers``, and keeps whatever it
    could not read in ``details`` with a warning, so nothing written is lost or guessed.
    """

    disease: str | None = Field(
        None,
        max_length=TERM_LENGTH,
        description="Disease code (lbcl, fl, mcl, cll, mzl, ball, mm, hodgkin, aml, other) or "
        "the disease as written (DLBCL, multiple myeloma, PTCL, breast cancer, 多发性骨髓瘤)",
    )
    subtype: str | None = Field(
        None,
        max_length=TERM_LENGTH,
        description="Subtype code or the subtype as written (IgG kappa, MCL classic, grade 3A, "
        "gastric MALT, Ph-like, GCB type)",
    )
    qualifiers: (
        dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=100)]] | None
    ) = Field(
        None,
        description="Details clinicians add, by kind: isotype and light_chain (myeloma), "
        "variant (MCL), grade (FL), site (MZL), genetic_group (B-ALL), cell_of_origin (LBCL)",
    )
    details: str | None = Field(
        None,
        max_length=2000,
        description="What the report says that Crossroads did not read into codes, as written",
    )
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
    _agents_from: str | None = PrivateAttr(default=None)

    @property
    def agents_from(self) -> str | None:
        """The regimen name the medicines were taken from, when the record gave only that name.

        Set when codes are checked (never read from or written to a case file), so that every
        output can say the medicines were filled in from the name, not written by the person.
        """
        return self._agents_from

    def with_agents_from(self, name: str, agents: list[str]) -> TreatmentLine:
        """A copy of the line whose medicines are ``agents``, taken from the regimen ``name``."""
        line = self.model_copy(update={"agents": agents})
        line._agents_from = name
        return line

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
    progression_kind: Literal["laboratory", "clinical"] | None = Field(
        None,
        description=(
            "How the latest progression showed: 'laboratory' when only tests show it (for example"
            " a rising paraprotein in myeloma, with normal organ function and performance"
            " status); 'clinical' when there are symptoms, organ damage, new lesions or growth on"
            " scans. Missing means unknown."
        ),
    )


class Transplant(Record):
    type: Literal["autologous", "allogeneic"]
    date: DateField | None = None


class CellularTherapy(Record):
    target: Literal["CD19", "BCMA", "CD22", "other"]
    product: str | None = Field(None, max_length=100)
    date: DateField | None = None


ORGANS = ("heart", "lung", "kidney", "liver", "marrow", "other")


class OrganProblem(Record):
    """One organ that is not working well, with what the record says about it."""

    organ: str = Field(
        min_length=1,
        max_length=60,
        description="heart, lung, kidney, liver, marrow or other (or the organ as written: "
        "renal, cardiac, 肺)",
    )
    detail: str | None = Field(None, max_length=500, description="e.g. mild COPD")


def _organ_item(value: Any) -> Any:
    """``"lung: mild COPD"`` is the organ and its detail; ``"heart"`` the organ alone."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    organ, sep, detail = text.replace("：", ":").partition(":")
    if not sep:
        return {"organ": text}
    return {"organ": organ.strip() or "other", "detail": detail.strip() or None}


def _organ_out(problem: OrganProblem) -> str | dict[str, str]:
    """An organ alone is written as its code (``heart``), as the case format always had it."""
    if problem.detail is None:
        return problem.organ
    return {"organ": problem.organ, "detail": problem.detail}


OrganItem = Annotated[
    OrganProblem,
    BeforeValidator(_organ_item),
    PlainSerializer(_organ_out),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "description": "An organ (heart) or 'organ: detail'"},
                {
                    "type": "object",
                    "properties": {
                        "organ": {"type": "string", "maxLength": 60},
                        "detail": {"type": "string", "maxLength": 500},
                    },
                    "required": ["organ"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]

# Input checks only: the widest values a measurement can take. They keep a typing slip (450 for
# 45) out of the record; no answer compares a value with them (limits that decide anything are
# knowledge-base data with a source).
BILIRUBIN_UNITS = ("mg/dL", "µmol/L")
BILIRUBIN_MOST = {"mg/dL": 50.0, "µmol/L": 855.0}


class Bilirubin(Record):
    """Total bilirubin with its unit: a bare number is ambiguous (mg/dL in the US, µmol/L in
    Europe and China differ 17-fold)."""

    value: float = Field(ge=0)
    unit: Literal["mg/dL", "µmol/L"]

    @model_validator(mode="before")
    @classmethod
    def _written(cls, value: Any) -> Any:
        if isinstance(value, bool | int | float):
            raise ValueError(f"{value} needs its unit; write e.g. '1.2 mg/dL' or '20 µmol/L'.")
        if isinstance(value, str):
            match = _NUMBER.match(value)
            unit = _bilirubin_unit(match.group(2)) if match else None
            if match is None or unit is None:
                raise ValueError(
                    f"'{value}' is not a bilirubin value; write e.g. '1.2 mg/dL' or '20 µmol/L'."
                )
            return {"value": float(match.group(1).replace(",", ".")), "unit": unit}
        if isinstance(value, dict) and isinstance(value.get("unit"), str):
            unit = _bilirubin_unit(value["unit"])
            return {**value, "unit": unit or value["unit"]}
        return value

    @model_validator(mode="after")
    def _range(self) -> Bilirubin:
        most = BILIRUBIN_MOST[self.unit]
        if self.value > most:
            raise ValueError(
                f"bilirubin {self.value:g} {self.unit} is more than any measured value "
                f"({most:g} {self.unit}); check the number and the unit."
            )
        return self


def _bilirubin_unit(text: str) -> str | None:
    unit = text.replace(" ", "").replace("μ", "µ").replace("u", "µ").lower()
    return {"mg/dl": "mg/dL", "µmol/l": "µmol/L"}.get(unit)


class Fitness(Record):
    ecog: int | None = Field(None, ge=0, le=4, description="ECOG performance status 0-4")
    active_infection: bool | None = None
    organ_dysfunction: list[OrganItem] | None = Field(
        None,
        description="Organs not working well: a code (heart, lung, kidney, liver, marrow, "
        "other), 'organ: detail' (lung: mild COPD) or {organ, detail}; [] means none",
    )
    lvef_percent: Annotated[
        float | None, BeforeValidator(_number_with_unit(("%",), "lvef_percent"))
    ] = Field(
        None, ge=1, le=100, description="Heart pumping (left ventricular ejection fraction), %"
    )
    egfr: Annotated[
        float | None,
        BeforeValidator(_number_with_unit(("ml/min/1.73m2", "ml/min/1.73m²", "ml/min"), "egfr")),
    ] = Field(None, ge=0, le=200, description="Kidney filtration (eGFR), mL/min/1.73m²")
    bilirubin: Bilirubin | None = Field(
        None, description="Total bilirubin with its unit: '1.2 mg/dL' or '20 µmol/L'"
    )
    spo2_percent: Annotated[
        float | None, BeforeValidator(_number_with_unit(("%",), "spo2_percent"))
    ] = Field(None, ge=1, le=100, description="Oxygen saturation on room air (SpO2), %")


Goal = Literal["cure", "longer_control", "comfort", "time_at_home", "bridge_to_transplant"]
Attribute = Literal[
    "aim",
    "start_time",
    "how_given",
    "time_in_hospital",
    "serious_risks",
    "family_burden",
    "evidence",
    "psychological",
    "travel",
    "cost",
]


class Preferences(Record):
    """What the person wants from treatment, in their own terms (step 3)."""

    main_goal: Goal | None = None
    importance: dict[Attribute, int] | None = Field(
        None, description="How much each attribute matters: 0 (not at all) to 3 (very much)"
    )
    fears: list[Annotated[str, Field(max_length=1000)]] | None = Field(
        None, description="What the person fears most, in their words"
    )

    @model_validator(mode="after")
    def _importance_range(self) -> Preferences:
        for key, value in (self.importance or {}).items():
            if not 0 <= value <= 3:
                raise ValueError(f"importance.{key} must be 0 to 3, not {value}")
        return self


class Logistics(Record):
    """Practical readiness (step 4): who, where, how, and with what money."""

    treatment_country: CountryField | None = None
    caregiver_available: bool | None = Field(None, description="A caregiver around the clock")
    caregiver_weeks: int | None = Field(None, ge=0, le=52)
    lodging_near_centre: bool | None = None
    transport_arranged: bool | None = None
    funding_confirmed: bool | None = None
    work_leave_arranged: bool | None = None
    visa_needed: bool | None = None
    translation_needed: bool | None = None


class Records(Record):
    """Which records the person already holds (true), lacks (false) or is unsure of (missing)."""

    pathology: bool | None = None
    imaging: bool | None = None
    treatment_summary: bool | None = None
    labs: bool | None = None
    transplant_history: bool | None = None
    infection_history: bool | None = None
    medication_list: bool | None = None


class SupportiveCare(Record):
    """TCM, supplements and other supportive care: complementary only, never a replacement."""

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["tcm", "supplement", "other"] = "other"
    purpose: str | None = Field(None, max_length=500)
    told_treating_team: bool | None = None


class Sure(Record):
    """The SURE test (Légaré et al.): four yes/no answers about decisional certainty."""

    sure_of_choice: bool | None = None
    understand_information: bool | None = None
    risks_and_benefits_clear: bool | None = None
    enough_support: bool | None = None


class Sentences(Record):
    """The four plain sentences (step 6), as drafted or edited by the person."""

    status: str | None = Field(None, max_length=1000)
    options: str | None = Field(None, max_length=1000)
    car_t: str | None = Field(None, max_length=1000)
    next_step: str | None = Field(None, max_length=1000)


class Decision(Record):
    sentences: Sentences = Field(default_factory=Sentences)
    sure: Sure = Field(default_factory=Sure)
    edited: DateField | None = None


class Action(Record):
    """One step of the action plan, with who does it and by when."""

    id: str = Field(min_length=1, max_length=50)
    title: str = Field(min_length=1, max_length=300)
    owner: Literal["patient", "caregiver", "coordinator", "reviewer", "treating_team"] | None = None
    due: DateField | None = None
    done: bool = False


class Review(Record):
    """Specialist review preparation (step 5)."""

    specific_question: str | None = Field(None, max_length=2000)
    conflicting_advice: bool | None = None
    second_opinion_requested: bool | None = None


class ValueSource(Record):
    """Where one value of the record was read: a document, a page, the exact text.

    Written when a person accepts a value proposed from a document (``crossroads records add``),
    so that anyone can check the value against its source later. ``box`` is the rectangle on the
    page image (fractions of width and height: left, top, right, bottom) for text read by OCR.
    """

    field: str = Field(
        min_length=1, max_length=200, description="The record path, e.g. lines[1].start"
    )
    value: str | int | float | bool | None = Field(None, description="The value as accepted")
    document: str = Field(min_length=1, max_length=300, description="The document's file name")
    document_id: str | None = Field(
        None, max_length=64, description="First hex digits of the document's SHA-256"
    )
    page: int = Field(ge=1, le=10_000)
    start: int = Field(ge=0, description="Offset of the text in the page text")
    end: int = Field(ge=0)
    text: str = Field(max_length=500, description="The source text, exactly as read")
    method: Literal["text", "ocr"] = "text"
    confidence: float | None = Field(None, ge=0, le=1)
    box: list[float] | None = Field(None, min_length=4, max_length=4)
    accepted: DateField | None = None


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
    preferences: Preferences = Field(default_factory=Preferences)
    logistics: Logistics = Field(default_factory=Logistics)
    records: Records = Field(default_factory=Records)
    supportive_care: list[SupportiveCare] | None = None
    review: Review = Field(default_factory=Review)
    decision: Decision = Field(default_factory=Decision)
    actions: list[Action] | None = None
    provenance: list[ValueSource] | None = Field(
        None,
        description="Where accepted values were read (document, page, exact text); optional",
    )
    extensions: dict[str, Any] = Field(
        default_factory=dict, description="Free space for fields other tools add"
    )

    @model_validator(mode="after")
    def _not_after_assessment(self, info: ValidationInfo) -> Case:
        """No date of the history lies after the assessment date (or after today, when the
        record has none): a history cannot hold what has not happened yet, and such a date is a
        typing slip that would silently change every month count. Planned dates (``actions``
        due dates) and the date the sentences were edited are not history and may lie later."""
        context = info.context if isinstance(info.context, dict) else {}
        today = context.get("today") or dt.date.today()
        limit = self.assessment_date.latest if self.assessment_date else today
        what = f"assessment_date ({self.assessment_date})" if self.assessment_date else "today"
        for where, date in history_dates(self):
            if date.earliest > limit:
                raise ValueError(
                    f"{where} ({date}) is after {what}; a history date cannot be later. "
                    "Correct the date"
                    + ("." if self.assessment_date else " or set assessment_date.")
                )
        return self

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
        if self.lines:
            # Refuse only what cannot be true of one line (it ends, or progresses, before it
            # starts): that is a typing slip that would silently change the counts. Lines that
            # overlap happen in real histories (a new drug started before the last cycle of the
            # old one was recorded as ended), so they are kept; the engine then simply does not
            # bound one line's dates by its neighbour's.
            ranges, before = line_chronology(self.lines)
            try:
                narrow(ranges, within_line(before))
            except ValueError as error:
                raise ValueError(
                    f"the treatment dates cannot all be right: {error}; correct the dates"
                ) from None
        return self

    def to_data(self) -> dict[str, Any]:
        """The record as plain data in the public format (unknown fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def history_dates(case: Case) -> Iterator[tuple[str, PartialDate]]:
    """Every date of what has already happened, with its field path."""
    singles = {
        "patient.birth_date": case.patient.birth_date,
        "diagnosis.diagnosed": case.diagnosis.diagnosed,
        "disease_status.last_progression": case.disease_status.last_progression,
    }
    for where, date in singles.items():
        if date is not None:
            yield where, date
    for i, line in enumerate(case.lines or []):
        for name in ("start", "end", "progression"):
            date = getattr(line, name)
            if date is not None:
                yield f"lines[{i}].{name}", date
    for i, transplant in enumerate(case.transplants or []):
        if transplant.date is not None:
            yield f"transplants[{i}].date", transplant.date
    for i, therapy in enumerate(case.prior_cellular_therapy or []):
        if therapy.date is not None:
            yield f"prior_cellular_therapy[{i}].date", therapy.date


def line_chronology(
    lines: list[TreatmentLine],
) -> tuple[dict[str, DayRange], list[tuple[str, str]]]:
    """The dates of the systemic lines and the order they keep, named by their field path.

    The order is how labels count lines: each line starts on or before it ends and before its
    progression, and ends on or before the next line starts (maintenance and radiotherapy are
    not lines and are left out). The engine bounds a date the record leaves open by these rules
    (see :mod:`crossroads.common.chronology`), and the record is refused when its own dates break
    them.
    """
    ranges: dict[str, DayRange] = {}
    before: list[tuple[str, str]] = []
    previous_end: str | None = None
    for i, line in enumerate(lines):
        if line.kind != "systemic":
            continue
        start, end = f"lines[{i}].start", f"lines[{i}].end"
        ranges[start], ranges[end] = DayRange.of(line.start), DayRange.of(line.end)
        before.append((start, end))
        if line.progression is not None:
            ranges[f"lines[{i}].progression"] = DayRange.of(line.progression)
            before.append((start, f"lines[{i}].progression"))
        if previous_end is not None:
            before.append((previous_end, start))
        previous_end = end
    return ranges, before


def within_line(before: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The order rules that stay inside one line (``lines[i].x`` before ``lines[i].y``)."""
    return [(a, b) for a, b in before if a.split("]")[0] == b.split("]")[0]]


def case_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the case format."""
    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
