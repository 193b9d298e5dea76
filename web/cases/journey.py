"""The six steps of the journey as data: which fields of the case record each page asks for.

One table drives the forms, the validation, the completeness view and the tests, so a field is
added in one place. Paths are the case record's own (``diagnosis.stage``, ``lines.0.start``).
Clinical fields offer "I don't know", which is stored as a mark beside the record (in
``extensions.crossroads_web.dont_know``) while the field itself stays missing: unknown is never
turned into no.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, get_args

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crossroads.kb import JURISDICTIONS, KnowledgeBase
from crossroads.kb.planning import planning_for
from crossroads.record.case import IneligibleReason

Kind = Literal["choice", "yesno", "int", "date", "text", "textarea", "drugs", "multi", "lines"]
Label = Promise | str
Choices = tuple[tuple[str, Label], ...]


@dataclass(frozen=True)
class Field:
    """One question on a step page, bound to one path of the case record."""

    path: str
    label: Label
    kind: Kind
    choices: Choices = ()
    help: Label = ""
    clinical: bool = True  # offers "I don't know"
    low: int = 0
    high: int = 0
    max_length: int = 200
    widget: Literal["radio", "select"] = "radio"
    required_in_item: bool = False  # inside a list item: the item needs it
    numeric: bool = False  # a choice whose codes are stored as whole numbers


@dataclass(frozen=True)
class Group:
    """A list in the record (treatments, transplants...): known-or-not, then one block per item."""

    path: str
    label: Label
    question: Label
    item_label: Label
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Section:
    title: Label
    items: tuple[Field | Group, ...]
    intro: Label = ""


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: Label
    purpose: Label
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def fields(self) -> Iterator[Field]:
        """Top-level fields (list groups are walked separately)."""
        for section in self.sections:
            for item in section.items:
                if isinstance(item, Field):
                    yield item

    def groups(self) -> Iterator[Group]:
        for section in self.sections:
            for item in section.items:
                if isinstance(item, Group):
                    yield item


YES_NO_UNKNOWN: Choices = (("yes", _("Yes")), ("no", _("No")))
RESPONSES: Choices = (
    ("CR", _("CR: complete response (no sign of cancer on scans)")),
    ("PR", _("PR: partial response (the cancer shrank)")),
    ("SD", _("SD: stable disease (little change)")),
    ("PD", _("PD: progressive disease (the cancer grew)")),
)
ECOG: Choices = (
    ("0", _("0: fully active, as before the illness")),
    ("1", _("1: cannot do heavy physical work, but up and about and can do light work")),
    ("2", _("2: up and about more than half the day, can look after self, cannot work")),
    ("3", _("3: in bed or a chair more than half the day, needs help with self-care")),
    ("4", _("4: in bed or a chair all day, needs full care")),
)
STATES: Choices = (
    ("relapsed", _("relapsed: it came back after treatment worked")),
    ("refractory", _("refractory: it did not respond to the last treatment")),
    ("progressing", _("progressing: it is growing now")),
    ("remission", _("remission: no sign of disease now")),
)
ORGANS: Choices = (
    ("heart", _("heart")),
    ("lung", _("lungs")),
    ("kidney", _("kidneys")),
    ("liver", _("liver")),
    ("marrow", _("bone marrow (blood counts)")),
    ("other", _("another organ")),
)
ANTIGEN: Choices = (
    ("positive", _("positive (the target is there)")),
    ("negative", _("negative (the target is missing)")),
)
STAGES: Choices = (("I", "I"), ("II", "II"), ("III", "III"), ("IV", "IV"))
LINE_KINDS: Choices = (
    ("systemic", _("medicines (counts as a line)")),
    ("maintenance", _("maintenance (belongs to the line before)")),
    ("radiotherapy", _("radiotherapy (belongs to the line before)")),
)
GOALS: Choices = (
    ("cure", _("a chance of cure")),
    ("longer_control", _("keeping the disease under control for longer")),
    ("comfort", _("comfort and fewer side effects")),
    ("time_at_home", _("as much time at home as possible")),
    ("bridge_to_transplant", _("getting to a transplant")),
)
IMPORTANCE: Choices = (
    ("0", _("not at all")),
    ("1", _("a little")),
    ("2", _("quite a lot")),
    ("3", _("very much")),
)
ATTRIBUTES: tuple[tuple[str, Label], ...] = (
    ("aim", _("what the treatment aims for")),
    ("start_time", _("how soon it can start")),
    ("how_given", _("how it is given")),
    ("time_in_hospital", _("time in hospital and near the centre")),
    ("serious_risks", _("the main serious risks")),
    ("family_burden", _("what it asks of the family")),
    ("evidence", _("how strong the evidence is")),
    ("psychological", _("how it may affect your mood and worries")),
    ("travel", _("how far and how often you travel for it")),
    ("cost", _("what it may cost you and your family")),
)
SUPPORT_KINDS: Choices = (
    ("tcm", _("traditional Chinese medicine")),
    ("supplement", _("supplement or vitamin")),
    ("other", _("other")),
)
SEXES: Choices = (
    ("female", pgettext_lazy("sex", "female")),
    ("male", pgettext_lazy("sex", "male")),
    ("other", pgettext_lazy("sex", "other")),
)
TRANSPLANT_TYPES: Choices = (
    ("autologous", _("autologous (own stem cells)")),
    ("allogeneic", _("allogeneic (donor stem cells)")),
)
TARGETS: Choices = (("CD19", "CD19"), ("BCMA", "BCMA"), ("CD22", "CD22"), ("other", _("other")))

DATE_HELP = _(
    "A year, a month or a day, written as you like: 2024, Sept 2025, 09/2025, 2025年9月 or "
    "2024-08-15."
)
COUNTRY_HELP = _(
    "Choose from the list, or write the name in English or Chinese (China, 中国) or its "
    "two-letter code (CN)."
)
RECORD_FIELDS: tuple[tuple[str, Label], ...] = (
    ("pathology", _("pathology report (the tissue test that named the disease)")),
    ("imaging", _("recent scan reports (PET or CT)")),
    ("treatment_summary", _("a summary of every treatment so far")),
    ("labs", _("recent blood test results")),
    ("transplant_history", _("transplant records")),
    ("infection_history", _("a list of serious infections")),
    ("medication_list", _("a list of all current medicines")),
)
LOGISTICS_CHECKS: tuple[tuple[str, Label], ...] = (
    ("caregiver_available", _("a caregiver who can be there day and night for the weeks needed")),
    ("lodging_near_centre", _("a place to stay near the treatment centre")),
    ("transport_arranged", _("transport to and from the centre")),
    ("funding_confirmed", _("money or insurance confirmed")),
    ("work_leave_arranged", _("time off work arranged")),
)
LOGISTICS_QUESTIONS: tuple[tuple[str, Label], ...] = (
    ("lodging_near_centre", _("Is there a place to stay near the treatment centre?")),
    ("transport_arranged", _("Is transport to and from the centre arranged?")),
    ("funding_confirmed", _("Is the money or insurance confirmed?")),
    ("work_leave_arranged", _("Is time off work arranged?")),
)


def disease_choices(kb: KnowledgeBase, lang: str) -> Choices:
    return tuple((code, d.name.get(lang)) for code, d in kb.diseases.items())


def step_title(kb: KnowledgeBase, number: int, lang: str) -> str:
    """A step's name from the core's one catalogue of step names (``checklists.yaml``)."""
    steps = planning_for(kb).checklists.steps
    return next(s.name.get(lang) for s in steps if s.step == number)


def value_choices(kb: KnowledgeBase, fact: str, codes: tuple[str, ...], lang: str) -> Choices:
    """Codes of a case field, named as the core names them as values of ``fact`` everywhere."""
    return tuple((code, kb.value_name(fact, code, lang)) for code in codes)


def jurisdiction_choices(kb: KnowledgeBase, lang: str) -> Choices:
    """The places, named as the core names them everywhere (``ui.jurisdiction.*`` phrases)."""
    return tuple((j, kb.phrase(f"ui.jurisdiction.{j}", lang)) for j in JURISDICTIONS)


def subtype_choices(kb: KnowledgeBase, lang: str) -> Choices:
    return tuple(
        (code, f"{d.name.get(lang)}: {s.name.get(lang)}")
        for d in kb.diseases.values()
        for code, s in d.subtypes.items()
    )


def build_steps(kb: KnowledgeBase, lang: str) -> tuple[Step, ...]:
    """The six steps, with knowledge-base choices named in the page's language (made once per
    knowledge base and language: the labels are translated when shown)."""
    key = (id(kb), kb.fingerprint, lang)
    if key not in _STEPS:
        _STEPS[key] = _build_steps(kb, lang)
    return _STEPS[key]


_STEPS: dict[tuple[int, str, str], tuple[Step, ...]] = {}


def _build_steps(kb: KnowledgeBase, lang: str) -> tuple[Step, ...]:
    step1 = Step(
        1,
        "disease",
        step_title(kb, 1, lang),
        _(
            "Where the disease stands and what has been tried. "
            "Leave out or mark what you do not know."
        ),
        (
            Section(
                _("About the person"),
                (
                    Field("patient.age_years", _("Age in years"), "int", low=0, high=120),
                    Field("patient.birth_date", _("Date of birth"), "date", help=DATE_HELP),
                    Field("patient.sex", _("Sex"), "choice", SEXES),
                    Field(
                        "patient.country",
                        _("Country of residence"),
                        "text",
                        help=COUNTRY_HELP,
                        max_length=60,
                    ),
                    Field("patient.city", _("City"), "text", clinical=False, max_length=100),
                ),
            ),
            Section(
                _("Diagnosis"),
                (
                    Field(
                        "diagnosis.disease",
                        _("Disease"),
                        "choice",
                        disease_choices(kb, lang),
                        widget="select",
                    ),
                    Field(
                        "diagnosis.subtype",
                        _("Subtype"),
                        "choice",
                        subtype_choices(kb, lang),
                        help=_("As written on the pathology report."),
                        widget="select",
                    ),
                    Field("diagnosis.stage", _("Stage at diagnosis"), "choice", STAGES),
                    Field(
                        "diagnosis.diagnosed", _("When it was diagnosed"), "date", help=DATE_HELP
                    ),
                    Field(
                        "diagnosis.cns_involvement",
                        _("Has it reached the brain or spinal cord (CNS)?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "diagnosis.target_antigens.cd19",
                        _("CD19 test result (the target of most CAR-T for lymphoma)"),
                        "choice",
                        ANTIGEN,
                    ),
                    Field(
                        "diagnosis.target_antigens.bcma",
                        _("BCMA test result (the target of CAR-T for myeloma)"),
                        "choice",
                        ANTIGEN,
                    ),
                ),
            ),
            Section(
                _("Treatment so far"),
                (
                    Group(
                        "lines",
                        _("Lines of treatment"),
                        _("Has the person had treatment for this disease before?"),
                        _("Treatment"),
                        (
                            Field(
                                "regimen",
                                _("Name of the treatment"),
                                "text",
                                help=_("For example R-CHOP."),
                                max_length=100,
                            ),
                            Field(
                                "agents",
                                _("Medicines"),
                                "drugs",
                                help=_("Drug names (not brand names), with commas between them."),
                                max_length=500,
                            ),
                            Field(
                                "kind",
                                _("Kind of treatment"),
                                "choice",
                                LINE_KINDS,
                                clinical=False,
                                widget="select",
                            ),
                            Field("start", _("Started"), "date", help=DATE_HELP),
                            Field("end", _("Ended"), "date", help=DATE_HELP),
                            Field(
                                "best_response",
                                _("Best response"),
                                "choice",
                                RESPONSES,
                                widget="select",
                            ),
                            Field(
                                "progression",
                                _("When the disease came back or grew after it"),
                                "date",
                                help=DATE_HELP,
                            ),
                            Field(
                                "refractory",
                                _("Did the disease fail to respond to it?"),
                                "yesno",
                                YES_NO_UNKNOWN,
                            ),
                        ),
                    ),
                ),
            ),
            Section(
                _("Where things stand now"),
                (
                    Field("disease_status.state", _("The disease now"), "choice", STATES),
                    Field(
                        "disease_status.relapse_number",
                        _("How many times has it come back?"),
                        "int",
                        low=0,
                        high=20,
                    ),
                    Field(
                        "disease_status.last_progression",
                        _("When it last came back or grew"),
                        "date",
                        help=DATE_HELP,
                    ),
                    Field(
                        "disease_status.rapid_progression",
                        _("Has the team said it is growing fast?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                ),
            ),
            Section(
                _("Transplants and cell therapy"),
                (
                    Group(
                        "transplants",
                        _("Stem cell transplants"),
                        _("Has the person had a stem cell transplant?"),
                        _("Transplant"),
                        (
                            Field(
                                "type",
                                _("Type"),
                                "choice",
                                TRANSPLANT_TYPES,
                                clinical=False,
                                required_in_item=True,
                            ),
                            Field("date", _("Date"), "date", help=DATE_HELP),
                        ),
                    ),
                    Field(
                        "transplant_eligible",
                        _("Does the treating team think a transplant is possible now?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "transplant_ineligible_reasons",
                        _("If not, why not?"),
                        "multi",
                        value_choices(
                            kb,
                            "transplant_ineligible_reasons",
                            get_args(IneligibleReason),
                            lang,
                        ),
                    ),
                    Group(
                        "prior_cellular_therapy",
                        _("Earlier cell therapy (for example CAR-T)"),
                        _("Has the person had CAR-T or another cell therapy before?"),
                        _("Cell therapy"),
                        (
                            Field(
                                "target",
                                _("Target"),
                                "choice",
                                TARGETS,
                                clinical=False,
                                required_in_item=True,
                            ),
                            Field(
                                "product",
                                _("Product name"),
                                "text",
                                max_length=100,
                            ),
                            Field("date", _("Date"), "date", help=DATE_HELP),
                        ),
                    ),
                ),
            ),
            Section(
                _("Fitness"),
                (
                    Field(
                        "fitness.ecog",
                        _("Day-to-day activity (ECOG performance status)"),
                        "choice",
                        ECOG,
                        numeric=True,
                    ),
                    Field(
                        "fitness.active_infection",
                        _("Is there an infection being treated now?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "fitness.organ_dysfunction",
                        _("Are any organs not working well?"),
                        "multi",
                        ORGANS,
                    ),
                ),
            ),
            Section(
                _("Records you hold"),
                tuple(
                    Field(f"records.{code}", label, "yesno", YES_NO_UNKNOWN)
                    for code, label in RECORD_FIELDS
                ),
                _(
                    "Do you have a copy of each of these? "
                    "What you lack goes on the list to request."
                ),
            ),
            Section(
                _("Anything else"),
                (
                    Field(
                        "notes",
                        _("Notes for your team"),
                        "textarea",
                        clinical=False,
                        max_length=20000,
                        help=_("Never shared with reviewers."),
                    ),
                ),
            ),
        ),
    )
    step2 = Step(
        2,
        "classify",
        step_title(kb, 2, lang),
        _("For each place, whether a CAR-T product is approved for a case like this, and why."),
        (
            Section(
                _("Places to check"),
                (
                    Field(
                        "extensions.crossroads_web.jurisdictions",
                        _("Check what is approved in"),
                        "multi",
                        jurisdiction_choices(kb, lang),
                        clinical=False,
                    ),
                ),
            ),
        ),
    )
    step3 = Step(
        3,
        "compare",
        step_title(kb, 3, lang),
        _("The real alternatives side by side, against what matters to you."),
        (
            Section(
                _("What matters to you"),
                (
                    Field("preferences.main_goal", _("Your main goal now"), "choice", GOALS),
                    *(
                        Field(
                            f"preferences.importance.{code}",
                            label,
                            "choice",
                            IMPORTANCE,
                            help=_("How much does this matter to you?"),
                            numeric=True,
                        )
                        for code, label in ATTRIBUTES
                    ),
                    Field(
                        "preferences.fears",
                        _("What worries you most"),
                        "lines",
                        clinical=False,
                        max_length=2000,
                        help=_("One worry per line."),
                    ),
                ),
            ),
        ),
    )
    step4 = Step(
        4,
        "timing",
        step_title(kb, 4, lang),
        _("How long each part takes, and what must be in place."),
        (
            Section(
                _("Practical readiness"),
                (
                    Field(
                        "logistics.treatment_country",
                        _("Country where treatment would happen"),
                        "text",
                        help=COUNTRY_HELP,
                        max_length=60,
                    ),
                    Field(
                        "logistics.caregiver_available",
                        _("Is there a caregiver who can be there day and night?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "logistics.caregiver_weeks",
                        _("For how many weeks?"),
                        "int",
                        low=0,
                        high=52,
                    ),
                    *(
                        Field(f"logistics.{code}", label, "yesno", YES_NO_UNKNOWN)
                        for code, label in LOGISTICS_QUESTIONS
                    ),
                    Field(
                        "logistics.visa_needed",
                        _("Is a visa needed?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "logistics.translation_needed",
                        _("Is an interpreter or translation needed?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                ),
            ),
            Section(
                _("Supportive care, traditional Chinese medicine and supplements"),
                (
                    Group(
                        "supportive_care",
                        _("Supportive care"),
                        _("Is the person taking any TCM, supplements or other remedies?"),
                        _("Remedy"),
                        (
                            Field(
                                "name",
                                _("Name"),
                                "text",
                                clinical=False,
                                required_in_item=True,
                            ),
                            Field(
                                "kind",
                                _("Kind"),
                                "choice",
                                SUPPORT_KINDS,
                                clinical=False,
                                widget="select",
                            ),
                            Field(
                                "purpose",
                                _("What it is taken for"),
                                "text",
                                clinical=False,
                                max_length=500,
                            ),
                            Field(
                                "told_treating_team",
                                _("Has the treating team been told?"),
                                "yesno",
                                YES_NO_UNKNOWN,
                            ),
                        ),
                    ),
                ),
                _(
                    "These can support you alongside treatment; they do not replace it. "
                    "Tell your treating team about every one, because some interact with "
                    "cancer medicines."
                ),
            ),
        ),
    )
    step5 = Step(
        5,
        "review",
        step_title(kb, 5, lang),
        _("When a team review or second opinion is worth it, and one clear question to ask."),
        (
            Section(
                _("Your question"),
                (
                    Field(
                        "review.specific_question",
                        _("The one question you want the specialists to answer"),
                        "textarea",
                        clinical=False,
                        max_length=2000,
                    ),
                    Field(
                        "review.conflicting_advice",
                        _("Have different doctors given different advice?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "review.second_opinion_requested",
                        _("Have you asked for a second opinion?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                ),
            ),
        ),
    )
    step6 = Step(
        6,
        "decide",
        step_title(kb, 6, lang),
        _("Four plain sentences, and a check of whether you are ready to decide."),
        (
            Section(
                _("Your four sentences"),
                (
                    Field(
                        "decision.sentences.status",
                        _("1. Where the disease stands and what has been tried"),
                        "textarea",
                        clinical=False,
                        max_length=1000,
                    ),
                    Field(
                        "decision.sentences.options",
                        _("2. Which options are realistic now"),
                        "textarea",
                        clinical=False,
                        max_length=1000,
                    ),
                    Field(
                        "decision.sentences.car_t",
                        _("3. Why CAR-T is or is not the right choice now"),
                        "textarea",
                        clinical=False,
                        max_length=1000,
                    ),
                    Field(
                        "decision.sentences.next_step",
                        _("4. What happens next"),
                        "textarea",
                        clinical=False,
                        max_length=1000,
                    ),
                ),
            ),
            Section(
                _("How sure do you feel? (the SURE test)"),
                (
                    Field(
                        "decision.sure.sure_of_choice",
                        _("Do you feel sure about the best choice for you?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "decision.sure.understand_information",
                        _("Do you know the benefits and risks of each option?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "decision.sure.risks_and_benefits_clear",
                        _("Are you clear about which benefits and risks matter most to you?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                    Field(
                        "decision.sure.enough_support",
                        _("Do you have enough support and advice to make a choice?"),
                        "yesno",
                        YES_NO_UNKNOWN,
                    ),
                ),
            ),
        ),
    )
    return (step1, step2, step3, step4, step5, step6)


STEP_NUMBERS = (1, 2, 3, 4, 5, 6)
