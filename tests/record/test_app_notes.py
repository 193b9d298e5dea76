"""An application's own notes in a record's extensions: found, and removed leaving the rest."""

from __future__ import annotations

import pytest

from crossroads.record.app_notes import internal_notes_in, without_internal_notes

pytestmark = pytest.mark.unit


def test_without_internal_notes_keeps_other_tools_extensions() -> None:
    data = {"schema": "s", "extensions": {"crossroads_web": {"dont_know": 5}, "tool": [1]}}
    assert (internal_notes_in(data), without_internal_notes(data), data["extensions"]) == (
        ["crossroads_web"],
        {"schema": "s", "extensions": {"tool": [1]}},
        {"crossroads_web": {"dont_know": 5}, "tool": [1]},  # the input is not changed
    )


def test_without_internal_notes_drops_extensions_left_empty() -> None:
    data = {"schema": "s", "extensions": {"crossroads_web": {}}}
    assert without_internal_notes(data) == {"schema": "s"}


@pytest.mark.parametrize("extensions", [None, 5, "crossroads_web", ["crossroads_web"]])
def test_internal_notes_in_ignores_extensions_that_are_not_a_mapping(extensions: object) -> None:
    data = {"schema": "s", "extensions": extensions}
    assert (internal_notes_in(data), without_internal_notes(data)) == ([], data)
