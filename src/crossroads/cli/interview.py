"""``crossroads case new --ask``: build a case record by answering short questions.

Every question can be left blank, which records *unknown*. Answers are checked as they are typed,
using the same validation as case files, so a typo is caught at the question, not later.
"""

from __future__ import annotations

from typing import Any

import yaml
from rich.console import Console
from rich.prompt import Prompt

from crossroads.common.dates import PartialDate
from crossroads.common.errors import UserError
from crossroads.kb import load_kb
from crossroads.record.case import SCHEMA_ID
from crossroads.record.load import case_from_data

_YES = {"y": True, "yes": True, "n": False, "no": False}


def _ask(console: Console, question: str, check: Any = None) -> Any:
    """Ask until the answer passes ``check`` (which returns the value or raises ValueError)."""
    while True:
        answer = Prompt.ask(
            f"{question} [dim](blank = I don't know)[/dim]", console=console
        ).strip()
        if not answer:
            return None
        if check is None:
            return answer
        try:
            return check(answer)
        except ValueError as exc:
            console.print(f"[red]{exc}[/red]")


def _choice(options: list[str]) -> Any:
    def check(answer: str) -> str:
        if answer not in options:
            raise ValueError(f"Please type one of: {', '.join(options)}")
        return answer

    return check


def _date(answer: str) -> str:
    return str(PartialDate.parse(answer))


def _int(low: int, high: int) -> Any:
    def check(answer: str) -> int:
        if not answer.isdigit() or not low <= int(answer) <= high:
            raise ValueError(f"Please type a whole number from {low} to {high}")
        return int(answer)

    return check


def _yes_no(answer: str) -> bool:
    if answer.lower() not in _YES:
        raise ValueError("Please type yes or no")
    return _YES[answer.lower()]


def interview(console: Console) -> str:
    """Ask the questions and return the case as YAML text (already validated)."""
    kb = load_kb()
    console.print("[bold]New case record.[/bold] Leave anything blank that you do not know.")
    diseases = list(kb.diseases)
    disease = _ask(console, f"Disease ({', '.join(diseases)})", _choice(diseases))
    diagnosis: dict[str, Any] = {"disease": disease}
    if disease and kb.diseases[disease].subtypes:
        subtypes = list(kb.diseases[disease].subtypes)
        diagnosis["subtype"] = _ask(console, f"Subtype ({', '.join(subtypes)})", _choice(subtypes))
    lines: list[dict[str, Any]] = []
    count = _ask(console, "How many earlier lines of treatment?", _int(0, 20))
    for number in range(count or 0):
        console.print(f"[bold]Line {number + 1}[/bold]")
        agents = _ask(console, "Medicines, separated by commas (e.g. rituximab, bendamustine)")

        def _known(answer: str) -> list[str]:
            names = [a.strip() for a in answer.split(",") if a.strip()]
            unknown = [n for n in names if kb.resolve_drug(n) is None]
            if unknown:
                raise ValueError(f"Not known: {', '.join(unknown)}. Use generic names.")
            return names

        line = {
            "agents": _known(agents) if agents else None,
            "start": _ask(console, "Started (YYYY or YYYY-MM)", _date),
            "end": _ask(console, "Ended (YYYY or YYYY-MM)", _date),
            "best_response": _ask(
                console, "Best response (CR, PR, SD, PD)", _choice(["CR", "PR", "SD", "PD"])
            ),
            "progression": _ask(console, "When did the disease come back or grow after it?", _date),
        }
        lines.append({k: v for k, v in line.items() if v is not None})
    data: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "patient": {"age_years": _ask(console, "Age in years", _int(0, 120))},
        "diagnosis": diagnosis,
        "lines": lines if count is not None else None,
        "disease_status": {
            "state": _ask(
                console,
                "Where does the disease stand now (relapsed, refractory, remission, progressing)?",
                _choice(["relapsed", "refractory", "remission", "progressing"]),
            )
        },
        "transplant_eligible": _ask(
            console, "Does the team think a transplant is possible? (yes/no)", _yes_no
        ),
        "fitness": {"ecog": _ask(console, "ECOG performance status (0-4)", _int(0, 4))},
    }
    cleaned = _drop_unknown(data)
    try:
        case_from_data(cleaned, "answers")
    except UserError as exc:  # pragma: no cover - every answer was checked above
        raise UserError(f"The answers do not make a valid case: {exc}") from None
    return yaml.safe_dump(cleaned, allow_unicode=True, sort_keys=False)


def _drop_unknown(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _drop_unknown(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {}}
    if isinstance(value, list):
        return [_drop_unknown(v) for v in value]
    return value
