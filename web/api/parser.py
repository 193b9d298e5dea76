"""The API's JSON reader: strict JSON, text that every database can store.

Python's reader accepts ``NaN`` and ``Infinity`` (not JSON, and not storable as JSON), and
``\\ud800``-style escapes that make half a character (which no UTF-8 database can store). A body
with either, or with a NUL character (PostgreSQL refuses it), is refused as unreadable (400)
rather than failing later.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from django.http import HttpRequest
from ninja.parser import Parser


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _check_text(value: Any, depth: int = 0) -> None:
    if depth > 64:
        raise ValueError("the JSON is nested too deeply")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        value.encode("utf-8")  # raises on half characters (lone surrogates)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, depth + 1)
            _check_text(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_text(item, depth + 1)


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body, parse_constant=_no_constant)
        _check_text(data)
        return data  # type: ignore[no-any-return]
