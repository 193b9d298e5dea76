"""Checking a case's codes against the knowledge base, and normalising drug names.

People write drugs by generic name, brand or Chinese name; the rules need one code per drug.
An unknown medicine is never a silent "not exposed": strictly it is an error with close matches;
leniently (``strict=False``, for records as people have them) it is kept as written, its classes
stay unknown (see ``ClassSources.known``), and :func:`unknown_agents` lists it as a warning.

A line that gives only its regimen name ("R-CHOP", agents missing) gets the regimen's medicines
from ``kb/data/regimens.yaml`` here, before any class is derived; the line remembers the name
(``TreatmentLine.agents_from``) so that every output says the medicines came from it. A line that
lists its medicines keeps them. A regimen name Crossroads does not know leaves the medicines
unknown, and :func:`unknown_regimens` lists it with close matches.
"""

from __future__ import annotations

from crossroads.common.errors import Problem, UnknownCodeError
from crossroads.common.messages import close_matches
from crossroads.kb import KnowledgeBase
from crossroads.kb.regimens import Regimens, load_regimens
from crossroads.record.case import Case, TreatmentLine


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


def expand_regimen(line: TreatmentLine, kb: KnowledgeBase, regimens: Regimens) -> TreatmentLine:
    """The line with its medicines taken from its regimen name, when it lists none itself.

    A known regimen gives its medicines; a regimen field that names one medicine ("ibrutinib")
    gives that medicine. Anything else, and every line that lists medicines (even an empty
    list), is returned unchanged: an unknown name never becomes a guess.
    """
    if line.agents is not None or not line.regimen:
        return line
    regimen = regimens.resolve(line.regimen)
    if regimen is not None:
        return line.with_agents_from(line.regimen, list(regimen.agents))
    drug = kb.resolve_drug(line.regimen)
    if drug is not None:
        return line.with_agents_from(line.regimen, [drug])
    return line


def unknown_regimens(case: Case, kb: KnowledgeBase) -> list[Problem]:
    """Every regimen name that left a line's medicines unknown, with close matches.

    Only lines without a medicine list count: a line that lists its medicines needs no name.
    Run it on a case from :func:`check_codes` (known names are expanded there).
    """
    regimens = load_regimens()
    problems = []
    for i, line in enumerate(case.lines or []):
        if line.agents is not None or not line.regimen:
            continue
        matches = regimens.close_to(line.regimen)
        hint = f"Did you mean {', '.join(repr(m) for m in matches)}? " if matches else ""
        problems.append(
            Problem(
                f"lines[{i}].regimen",
                f"'{line.regimen}' is not a regimen Crossroads knows, so its medicines stay "
                "unknown.",
                hint + "Or list the medicines under agents, e.g. [rituximab, bendamustine].",
            )
        )
    return problems


def check_codes(case: Case, kb: KnowledgeBase, source: str = "", *, strict: bool = True) -> Case:
    """Return the case with drug names turned into codes; raise listing every unknown code.

    A line that gives only a known regimen name gets its medicines (see :func:`expand_regimen`);
    the case passed in is not changed, so a saved record keeps what the person wrote.
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
    regimens = load_regimens()
    new_lines = []
    for i, line in enumerate(case.lines or []):
        if line.agents is None:
            new_lines.append(expand_regimen(line, kb, regimens))
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
