"""The bounded readers: what they refuse, with which sentence, and what they still read."""

from __future__ import annotations

import json
import time

import pytest
import yaml

from crossroads.common.errors import InputLimitError
from crossroads.common.safeio import check_tree, load_json, load_yaml_bounded

pytestmark = pytest.mark.unit

TOO_DEEP = (
    "case.json: the data is nested more than 64 levels deep. Crossroads reads records with far "
    "fewer levels; check that the file is the record you meant to send."
)
# A "billion laughs": 9 levels of 9 aliases each, under 650 bytes, 387,420,489 values expanded.
BOMB = "extensions:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  {new}: &{new} [{', '.join([f'*{old}'] * 9)}]\n"
    for old, new in zip("abcdefgh", "bcdefghi", strict=True)
)


def _refused(call: object) -> InputLimitError:
    with pytest.raises(InputLimitError) as caught:
        call()  # type: ignore[operator]
    return caught.value


def test_json_within_the_limits_reads_as_json_does() -> None:
    text = json.dumps({"a": [[[1, 2.5, "x"]]] * 3, "n": 10**63, "deep": [[[[[[[]]]]]]]})
    assert load_json(text) == json.loads(text)


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_json_nested_too_deep_is_refused(depth: int) -> None:
    error = _refused(lambda: load_json("[" * depth + "]" * depth, "case.json"))
    assert (str(error), error.kind, error.code, error.exit_code) == (
        TOO_DEEP,
        "depth",
        "input-limit",
        2,
    )


def test_json_nested_exactly_at_the_limit_is_read() -> None:
    assert load_json("[" * 64 + "]" * 64) == json.loads("[" * 64 + "]" * 64)


@pytest.mark.parametrize(("digits", "sign"), [(65, ""), (4300, "-"), (4301, "")])
def test_json_number_with_too_many_digits_is_refused(digits: int, sign: str) -> None:
    error = _refused(lambda: load_json(f'{{"n": {sign}{"9" * digits}}}', "case.json"))
    assert (str(error), error.kind) == (
        f"case.json: a number has {digits:,} digits; numbers may have at most 64 digits. "
        "Remove the number or write it as text in quotes.",
        "number",
    )


def test_json_half_character_is_refused_even_as_a_key() -> None:
    error = _refused(lambda: load_json('{"\\udc00": 1}'))
    assert (str(error), error.kind) == (
        "the text holds half of a character (a lone \\ud800-style escape). Send whole "
        "characters as UTF-8 text.",
        "text",
    )


def test_syntax_errors_are_left_to_the_caller() -> None:
    with pytest.raises(json.JSONDecodeError):
        load_json("{oops")
    with pytest.raises(yaml.YAMLError):
        load_yaml_bounded("a: [1, 2")


def test_check_tree_walks_parsed_data_without_recursion() -> None:
    data: list[object] = []
    for _ in range(5000):
        data = [data]
    assert _refused(lambda: check_tree(data)).kind == "depth"


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    assert len(BOMB.encode()) < 650
    start = time.perf_counter()
    error = _refused(lambda: load_yaml_bounded(BOMB, "case.yaml"))
    assert time.perf_counter() - start < 1.0
    assert (str(error), error.kind) == (
        "case.yaml: the YAML holds more than 100,000 values once its aliases (*name) are "
        "expanded. Write the values out instead of repeating them with anchors and aliases.",
        "aliases",
    )


def test_yaml_with_a_few_aliases_is_still_read() -> None:
    text = "base: &b {x: 1, y: [1, 2]}\none: *b\ntwo: *b\n"
    assert load_yaml_bounded(text) == {
        "base": {"x": 1, "y": [1, 2]},
        "one": {"x": 1, "y": [1, 2]},
        "two": {"x": 1, "y": [1, 2]},
    }


def test_yaml_nested_too_deep_is_refused() -> None:
    error = _refused(lambda: load_yaml_bounded("a: " + "[" * 65 + "]" * 65, "case.yaml"))
    assert str(error) == TOO_DEEP.replace("case.json", "case.yaml")


@pytest.mark.parametrize("value", ["9" * 4301, "!!int '" + "1" * 70 + "'", "0x" + "f" * 70])
def test_yaml_number_with_too_many_digits_is_refused_with_its_line(value: str) -> None:
    error = _refused(lambda: load_yaml_bounded(f"a: 1\nb: {value}\n", "case.yaml"))
    digits = len(value) - (value.startswith("!!int '") * 8)
    assert str(error) == (
        f"case.yaml: a number has {digits:,} digits (line 2); numbers may have at most 64 "
        "digits. Remove the number or write it as text in quotes."
    )


def test_yaml_long_text_that_is_not_a_number_is_read() -> None:
    assert load_yaml_bounded(f"a: '{'9' * 5000}'\nb: {'x' * 5000}\n") == {
        "a": "9" * 5000,
        "b": "x" * 5000,
    }


# -- keys given twice (issue 12: refuse what would lose data silently) ------------------------
def test_json_key_given_twice_is_refused_naming_it() -> None:
    with pytest.raises(InputLimitError) as raised:
        load_json('{"patient": {"sex": "male", "sex": "female"}}', "case.json")
    assert (raised.value.kind, str(raised.value)) == (
        "duplicate",
        "case.json: the key 'sex' appears twice in one object; the second would silently "
        "replace the first. Keep one of them, with everything both held.",
    )


def test_yaml_key_given_twice_is_refused_with_its_line() -> None:
    text = "patient:\n  age_years: 50\n  sex: male\n  age_years: 60\n"
    with pytest.raises(InputLimitError) as raised:
        load_yaml_bounded(text, "case.yaml")
    assert (raised.value.kind, str(raised.value)) == (
        "duplicate",
        "case.yaml: the key 'age_years' appears twice in one object (line 4); the second would "
        "silently replace the first. Keep one of them, with everything both held.",
    )


def test_the_same_key_in_different_objects_and_as_a_value_is_fine() -> None:
    text = (
        "lines:\n"
        "  - {regimen: R-CHOP, start: 2024-01}\n"
        "  - {regimen: R-ICE, start: 2024-09}\n"
        "patient: {sex: male, name: sex}\n"
        "notes: regimen\n"
    )
    assert load_yaml_bounded(text)["lines"][1] == {"regimen": "R-ICE", "start": "2024-09"}
    assert load_json('[{"a": 1}, {"a": 2}, {"b": "a"}]') == [{"a": 1}, {"a": 2}, {"b": "a"}]
