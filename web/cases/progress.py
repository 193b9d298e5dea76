"""How far each of the six steps has got: the progress view.

When the core can score completeness (``crossroads.steps.readiness``), its score and its list of
gaps are shown; the page also counts the step's own questions that have an answer or an
"I don't know", so a person sees that their work was kept even when facts are still missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from cases import results
from cases.journey import Step, build_steps
from cases.models import CaseRecord
from cases.stepform import get_path


@dataclass
class StepProgress:
    number: int
    title: Any
    url: str
    answered: int
    total: int
    percent: int
    gaps: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.percent >= 100


def answered(step: Step, data: dict[str, Any], dont_know: set[str]) -> tuple[int, int]:
    """Questions of a step with an answer or an "I don't know" mark, and how many there are."""
    done = total = 0
    for f in step.fields():
        total += 1
        done += get_path(data, f.path) is not None or f.path in dont_know
    for group in step.groups():
        total += 1
        items = get_path(data, group.path)
        done += items is not None or group.path in dont_know
        for index, _item in enumerate(items or []):
            for f in group.fields:
                key = f"{group.path}.{index}.{f.path}"
                total += 1
                done += get_path(data, key) is not None or key in dont_know
    return done, total


def progress(case: CaseRecord, lang: str) -> list[StepProgress]:
    steps = build_steps(results.kb(), lang)
    dont_know = set(case.web.get("dont_know", []))
    scored = results.readiness(case, lang)
    by_step = {s["step"]: s for s in (scored or {}).get("steps", [])}
    out = []
    for spec in steps:
        done, total = answered(spec, case.data, dont_know)
        core = by_step.get(spec.number)
        if core is not None:
            percent = int(core["percent"])
            gaps = [g["text"] for g in core["gaps"]]
        else:
            percent = round(100 * done / total) if total else 100
            gaps = []
        out.append(
            StepProgress(
                spec.number,
                spec.title,
                reverse("cases:step", kwargs={"case_id": case.pk, "number": spec.number}),
                done,
                total,
                percent,
                gaps,
            )
        )
    return out
