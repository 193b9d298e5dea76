"""Step 2: classify CAR-T for this case, per jurisdiction.

For each product indication of the case's disease the status is ``on_label`` (every criterion
holds), ``not_on_label`` (one fails) or ``needs_information`` (none fails, one cannot be decided).
The case-level category per jurisdiction follows design section 2:

- ``established`` if any indication is on label;
- else ``cannot_tell`` if any needs information;
- else ``trial`` or ``not_realistic_now``, from the disease's knowledge-base entry (trials open
  here, or a hard stop such as a disease CAR-T does not treat).

Fitness and history facts that a doctor must weigh become questions for the team, never verdicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from crossroads.common.dates import PartialDate
from crossroads.kb import JURISDICTIONS, CompiledIndication, Jurisdiction, KnowledgeBase
from crossroads.kb.models import Disease, Question
from crossroads.logic.facts import CaseFacts, derive_facts
from crossroads.logic.rules import All, Leaf, Trace, missing_keys
from crossroads.record.case import Case

Status = Literal["on_label", "needs_information", "not_on_label"]
Category = Literal["established", "trial", "not_realistic_now", "cannot_tell"]
_STATUS: dict[bool | None, Status] = {
    True: "on_label",
    False: "not_on_label",
    None: "needs_information",
}


@dataclass(frozen=True, slots=True)
class IndicationResult:
    """One product indication weighed for this case, with the trace that decided it."""

    compiled: CompiledIndication
    status: Status
    trace: Trace

    @property
    def product_code(self) -> str:
        return self.compiled.product.code

    @property
    def indication_id(self) -> str:
        return self.compiled.indication.id

    def missing(self) -> list[str]:
        """Fact codes (or unsettled knowledge) that would decide a ``needs_information``; none
        for a decided status, since the status is the trace's result."""
        return missing_keys(self.trace)


@dataclass(frozen=True, slots=True)
class JurisdictionResult:
    jurisdiction: Jurisdiction
    category: Category
    indications: tuple[IndicationResult, ...]
    disease: Disease | None


@dataclass(frozen=True, slots=True)
class RaisedQuestion:
    question: Question
    trace: Trace


@dataclass(frozen=True, slots=True)
class Classification:
    """The step-2 result for one case."""

    case: Case
    facts: CaseFacts
    jurisdictions: tuple[JurisdictionResult, ...]
    questions: tuple[RaisedQuestion, ...]
    kb_version: str

    def missing_facts(self) -> dict[str, list[str]]:
        """Each deciding fact that is unknown, with the indications it would decide."""
        found: dict[str, list[str]] = {}
        for result in self.jurisdictions:
            for ind in result.indications:
                for key in ind.missing():
                    found.setdefault(key, []).append(ind.indication_id)
        return found

    def result_for(self, jurisdiction: str) -> JurisdictionResult:
        for result in self.jurisdictions:
            if result.jurisdiction == jurisdiction:
                return result
        raise KeyError(jurisdiction)


def _gate(compiled: CompiledIndication) -> All:
    """The indication's criteria preceded by its disease, so an unknown disease stays unknown."""
    return All((Leaf("disease", "in", (compiled.indication.disease,)), compiled.criterion))


def category_for(
    statuses: Iterable[Status], disease: Disease | None, jurisdiction: Jurisdiction
) -> Category:
    """The case-level category from the indication statuses (design section 2)."""
    seen = set(statuses)
    if disease is not None and not disease.in_scope:
        return "not_realistic_now"
    if "on_label" in seen:
        return "established"
    if "needs_information" in seen or disease is None:
        return "cannot_tell"
    trials = disease.car_t_trials.get(jurisdiction)
    return "trial" if trials is not None and trials.open else "not_realistic_now"


def classify_facts(
    case: Case,
    facts: CaseFacts,
    kb: KnowledgeBase,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
) -> Classification:
    disease_code = facts.values["disease"]
    disease = kb.diseases.get(disease_code) if isinstance(disease_code, str) else None
    results = []
    for jurisdiction in jurisdictions:
        indications = []
        for compiled in kb.indications_for(jurisdiction, disease.code if disease else None):
            trace = _gate(compiled).evaluate(facts.values)
            indications.append(IndicationResult(compiled, _STATUS[trace.result], trace))
        category = category_for((i.status for i in indications), disease, jurisdiction)
        results.append(JurisdictionResult(jurisdiction, category, tuple(indications), disease))
    raised = []
    for question, node in kb.questions:
        if not set(question.jurisdictions) & set(jurisdictions):
            continue
        trace = node.evaluate(facts.values)
        if trace.result is True:
            raised.append(RaisedQuestion(question, trace))
    return Classification(case, facts, tuple(results), tuple(raised), kb.release.version)


def classify(
    case: Case,
    kb: KnowledgeBase,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    today: dt.date | None = None,
) -> Classification:
    """Derive the case's facts and classify CAR-T for it in each jurisdiction."""
    on = PartialDate.parse(today or dt.date.today())
    facts = derive_facts(case, kb.class_sources, on)
    return classify_facts(case, facts, kb, jurisdictions)


__all__ = [
    "Category",
    "Classification",
    "IndicationResult",
    "JurisdictionResult",
    "RaisedQuestion",
    "Status",
    "category_for",
    "classify",
    "classify_facts",
]
