"""Checking a case's codes against the knowledge base, and normalising drug names.

People write drugs by generic name, brand or Chinese name; the rules need one code per drug.
An unknown medicine is never a silent "not exposed": strictly it is an error with close matches;
leniently (``strict=False``, for records as people have them) it is kept as written, its classes
stay unknown (see ``ClassSources.known``), and :func:`unknown_agents` lists it as a warning.
"""

from __future__ import annotations

from crossroads.common.errors import Problem, UnknownCodeError
from crossroads.common.messages import close_matches
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case


def _suggest(word: str, choices: list[str]) -> str:
    matches = close_matches(word.lower(), choices)
    return f"Did you mean {', '.join(repr(m) for m in matches)}?" if matches else ""


def _unknown_agent(where: str, agent: str, kb: KnowledgeBase) -> Problem:
    return Problem(
        where,
        f"'{agent}' is not a medicine Crossroads knows.",
        _suggest(agent, kb.drug_names()) or "Write the generic name, e.g. rituximab.",
    )


def unknown_agents(case: Case, kb: KnowledgeBase) -> list[Problem]:
    """Every medicine of the case the knowledge base does not know, with close matches."""
    return [
        _unknown_agent(f"lines[{i}].agents[{j}]", agent, kb)
        for i, line in enumerate(case.lines or [])
        for j, agent in enumerate(line.agents or [])
        if kb.resolve_drug(agent) is None
    ]


def check_codes(case: Case, kb: KnowledgeBase, source: str = "", *, strict: bool = True) -> Case:
    """Return the case with drug names turned into codes; raise listing every unknown code.

    With ``strict=False`` an unknown medicine is kept as written instead (its classes unknown);
    unknown disease and subtype codes are refused either way.
    """
    problems: list[Problem] = []
    disease_code = case.diagnosis.disease
    disease = kb.diseases.get(disease_code) if disease_code else None
    if disease_code is not None and disease is None:
        problems.append(
            Problem(
                "diagnosis.disease",
                f"'{disease_code}' is not a disease code Crossroads knows.",
                _suggest(disease_code, list(kb.diseases))
                or f"Use one of: {', '.join(kb.diseases)}.",
            )
        )
    subtype = case.diagnosis.subtype
    if subtype is not None and disease is not None and subtype not in disease.subtypes:
        known = list(disease.subtypes)
        hint = _suggest(subtype, known) or (
            f"Use one of: {', '.join(known)}."
            if known
            else "This disease has no subtypes: leave it out."
        )
        problems.append(
            Problem("diagnosis.subtype", f"'{subtype}' is not a subtype of {disease_code}.", hint)
        )
    new_lines = []
    for i, line in enumerate(case.lines or []):
        if line.agents is None:
            new_lines.append(line)
            continue
        codes = []
        for j, agent in enumerate(line.agents):
            code = kb.resolve_drug(agent)
            if code is None and not strict:
                codes.append(agent)
            elif code is None:
                problems.append(_unknown_agent(f"lines[{i}].agents[{j}]", agent, kb))
            else:
                codes.append(code)
        new_lines.append(line.model_copy(update={"agents": codes}))
    if problems:
        raise UnknownCodeError(source, problems)
    if case.lines is None:
        return case
    return case.model_copy(update={"lines": new_lines})
