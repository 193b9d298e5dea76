"""How far each of the six steps has got: the one completeness definition every page uses.

Completeness is the step's own questions answered over the questions it asks, where "I don't
know" counts as an answer (issue 13: "Step 2 100% · 0 of 1" and "56% · 14 of 14" came from
mixing this count with a different score). The percentage is that fraction, rounded down, and
never 0 once something is answered: so 100% means every question has an answer, and the count
shown beside it always agrees. The core's readiness check (``crossroads.steps.readiness``) still
lists the facts that are missing, shown as "still needed", but it no longer sets the percentage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from cases import results
from cases.journey import Step, build_steps
from cases.models import CaseRecord
from cases.stepform import get_path
from crossroads.common.progress import completeness


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
        return self.answered >= self.total


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
        gaps = [g["text"] for g in core["gaps"]] if core is not None else []
        out.append(
            StepProgress(
                spec.number,
                spec.title,
                reverse("cases:step", kwargs={"case_id": case.pk, "number": spec.number}),
                done,
                total,
                completeness(done, total),
                gaps,
            )
        )
    return out
