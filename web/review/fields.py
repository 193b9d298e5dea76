"""The fields of a review request and of a reviewer's answer: one set of rules for pages and API.

Each function takes what a person typed and returns the clean value, or raises
:class:`~cases.stepform.FieldError` with the plain message to show next to the field. The page
forms and the API's request schemas both call these, so a value refused on a page is refused by
the API with the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from accounts.models import Role, User
from cases.stepform import FieldError, clean_text

QUESTION_MAX = 2000
ANSWER_MAX = 5000
NOTE_MAX = 2000
CONSENSUS_MAX = 3000
MAX_REVIEWERS = 10


def optional_text(raw: str | None, max_length: int) -> str:
    return clean_text(raw or "", max_length, multiline=True) or ""


def due_date(value: dt.date | None, today: dt.date) -> dt.date | None:
    """A due date may be today or later; a date already past is a typing slip."""
    if value is not None and value < today:
        raise FieldError(_("This date has passed. Choose today or a later day."))
    return value


def reviewers(ids: Iterable[int]) -> list[User]:
    """One to ten different, active reviewer accounts, in the order given."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise FieldError(_("Choose at least one reviewer."))
    if len(wanted) > MAX_REVIEWERS:
        raise FieldError(
            _("Choose at most %(max)d reviewers.") % {"max": MAX_REVIEWERS},
        )
    found = {
        u.pk: u for u in User.objects.filter(pk__in=wanted, role=Role.REVIEWER, is_active=True)
    }
    if len(found) != len(wanted):
        raise FieldError(_("Choose reviewers from the list."))
    return [found[i] for i in wanted]
