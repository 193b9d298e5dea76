"""The ``<id:...>`` path converter: record numbers in URLs, bounded.

Django's ``<int:...>`` takes any run of digits, so ``/cases/9223372036854775808/`` reached the
view with a number no database column can hold, and logging the refusal failed with an
``OverflowError`` (a 500, and no audit event). ``<id:...>`` takes the same digits but turns a
number beyond ``MAX_ID`` into 0, which is never a record's number (they start at 1): the view
refuses it as it refuses any unknown record, with the usual 404 and the usual audit event, and
the audit holds a number it can store. Importing this module registers the converter (once).
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**53  # the API's bound too: any JSON reader can hold it exactly
_MAX_DIGITS = len(str(MAX_ID))


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        """The number, or 0 (no record) when it is beyond ``MAX_ID``; never an error."""
        if len(value) > _MAX_DIGITS or int(value) > MAX_ID:
            return 0
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
