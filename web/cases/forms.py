"""Small forms around the case (the step pages use :mod:`cases.stepform`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cases.stepform import FieldError, clean_date, clean_text

OWNERS = (
    ("", _("anyone")),
    ("patient", _("patient")),
    ("caregiver", _("caregiver")),
    ("coordinator", _("care coordinator")),
    ("treating_team", _("treating team")),
)


class PlainTextField(forms.CharField):
    """Text without markup or control characters, with the same messages as the step pages."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            cleaned = clean_text(text, self.max_length or 10_000, multiline=self.multiline)
        except FieldError as exc:
            raise forms.ValidationError(str(exc)) from None
        return cleaned or ""


class PartialDateField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        try:
            return clean_date(text or "") or ""
        except FieldError as exc:
            raise forms.ValidationError(str(exc)) from None


class NewCaseForm(forms.Form):
    title = PlainTextField(
        label=_("A name for this case"),
        max_length=100,
        initial=_("My case"),
        help_text=_("Only you and the people you invite see it."),
    )


class InviteForm(forms.Form):
    label = PlainTextField(
        label=_("Who is this invitation for?"),
        max_length=100,
        required=False,
        help_text=_("For example: my daughter. Only you see this."),
    )


class TaskForm(forms.Form):
    title = PlainTextField(label=_("Task"), max_length=300)
    owner = forms.ChoiceField(label=_("Who does it"), choices=OWNERS, required=False)
    due = PartialDateField(
        label=_("By when"),
        required=False,
        max_length=10,
        help_text=_("Year, year-month or full date: 2024, 2024-08 or 2024-08-15."),
    )


class AssignForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=User.objects.filter(role=Role.COORDINATOR, is_active=True),
        required=False,
        empty_label=_("nobody"),
    )
