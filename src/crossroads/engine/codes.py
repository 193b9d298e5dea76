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

The diagnosis, organ problems and countries are read the same way (:func:`read_terms`): words
the knowledge base knows become codes in both modes; what it does not know is kept as written
(``diagnosis.details``, an organ's detail) and left unknown with a warning, or refused strictly.
"""

from __future__ import annotations

from crossroads.common.countries import country_code, country_matches
from crossroads.common.errors import Problem, UnknownCodeError
from crossroads.common.messages import close_matches
from crossroads.kb import KnowledgeBase
from crossroads.kb.regimens import Regimens, load_regimens
from crossroads.kb.terms import organ_code, read_diagnosis
from crossroads.record.case import Case, Diagnosis, Fitness, OrganProblem, TreatmentLine


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


def read_terms(case: Case, kb: KnowledgeBase) -> tuple[Case, list[Problem], list[Problem]]:
    """The case with its diagnosis, organ problems and countries read into codes, a warning for
    each part that could not be (kept as written, or left unknown), and notes on what was read
    differently from how it was written."""
    warnings: list[Problem] = []
    notes: list[Problem] = []
    update: dict[str, object] = {}
    diagnosis = _read_diagnosis(case.diagnosis, kb, warnings, notes)
    if diagnosis != case.diagnosis:
        update["diagnosis"] = diagnosis
    fitness = _read_organs(case.fitness, kb, warnings)
    if fitness != case.fitness:
        update["fitness"] = fitness
    for part, name in (("patient", "country"), ("logistics", "treatment_country")):
        holder = getattr(case, part)
        written = getattr(holder, name)
        if written is None or country_code(written) == written:
            continue
        matches = country_matches(written)
        warnings.append(
            Problem(
                f"{part}.{name}",
                f"'{written}' is not a country Crossroads can read; the country stays unknown.",
                (f"Did you mean {', '.join(matches)}? " if matches else "")
                + "Write its name (China, 中国, Deutschland) or code (CN, US, DE).",
            )
        )
        update[part] = holder.model_copy(update={name: None})
    return (case.model_copy(update=update) if update else case), warnings, notes


def _read_diagnosis(
    diagnosis: Diagnosis, kb: KnowledgeBase, warnings: list[Problem], notes: list[Problem]
) -> Diagnosis:
    if diagnosis.disease is None and diagnosis.subtype is None and not diagnosis.qualifiers:
        return diagnosis
    reading = read_diagnosis(kb, diagnosis.disease, diagnosis.subtype, diagnosis.qualifiers)
    warnings.extend(reading.warnings)
    notes.extend(reading.notes)
    details = [diagnosis.details] if diagnosis.details else []
    details += [d for d in reading.details if d and d not in details]
    return diagnosis.model_copy(
        update={
            "disease": reading.disease,
            "subtype": reading.subtype,
            "qualifiers": reading.qualifiers or None,
            "details": "; ".join(details)[:2000] or None,
        }
    )


def _read_organs(fitness: Fitness, kb: KnowledgeBase, warnings: list[Problem]) -> Fitness:
    if not fitness.organ_dysfunction:
        return fitness
    organs = []
    for i, problem in enumerate(fitness.organ_dysfunction):
        code = organ_code(kb, problem.organ)
        if code is None:
            written = problem.organ + (f": {problem.detail}" if problem.detail else "")
            warnings.append(
                Problem(
                    f"fitness.organ_dysfunction[{i}]",
                    f"'{problem.organ}' is not an organ Crossroads recognises; it is kept as "
                    f"an organ problem of another organ, with '{written}' as its detail.",
                    "Start with heart, lung, kidney, liver or marrow, e.g. 'lung: mild COPD'.",
                )
            )
            problem = OrganProblem(organ="other", detail=written[:500])
        elif code != problem.organ:
            problem = problem.model_copy(update={"organ": code})
        organs.append(problem)
    return fitness.model_copy(update={"organ_dysfunction": organs})


def check_case(
    case: Case, kb: KnowledgeBase, source: str = "", *, strict: bool = True
) -> tuple[Case, list[Problem]]:
    """The case with every name turned into a code, and what to tell the reader about it.

    Strictly, anything not understood (a medicine, disease words, an organ, a country) is refused
    with close matches; leniently it is kept as written, stays unknown, and is a warning. Notes
    on what was read differently from how it was written (FL grade 3B counted with large B-cell
    lymphoma) come back in both modes.
    """
    read, warnings, notes = read_terms(case, kb)
    problems: list[Problem] = list(warnings) if strict else []
    regimens = load_regimens()
    new_lines = []
    for i, line in enumerate(read.lines or []):
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
    if read.lines is not None:
        read = read.model_copy(update={"lines": new_lines})
    unknown = [] if strict else unknown_agents(read, kb) + unknown_regimens(read, kb)
    return read, notes + warnings + unknown


def check_codes(case: Case, kb: KnowledgeBase, source: str = "", *, strict: bool = True) -> Case:
    """Return the case with drug, diagnosis, organ and country names turned into codes; raise
    listing everything not understood (or, with ``strict=False``, keep it as written and unknown;
    :func:`check_case` also returns the warnings to show)."""
    return check_case(case, kb, source, strict=strict)[0]
