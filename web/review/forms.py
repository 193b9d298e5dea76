"""The review pages' forms: a request, a reviewer's answer, and the shared view.

Each field runs the same rule as the API (:mod:`review.fields`), so both refuse the same values
with the same words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cases.forms import PlainTextField
from cases.stepform import FieldError
from review import fields
from review.models import Opinion


class ReviewRequestForm(forms.Form):
    """A review request: the reviewers, the person's one specific question, and a due date."""

    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.filter(role=Role.REVIEWER, is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each reviewer answers on their own; one of them records the shared view."),
    )
    question = PlainTextField(
        label=_("The question for the reviewers"),
        max_length=fields.QUESTION_MAX,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One specific question. Names and other identifying details are removed."),
    )
    due_date = forms.DateField(
        label=_("Answer wanted by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A full date, for example 2026-12-15."),
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_due_date(self) -> dt.date | None:
        due: dt.date | None = _field(
            lambda: fields.due_date(self.cleaned_data["due_date"], self.today)
        )
        return due

    def clean_reviewers(self) -> list[User]:
        chosen = self.cleaned_data["reviewers"]
        found: list[User] = _field(lambda: fields.reviewers(u.pk for u in chosen))
        return found


class AnswerForm(forms.Form):
    """A reviewer's answer: their view of the classification, their answer, and what follows."""

    view = forms.ChoiceField(
        label=_("How Crossroads sorted CAR-T for this case"),
        choices=Opinion.choices,
        widget=forms.RadioSelect,
    )
    answer = PlainTextField(
        label=_("Your answer to the question"),
        max_length=fields.ANSWER_MAX,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    conditions = PlainTextField(
        label=_("Conditions"),
        max_length=fields.NOTE_MAX,
        multiline=True,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What must be true for your answer to hold, for example: once the infection is treated."
        ),
    )
    check_next = PlainTextField(
        label=_("What to check next"),
        max_length=fields.NOTE_MAX,
        multiline=True,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = PlainTextField(
        label=_("Anything else"),
        max_length=fields.ANSWER_MAX,
        multiline=True,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConsensusForm(forms.Form):
    """The reviewers' shared view, written for the patient and their family."""

    consensus_view = forms.ChoiceField(
        label=_("The reviewers' shared view of how Crossroads sorted CAR-T"),
        choices=Opinion.choices,
        widget=forms.RadioSelect,
    )
    consensus_text = PlainTextField(
        label=_("The shared view, in plain words for the patient"),
        max_length=fields.CONSENSUS_MAX,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Short sentences and common words. It is shown with the reviewers' names."),
    )


def _field(clean: Any) -> Any:
    """Run one of the shared field rules, turning its message into a form error."""
    try:
        return clean()
    except FieldError as exc:
        raise forms.ValidationError(str(exc)) from None
