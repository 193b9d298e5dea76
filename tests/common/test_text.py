"""Characters no text in a case record may hold, and the case model refusing them by field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crossroads.common.text import forbidden_character, problem_in
from crossroads.record.case import Case

pytestmark = pytest.mark.unit

REFUSED = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
REFUSED += ["\x00", "\x07", "\x0b", "\x1b", "\r", "\x7f", "\x85", "\x9f"]
REFUSED += ["\u200b", "\u200e", "\u200f", "\u061c", "\u2060", "\ufeff"]


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_forbidden_character_names_each_refused_character(char: str) -> None:
    assert forbidden_character(f"Ann{char}Eve") == f"U+{ord(char):04X}"


@pytest.mark.parametrize(
    "text",
    ["Ann Eve", "line one\nline two\ttab", "Windows\r\nline", "陈女士", "e\u0301", "a\u200db"],
)
def test_forbidden_character_allows_ordinary_text(text: str) -> None:
    assert forbidden_character(text) is None


def test_problem_in_walks_mappings_lists_and_keys() -> None:
    assert (
        problem_in({"a": [{"b": "ok"}, {"c": "x\u202ey"}]}),
        problem_in({"k\u2066": 1}),
        problem_in([1, None, "fine"]),
    ) == (("a.1.c", "U+202E"), ("k\u2066", "U+2066"), None)


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"patient": {"name": "Ann\u202eEve"}}, ("patient", "name")),
        ({"lines": [{"regimen": "R-\u200bCHOP"}]}, ("lines", 0, "regimen")),
        ({"review": {"specific_question": "Is\x1b[2J it?"}}, ("review", "specific_question")),
        ({"extensions": {"tool": {"note": "x\u2067"}}}, ("extensions",)),
    ],
)
def test_case_refuses_hidden_characters_naming_the_field(
    data: dict[str, object], loc: tuple[object, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        Case.model_validate({"schema": "crossroads.case/v1", **data})
    (error,) = caught.value.errors()
    assert (error["loc"], "invisible character U+" in error["msg"]) == (loc, True)
