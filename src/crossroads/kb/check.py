"""``crossroads kb check``: refuse a release with broken, uncited or impossible facts.

Errors: a fact without source or date (caught by the models when loading), an unknown code
(disease, subtype, drug class, fact), duplicate ids, a drug code (RxNorm, ATC, SNOMED CT) given to
two drugs, and an indication that no case could ever
meet (its criteria contradict each other). Warnings: facts older than 12 months, and every fact
the dossiers flag as uncertain (⚠ or confidence U), so that a reviewer sees them all in one list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from crossroads.common.dates import Interval, PartialDate
from crossroads.common.values import FactValue, SetValue
from crossroads.kb.base import KnowledgeBase
from crossroads.kb.bibliography import Bibliography
from crossroads.kb.models import Cited
from crossroads.logic.facts import derive_facts
from crossroads.logic.rules import All, AnyOf, Leaf, Node, Not, Unsettled, leaves
from crossroads.record.case import Case, IneligibleReason

STALE_AFTER = dt.timedelta(days=365)
INELIGIBLE_REASONS = get_args(IneligibleReason)


@dataclass(frozen=True)
class Finding:
    level: Literal["error", "warning"]
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


def cited_findings(
    where: str, fact: Cited, today: dt.date, released: dt.date | None = None
) -> list[Finding]:
    """What a reviewer must know about one cited fact: dated after the release (an error, when
    ``released`` is given), checked over 12 months before ``today``, or flagged as uncertain
    (⚠ or confidence U). Every data area calls this, so ``kb check`` words them all alike.
    """
    found: list[Finding] = []
    if released is not None and fact.as_of > released:
        found.append(Finding("error", where, f"checked {fact.as_of}, after the release date"))
    elif today - fact.as_of > STALE_AFTER:
        found.append(
            Finding("warning", where, f"checked {fact.as_of}, over 12 months ago: re-check")
        )
    if fact.flag or fact.confidence == "U":
        why = fact.flag_text() or "confidence U (not confirmed in the sources read)"
        found.append(Finding("warning", where, f"⚠ {why}"))
    return found


def release_findings(kb: KnowledgeBase, where: str, release: str) -> list[Finding]:
    """An error when a data file's header names another release than the knowledge base's.

    Every file is released together; a header left at an older release means the file was
    changed (or copied in) without the release being bumped, so its facts may not match.
    """
    if release == kb.release.version:
        return []
    message = f"release {release!r} is not the knowledge-base release {kb.release.version!r}"
    return [Finding("error", where, message)]


def duplicate_ids(cited: Iterable[tuple[str, Cited]]) -> list[Finding]:
    """An error for each fact whose ``id`` an earlier one already uses (ids name facts in
    outputs, so two facts with one id could not be told apart)."""
    found: list[Finding] = []
    seen: dict[str, str] = {}
    for where, fact in cited:
        ident = getattr(fact, "id", None)
        if not isinstance(ident, str):
            continue
        if ident in seen:
            found.append(Finding("error", where, f"id {ident!r} is also used at {seen[ident]}"))
        seen[ident] = where
    return found


def _cited(kb: KnowledgeBase) -> Iterator[tuple[str, Cited]]:
    for product in kb.products.values():
        for ind in product.indications:
            yield f"products/{product.code}: {ind.id}", ind
        for product_fact in product.facts:
            yield f"products/{product.code}: {product_fact.id}", product_fact
    for drug in kb.drugs.values():
        yield f"drugs: {drug.code}", drug
    for fact in kb.logistics:
        yield f"logistics: {fact.id}", fact
    for question, _ in kb.questions:
        yield f"questions: {question.id}", question
    for disease in kb.diseases.values():
        for jurisdiction, status in disease.car_t_trials.items():
            yield f"diseases: {disease.code}.car_t_trials.{jurisdiction}", status


def _allowed_codes(
    kb: KnowledgeBase, leaf: Leaf, disease: str | None
) -> tuple[str, list[str]] | None:
    """What kind of code a leaf names and which codes are allowed there (None: not a code)."""
    if leaf.fact == "disease":
        return "disease", list(kb.diseases)
    if leaf.fact == "subtype":
        if disease in kb.diseases:
            return "subtype", list(kb.diseases[disease].subtypes)
        return "subtype", [s for d in kb.diseases.values() for s in d.subtypes]
    if leaf.fact == "exposed_classes":
        return "drug class", list(kb.drug_classes)
    if leaf.fact == "transplant_ineligible_reasons":
        return "reason", list(INELIGIBLE_REASONS)
    return None


def _check_codes(kb: KnowledgeBase, node: Node, where: str, disease: str | None) -> list[Finding]:
    found = []
    for leaf in leaves(node):
        allowed = _allowed_codes(kb, leaf, disease)
        if allowed is None:
            continue
        kind, pool = allowed
        values = list(leaf.value) if isinstance(leaf.value, tuple) else [leaf.value]
        for value in values:
            if value not in pool:
                found.append(Finding("error", where, f"unknown {kind} code {value!r}"))
    return found


def _candidates(leaf_list: list[Leaf], kind: str) -> list[FactValue]:
    if kind == "bool":
        return [True, False]
    if kind == "number":
        bounds = {float(leaf.value) for leaf in leaf_list}
        points = sorted({int(b) + d for b in bounds for d in (-1, 0, 1)} | {0})
        return [Interval(p, p) for p in points]
    members = sorted(
        {
            v
            for leaf in leaf_list
            for v in (leaf.value if isinstance(leaf.value, tuple) else (leaf.value,))
        }
    )
    if kind == "set":
        options: list[FactValue] = [SetValue(frozenset(), True), SetValue(frozenset(members), True)]
        options += [SetValue(frozenset([m]), True) for m in members]
        return options
    return [*members, "__other__"]


def satisfiable(node: Node, kinds: Mapping[str, str], fixed: dict[str, FactValue]) -> bool:
    """Whether some assignment of facts makes the criterion true (see :func:`witness`)."""
    return witness(node, kinds, fixed) is not None


def witness(
    node: Node, kinds: Mapping[str, str], fixed: dict[str, FactValue]
) -> dict[str, FactValue] | None:
    """An assignment of facts that makes the criterion true, or None if there is none.

    A backtracking search over the values that matter (each bound and its neighbours, each named
    code, true/false). Kleene logic is monotone, so a partial assignment that already makes the
    criterion false can be dropped with all its extensions.
    """
    by_fact: dict[str, list[Leaf]] = {}
    for leaf in leaves(node):
        if leaf.fact not in fixed:
            by_fact.setdefault(leaf.fact, []).append(leaf)
    order = sorted(by_fact)
    domains = [_candidates(by_fact[f], kinds[f]) for f in order]
    has_unsettled = _has_unsettled(node)

    assignment = dict(fixed)

    def search(i: int) -> bool:
        result = node.evaluate(assignment).result
        if result is False:
            return False
        if result is True or (result is None and i == len(order) and has_unsettled):
            return True
        if i == len(order):
            return False
        for value in domains[i]:
            assignment[order[i]] = value
            if search(i + 1):
                return True
        del assignment[order[i]]
        return False

    return assignment if search(0) else None


def _has_unsettled(node: Node) -> bool:
    if isinstance(node, Unsettled):
        return True
    if isinstance(node, Leaf):
        return False
    if isinstance(node, Not):
        return _has_unsettled(node.part)
    assert isinstance(node, (All, AnyOf))
    return any(_has_unsettled(p) for p in node.parts)


def check(kb: KnowledgeBase, today: dt.date | None = None) -> list[Finding]:
    """Every finding about the release, errors first."""
    today = today or dt.date.today()
    findings: list[Finding] = []
    kinds = {code: f.kind for code, f in kb.facts.items()}
    cited = list(_cited(kb))
    findings += duplicate_ids(cited)
    for where, fact in cited:
        findings += cited_findings(where, fact, today)
    for compiled in kb.all_indications():
        ind = compiled.indication
        where = f"products/{compiled.product.code}: {ind.id}"
        if ind.disease not in kb.diseases:
            findings.append(Finding("error", where, f"unknown disease code {ind.disease!r}"))
            continue
        findings += _check_codes(kb, compiled.criterion, where, ind.disease)
        if not satisfiable(compiled.criterion, kinds, {"disease": ind.disease}):
            findings.append(Finding("error", where, "no case could ever meet these criteria"))
    for question, node in kb.questions:
        where = f"questions: {question.id}"
        findings += _check_codes(kb, node, where, None)
        if not satisfiable(node, kinds, {}):
            findings.append(Finding("error", where, "this question can never be raised"))
    for drug in kb.drugs.values():
        for cls in drug.classes:
            if cls not in kb.drug_classes:
                findings.append(
                    Finding("error", f"drugs: {drug.code}", f"unknown drug class {cls!r}")
                )
    findings += duplicate_drug_codes(kb)
    findings += _check_fact_catalogue(kb)
    findings.sort(key=lambda f: (f.level != "error", f.where))
    return findings


def duplicate_drug_codes(kb: KnowledgeBase) -> list[Finding]:
    """An error for each standard code (RxNorm, ATC, SNOMED CT) that two drugs share.

    The FHIR importer reads a coded medicine through these codes, so a shared one would make
    the medicine depend on file order; the fix is to keep the code on the one drug it names.
    """
    found: list[Finding] = []
    seen: dict[tuple[str, str], str] = {}
    for drug in kb.drugs.values():
        for system, code in drug.standard_codes():
            other = seen.setdefault((system, code), drug.code)
            if other != drug.code:
                found.append(
                    Finding(
                        "error",
                        f"drugs: {drug.code}",
                        f"{system} code {code!r} is also given to {other}",
                    )
                )
    return found


def _check_fact_catalogue(kb: KnowledgeBase) -> list[Finding]:
    """The catalogue must list exactly the facts that :mod:`crossroads.logic.facts` derives."""
    derived = set(derive_facts(Case(), kb.class_sources, PartialDate(2000)).values)
    listed = set(kb.facts)
    found = [
        Finding("error", "facts.yaml", f"fact {c!r} is listed but never derived")
        for c in sorted(listed - derived)
    ]
    found += [
        Finding("error", "facts.yaml", f"fact {c!r} is derived but not listed")
        for c in sorted(derived - listed)
    ]
    return found


_INLINE_PUBLIC = re.compile(r"https?://|\bdoi[:.]\s*10\.|\bPMID\b", re.IGNORECASE)


def public_reference_findings(
    cited: Iterable[tuple[str, Cited]], bibliography: Bibliography
) -> list[Finding]:
    """An error for each patient-facing fact that names no public reference a reader can open.

    A fact passes when its explicit ``refs`` name bibliography entries, when its source line's
    dossier pointers resolve to entries, or when the line itself carries an address or DOI; at
    least one entry must have a DOI, PubMed id or address (one without is a warning). A pointer
    the bibliography does not know ("ref 99") and an unknown id in ``refs`` are errors too, so
    a typo cannot hide.
    """
    found: list[Finding] = []
    for where, fact in cited:
        for ident in fact.refs:
            if ident not in bibliography.references:
                found.append(Finding("error", where, f"refs: no bibliography entry {ident!r}"))
        known = [bibliography.references[i] for i in fact.refs if i in bibliography.references]
        resolution = bibliography.resolve(fact.source)
        for pointer in resolution.unresolved:
            found.append(
                Finding("error", where, f"source names {pointer.key!r}, not in bibliography.yaml")
            )
        references = known or list(resolution.references)
        for ref in references:
            if not ref.public:
                found.append(
                    Finding("warning", where, f"reference {ref.id!r} has no DOI, PMID or address")
                )
        linked = [ref for ref in references if ref.public]
        if not linked and not _INLINE_PUBLIC.search(fact.source):
            found.append(
                Finding(
                    "error",
                    where,
                    "no public reference: list bibliography ids under refs, or name "
                    "the dossier reference in the source",
                )
            )
    return found


def patient_facing(kb: KnowledgeBase) -> Iterator[tuple[str, Cited]]:
    """Every fact a patient may read: labels, logistics, questions, trial status, the options
    grid, the timeline, checklists, supportive care and the glossary. Drug codes, FHIR maps,
    regimens and the reviewers' triage rules are read by the program or by specialists.
    """
    from crossroads.kb import alternatives, planning, review_data  # they import this module

    for where, fact in _cited(kb):
        if not where.startswith("drugs:"):
            yield where, fact
    yield from alternatives._cited(alternatives.load_alternatives(kb))
    kinds = {code: f.kind for code, f in kb.facts.items()}
    yield from planning._cited(planning.load_planning(kinds))
    for where, fact in review_data._cited(review_data.load_review_data(kb)):
        if not where.startswith("triage:"):
            yield where, fact


def summary(findings: list[Finding]) -> dict[str, Any]:
    counts = {
        level: len(list(group))
        for level, group in itertools.groupby(sorted(f.level for f in findings))
    }
    return {"errors": counts.get("error", 0), "warnings": counts.get("warning", 0)}
