"""The hand-over letter for the home doctor, after treatment in another country (design §6).

It says four things: what was decided, what was given, what to watch for, and whom to call.
What to watch for comes from the knowledge base (monitoring, driving, boxed warnings of the
product given, in the place it was given), always led by the urgent-symptoms line.

The case format has no fields yet for the treatment given abroad and the people to call, so the
letter reads them from ``extensions.handover`` (a field for other tools' data), validated here::

    extensions:
      handover:
        treated_in: US      # US, EU or CN (default: from logistics.treatment_country)
        centre: {name: ..., phone: ..., email: ..., person: ...}
        home_doctor: {name: ..., phone: ...}
        given:
          - {what: "CAR-T cell infusion", product: Yescarta, date: 2026-12-10}
        discharged: 2027-01-08
        contacts: [{name: ..., role: ..., phone: ...}]
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crossroads.common.errors import CaseFileError
from crossroads.common.messages import problem_from_error
from crossroads.kb import Jurisdiction, KnowledgeBase, normalise_name
from crossroads.kb.models import Product
from crossroads.kb.names import brand_name
from crossroads.kb.planning import planning_for
from crossroads.record.case import DateField
from crossroads.record.load import fields_at
from crossroads.render.sections import (
    ReportInput,
    Section,
    cited,
    classification_section,
    format_day,
)
from crossroads.render.sections_care import supportive_handover_section
from crossroads.render.sections_noted import specialist_section
from crossroads.steps.readiness import treatment_place

HANDOVER_KEY = "handover"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Record):
    """Someone to call: a centre, a doctor, a coordinator."""

    name: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=200)
    person: str | None = Field(None, max_length=200, description="Contact person at a centre")
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=200)


class Given(_Record):
    """One treatment given at the treating centre."""

    what: str | None = Field(None, max_length=300)
    product: str | None = Field(None, max_length=100, description="CAR-T product, any name")
    date: DateField | None = None
    notes: str | None = Field(None, max_length=1000)


class Handover(_Record):
    """``extensions.handover``: the treatment abroad and the people to call."""

    treated_in: Literal["US", "EU", "CN"] | None = None
    centre: Person | None = None
    home_doctor: Person | None = None
    given: list[Given] = Field(default_factory=list)
    discharged: DateField | None = None
    contacts: list[Person] = Field(default_factory=list)


def read_handover(extensions: dict[str, Any]) -> Handover:
    """The hand-over data of a case, or an empty record; a bad field is a case-file error."""
    raw = extensions.get(HANDOVER_KEY)
    if raw is None:
        return Handover()
    try:
        return Handover.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = ("extensions", HANDOVER_KEY, *error["loc"])
            problem = problem_from_error(
                {**error, "loc": loc}, fields_at(tuple(error["loc"]), Handover)
            )
            problems.append(problem)
        raise CaseFileError("", problems) from None


def treated_in(src: ReportInput, handover: Handover) -> Jurisdiction | None:
    """Whose rules applied: as the hand-over says, else the case's country of treatment."""
    if handover.treated_in is not None:
        return handover.treated_in
    return treatment_place(src.case, planning_for(src.kb))


def find_product(kb: KnowledgeBase, name: str | None) -> Product | None:
    """The CAR-T product a person named by generic, short, brand or Chinese name, if known."""
    if not name:
        return None
    wanted = normalise_name(name)
    for product in kb.products.values():
        names = (product.code, product.short, *product.brand.values(), product.name_zh or "")
        if wanted in {normalise_name(n) for n in names if n}:
            return product
    return None


