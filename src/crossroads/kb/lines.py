"""Parameters of the line-of-therapy rules (``kb/data/lines.yaml``), cited like every fact.

Why data and not constants: how many days make a regimen, how long a gap ends a line, which
medicines may continue as maintenance, are choices of a published algorithm (Meng et al. 2019 and
2021; IMWG for myeloma), each with its source. :mod:`crossroads.engine.lines` reads them here.
``findings`` checks them for ``crossroads kb check``: every drug and class named must exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb.base import DATA_DIR, KnowledgeBase, read_model
from crossroads.kb.check import Finding, cited_findings, release_findings
from crossroads.kb.loader import cached
from crossroads.kb.models import Cited, Data

LINES_FILE = DATA_DIR / "lines.yaml"


class Header(Data):
    release: str
    as_of: dt.date


class Days(Cited):
    value: int = Field(ge=0, le=3650)


class Switch(Cited):
    value: bool


class NeverDropped(Cited):
    """Dropping medicines from a combination never starts a line: the only reading implemented."""

    value: Literal[False]


class Pairs(Cited):
    pairs: list[tuple[str, str]]


class Agents(Cited):
    agents: list[str]


class Classes(Cited):
    classes: list[str]


class Statuses(Cited):
    statuses: list[str]


class Myeloma(Data):
    diseases: list[str] = Field(min_length=1)
    after_transplant_days: Days
    tandem_days: Days
    substitutions_apply: Switch


class LinesFile(Data):
    header: Header
    regimen_window_days: Days
    gap_days: Days
    substitutions: Pairs
    dropped_agents_start_a_line: NeverDropped
    maintenance: Agents
    not_line_classes: Classes
    steroid_classes: Classes
    conditioning_days: Days
    planned_statuses: Statuses
    myeloma: Myeloma


@dataclass(frozen=True)
class LineRules:
    """The loaded parameters with quick look-ups."""

    data: LinesFile
    substitutes: frozenset[frozenset[str]]
    maintenance_agents: frozenset[str]
    not_line_classes: frozenset[str]
    steroid_classes: frozenset[str]
    planned: frozenset[str]
    myeloma_diseases: frozenset[str]

    @classmethod
    def of(cls, data: LinesFile) -> LineRules:
        return cls(
            data,
            frozenset(frozenset(p) for p in data.substitutions.pairs),
            frozenset(data.maintenance.agents),
            frozenset(data.not_line_classes.classes),
            frozenset(data.steroid_classes.classes),
            frozenset(data.planned_statuses.statuses),
            frozenset(data.myeloma.diseases),
        )

    def substitutes_for(self, agent: str, regimen: Iterable[str]) -> str | None:
        """The regimen agent that ``agent`` may replace without starting a line, if any."""
        for other in sorted(regimen):
            if frozenset((agent, other)) in self.substitutes:
                return other
        return None


def load_line_rules(path: Path | None = None) -> LineRules:
    """Load (once per process and file state) the line-of-therapy parameters."""
    file = path or LINES_FILE
    return cached("lines", [file], lambda: LineRules.of(read_model(file, LinesFile)))


def _cited(data: LinesFile) -> Iterator[tuple[str, Cited]]:
    for name in (
        "regimen_window_days",
        "gap_days",
        "substitutions",
        "dropped_agents_start_a_line",
        "maintenance",
        "not_line_classes",
        "steroid_classes",
        "conditioning_days",
        "planned_statuses",
    ):
        yield f"lines: {name}", getattr(data, name)
    for name in ("after_transplant_days", "tandem_days", "substitutions_apply"):
        yield f"lines: myeloma.{name}", getattr(data.myeloma, name)


def _target_findings(kb: KnowledgeBase, data: LinesFile) -> list[Finding]:
    found: list[Finding] = []
    drugs = [("substitutions", d) for pair in data.substitutions.pairs for d in pair]
    drugs += [("maintenance", d) for d in data.maintenance.agents]
    for where, drug in drugs:
        if drug not in kb.drugs:
            found.append(Finding("error", f"lines: {where}", f"unknown drug code {drug!r}"))
    for where, cls in [("steroid_classes", c) for c in data.steroid_classes.classes]:
        if cls not in kb.drug_classes:
            found.append(Finding("error", f"lines: {where}", f"unknown drug class {cls!r}"))
    for cls in data.not_line_classes.classes:
        if cls not in kb.drug_classes:  # added by the drug tables; until then nothing has it
            found.append(
                Finding("warning", "lines: not_line_classes", f"no drug has class {cls!r} yet")
            )
    for disease in data.myeloma.diseases:
        if disease not in kb.diseases:
            found.append(Finding("error", "lines: myeloma", f"unknown disease code {disease!r}"))
    return found


def findings(
    kb: KnowledgeBase, today: dt.date | None = None, path: Path | None = None
) -> list[Finding]:
    """Every finding about the line-of-therapy parameters, errors first (``kb check``)."""
    today = today or dt.date.today()
    try:
        data = load_line_rules(path).data
    except KnowledgeBaseError as exc:
        return [Finding("error", "lines", str(exc))]
    found: list[Finding] = []
    found += release_findings(kb, "lines: header", data.header.release)
    found += _target_findings(kb, data)
    for where, fact in _cited(data):
        found += cited_findings(where, fact, today)
    return sorted(found, key=lambda f: f.level != "error")
