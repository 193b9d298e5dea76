"""The API's request and answer shapes (they make the OpenAPI document).

Case records are the core's own model (:class:`crossroads.record.case.Case`), so the API accepts and
returns exactly the public case format and refuses what the command line refuses. Text a person
types goes through the same rules as the page forms (:mod:`review.fields`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from cases.stepform import clean_text
from crossroads.common.i18n import DEFAULT_LANG
from crossroads.record.case import Case
from review import fields as review_fields

Lang = Literal["en", "zh-Hans"]
Place = Literal["US", "EU", "CN"]
Goal = Literal["cure", "longer_control", "comfort", "time_at_home", "bridge_to_transplant"]
Opinion = Literal["agree", "disagree"]
Id = Annotated[int, Field(ge=1, le=2**53)]


class CaseRecord(Case):
    """A case record in the public format, ``crossroads.case/v1`` (see schemas/case.schema.json)."""

    # The published schema's $id would move the base of every reference inside the OpenAPI
    # document; here the record is one component among others, so it goes.
    model_config = ConfigDict(json_schema_extra={"title": "Case record"})


def _plain_line(value: str) -> str:
    return _plain(value, 100, multiline=False)


def _plain(value: str, max_length: int, multiline: bool = True) -> str:
    text = clean_text(value, max_length, multiline=multiline)
    if not text:
        raise ValueError("This field is required.")
    return text


def _question(value: str) -> str:
    return _plain(value, review_fields.QUESTION_MAX)


def _answer(value: str) -> str:
    return _plain(value, review_fields.ANSWER_MAX)


def _consensus(value: str) -> str:
    return _plain(value, review_fields.CONSENSUS_MAX)


def _note(value: str) -> str:
    return review_fields.optional_text(value, review_fields.NOTE_MAX)


def _long_note(value: str) -> str:
    return review_fields.optional_text(value, review_fields.ANSWER_MAX)


Title = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_plain_line)]
Question = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_question)]


# -- problems -----------------------------------------------------------------------------------
class FieldProblem(Schema):
    field: str
    message: str
    hint: str = ""


class Problem(Schema):
    detail: str
    errors: list[FieldProblem] = Field(default_factory=list)


ERRORS: dict[int, type[Schema]] = {
    code: Problem for code in (400, 401, 403, 404, 409, 415, 422, 429)
}


def answers(ok: int, schema: Any) -> dict[int, Any]:
    """An operation's documented answers: its success, and every problem the API can give."""
    return {ok: schema, **ERRORS}


# -- cases --------------------------------------------------------------------------------------
class CaseSummary(Schema):
    id: int
    title: str | None = Field(None, description="Left out for administrators (no case content).")
    version: int
    updated_at: dt.datetime
    relation: str = Field(description="owner, caregiver, coordinator or admin")


class CaseOut(Schema):
    id: int
    title: str
    version: int = Field(description="Send it back with an update; it changes at every save.")
    created_at: dt.datetime
    updated_at: dt.datetime
    relation: str
    record: CaseRecord


class CaseCreate(Schema):
    title: Title
    record: CaseRecord | None = None


class CaseUpdate(Schema):
    version: int = Field(ge=1, le=2**31, description="The version you read.")
    title: Title | None = None
    record: CaseRecord


class Deleted(Schema):
    deleted: int


# -- core results -------------------------------------------------------------------------------
class AssessIn(Schema):
    record: CaseRecord
    jurisdictions: list[Place] | None = Field(None, min_length=1, max_length=3)
    lang: Lang = DEFAULT_LANG


CoreData = dict[str, Any]


# -- review requests ----------------------------------------------------------------------------
class Person(Schema):
    id: int
    name: str


class AnswerOut(Schema):
    reviewer: Person
    view: str = Field(description="agree or disagree with the classification; empty if not asked")
    answer: str
    conditions: str
    check_next: str
    comment: str
    answered_at: dt.datetime
    revised_at: dt.datetime | None = None


class ConsensusOut(Schema):
    view: str
    text: str
    recorded_by: Person
    recorded_at: dt.datetime
    reviewers: list[Person] = Field(description="The reviewers who had answered.")


class ReviewOut(Schema):
    id: int
    case_id: int | None = Field(
        None, description="Left out for reviewers: they never see the case."
    )
    state: Literal["draft", "sent", "answered", "consensus", "closed"]
    question: str
    due_date: dt.date | None = None
    overdue: bool
    created_at: dt.datetime
    sent_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    reviewers: list[Person]
    answers: list[AnswerOut]
    consensus: ConsensusOut | None = None
    moves: list[str] = Field(description="What the caller may do with the request now.")


class ReviewCreate(Schema):
    question: Question
    due_date: dt.date | None = None
    reviewers: list[Id] = Field(min_length=1, max_length=review_fields.MAX_REVIEWERS)
    send: bool = Field(False, description="Send at once instead of keeping a draft.")


class ReviewEdit(Schema):
    question: Question | None = None
    due_date: dt.date | None = None
    reviewers: list[Id] | None = Field(None, min_length=1, max_length=review_fields.MAX_REVIEWERS)


class AnswerIn(Schema):
    view: Opinion
    answer: Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_answer)]
    conditions: Annotated[str, Field(max_length=2000), AfterValidator(_note)] = ""
    check_next: Annotated[str, Field(max_length=2000), AfterValidator(_note)] = ""
    comment: Annotated[str, Field(max_length=5000), AfterValidator(_long_note)] = ""


class ConsensusIn(Schema):
    view: Opinion
    text: Annotated[str, Field(min_length=1, max_length=3000), AfterValidator(_consensus)]
