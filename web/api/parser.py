"""The API's JSON reader: strict JSON, text that every database can store.

Python's reader accepts ``NaN`` and ``Infinity`` (not JSON, and not storable as JSON), and
``\\ud800``-style escapes that make half a character (which no UTF-8 database can store). A body
with either, or with a NUL character (PostgreSQL refuses it), is refused as unreadable (400)
rather than failing later. The core's bounded reader (:mod:`crossroads.common.safeio`) keeps
nesting, number size and half characters within its limits; its ``InputLimitError`` reaches the
error handler (api/errors.py), which answers 400 with its sentence.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.http import HttpRequest
from ninja.parser import Parser

from crossroads.common.safeio import load_json


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _check_text(value: Any) -> None:
    """No NUL characters; depth and half characters are checked by ``load_json`` already."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text may not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = load_json(request.body, parse_constant=_no_constant)
        _check_text(data)
        return data  # type: ignore[no-any-return]