def _person(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return person.model_dump()


def letter_section(src: ReportInput) -> dict[str, Any]:
    """Who the letter is about and for: identity is needed here, the doctor must find the chart."""
    handover = read_handover(src.case.extensions)
    place = treated_in(src, handover)
    patient = src.case.patient
    disease = src.classification.facts.values.get("disease")
    return {
        "patient": patient.name,
        "born": format_day(patient.birth_date, src.lang),
        "disease": src.kb.code_name(disease, src.lang) if isinstance(disease, str) else None,
        "subtype": (
            src.kb.code_name(src.case.diagnosis.subtype, src.lang)
            if src.case.diagnosis.subtype
            else None
        ),
        "home_doctor": _person(handover.home_doctor),
        "centre": _person(handover.centre),
        "treated_in": src.kb.phrase(f"ui.jurisdiction.{place}", src.lang) if place else None,
        "discharged": format_day(handover.discharged, src.lang),
    }


def decided_section(src: ReportInput) -> dict[str, Any]:
    """What was decided, in the person's own four sentences when they wrote them."""
    sentences = src.case.decision.sentences
    entries = [
        text
        for text in (sentences.status, sentences.options, sentences.car_t, sentences.next_step)
        if text
    ]
    return {"entries": entries, "edited": format_day(src.case.decision.edited, src.lang)}


def given_section(src: ReportInput) -> dict[str, Any]:
    """What was given at the treating centre, with the product's plain name where known."""
    handover = read_handover(src.case.extensions)
    entries = []
    for given in handover.given:
        product = find_product(src.kb, given.product)
        name = None
        if product is not None:
            place = treated_in(src, handover)
            brand = brand_name(product.brand.get(place) if place else None, src.lang)
            zh = src.lang.startswith("zh")
            # the letter names the generic in full: the official Chinese name, else the INN
            local = product.name_zh if zh and product.name_zh else product.code
            name = local if not brand else (f"{local}（{brand}）" if zh else f"{local} ({brand})")
        entries.append(
            {
                "what": given.what,
                "product": name or given.product,
                "date": format_day(given.date, src.lang),
                "notes": given.notes,
            }
        )
    return {"entries": entries}


def watch_section(src: ReportInput) -> dict[str, Any]:
    """What to watch for after CAR-T: the knowledge base's monitoring and safety facts.

    Only facts of the place where the treatment was given and of the products given, so the
    letter says what applied to this person; without that place, it says so and lists none.
    """
    handover = read_handover(src.case.extensions)
    where = treated_in(src, handover)
    facts: list[dict[str, Any]] = []
    sources = []
    if where is not None:
        topics = ("monitoring", "driving", "stay_near_centre", "boxed_warning")
        for fact in src.kb.logistics:
            if fact.jurisdiction == where and fact.topic in topics:
                facts.append({"text": fact.text.get(src.lang), "uncertain": fact.uncertain})
                sources.append(cited(fact, src.lang, src.kb))
        for given in handover.given:
            product = find_product(src.kb, given.product)
            for pfact in product.facts if product else []:
                if where in pfact.jurisdictions and pfact.topic in ("monitoring", "boxed_warning"):
                    facts.append({"text": pfact.text.get(src.lang), "uncertain": pfact.uncertain})
                    sources.append(cited(pfact, src.lang, src.kb))
    return {
        "urgent": src.kb.phrase("urgent", src.lang),
        "facts": facts,
        "place_known": where is not None,
        "sources": sources,
    }


def call_section(src: ReportInput) -> dict[str, Any]:
    """Whom to call: the treating centre first, then the other people the case names."""
    handover = read_handover(src.case.extensions)
    return {
        "urgent": src.kb.phrase("urgent", src.lang),
        "centre": _person(handover.centre),
        "contacts": [p.model_dump() for p in handover.contacts],
    }


def label_section(src: ReportInput) -> dict[str, Any]:
    """The label criteria of each CAR-T product, place by place, and how this case met them.

    Why here and not in the patient's report: the lists are written in the label's own terms
    (subtypes, drug classes, lines of therapy) and read at a doctor's level; the patient's report
    shows each product's result and points to this letter (issue 14, item 7).
    """
    return classification_section(src)


HANDOVER_SECTIONS: list[tuple[str, Section]] = [
    ("letter", letter_section),
    ("decided", decided_section),
    ("specialist", specialist_section),
    ("given", given_section),
    ("watch", watch_section),
    ("supportive", supportive_handover_section),
    ("label", label_section),
    ("call", call_section),
]
"""The hand-over letter's sections, in reading order (each name is a template part)."""

__all__ = ["HANDOVER_SECTIONS", "Handover", "find_product", "read_handover"]
