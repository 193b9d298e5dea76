"""What a person typed on a step page and has not saved yet (issue 13: nothing typed is lost).

A draft is not the case record: it is the form exactly as typed, right or wrong, one per person,
case and step. The step page puts it back when the person returns, and it is deleted when they
save the step. It never reaches the core, the report or anyone else's screen.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.utils import timezone

from cases.models import CaseRecord


class StepDraft(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_drafts"
    )
    case = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="step_drafts")
    step = models.PositiveSmallIntegerField()
    # The form's fields as [name, value] pairs, in page order (a name can repeat: checkboxes).
    fields = models.JSONField(default=list)
    # The case version the typing started from: saving it later is checked against this, so a
    # draft never silently overwrites what someone else saved in between.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(fields=("user", "case", "step"), name="one_draft_per_step"),
        )

    def __str__(self) -> str:
        return f"draft of step {self.step} of case {self.case_id} by user {self.user_id}"

    def as_form_data(self) -> QueryDict:
        """The draft as the POST data of the step form, with the version it started from."""
        data = QueryDict(mutable=True)
        for name, value in self.pairs():
            data.appendlist(name, value)
        data["version"] = str(self.version)
        return data

    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for item in self.fields if isinstance(self.fields, list) else []:
            if isinstance(item, list | tuple) and len(item) == 2:
                name, value = item
                if isinstance(name, str) and isinstance(value, str):
                    out.append((name, value))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "version": self.version, "saved_at": self.updated_at.isoformat()}
