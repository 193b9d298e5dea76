"""Bounded JSON and YAML readers for text that comes from outside (files, requests, pastes).

Why: Python's readers trust their input. JSON nested 100,000 deep ends in a ``RecursionError``
(a crash, or a 500 in the web app); a 4,301-digit number ends in a ``ValueError``; a 649-byte
YAML "alias bomb" (anchors that repeat anchors) is read quickly but expands to billions of values
the moment anything walks it, so a command hangs or runs out of memory. Every reader of outside
text goes through here and is refused with an :class:`InputLimitError` that names the limit and
the fix, before any of that can happen. Syntax errors are left to the caller, which already
words them with their line and column.

The limits are far above what a case record, a FHIR Bundle or a CDS Hooks call ever needs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from crossroads.common.errors import InputLimitError
from crossroads.common.yamlio import Loader, load_yaml

MAX_DEPTH = 64  # levels of lists and objects; a FHIR Bundle needs about 12
MAX_INT_DIGITS = 64  # digits in one whole number; identifiers and counts need 20 at most
MAX_YAML_VALUES = 100_000  # values a YAML text may hold once its aliases are expanded

_INT_TAG = "tag:yaml.org,2002:int"
_INT_LIKE = re.compile(r"[-+]?(?:0[bxo])?[0-9a-fA-F_:]+")


def _too_deep() -> str:
    return (
        f"the data is nested more than {MAX_DEPTH} levels deep. Crossroads reads records with "
        "far fewer levels; check that the file is the record you meant to send."
    )


def _too_long(digits: int, where: str = "") -> str:
    at = f" ({where})" if where else ""
    return (
        f"a number has {digits:,} digits{at}; numbers may have at most {MAX_INT_DIGITS} digits. "
        "Remove the number or write it as text in quotes."
    )


def _duplicate(key: object, where: str = "") -> str:
    at = f" ({where})" if where else ""
    return (
        f"the key '{str(key)[:80]}' appears twice in one object{at}; the second would silently "
        "replace the first. Keep one of them, with everything both held."
    )


def _unique_keys(source: str) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """A JSON object hook that refuses a key given twice (``json`` keeps the last silently)."""

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in pairs:
            if key in found:
                raise InputLimitError(source, _duplicate(key), "duplicate")
            found[key] = value
        return found

    return build


def _bounded_int(source: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if len(text.lstrip("-")) > MAX_INT_DIGITS:
            raise InputLimitError(source, _too_long(len(text.lstrip("-"))), "number")
        return int(text)

    return parse


def check_tree(data: Any, source: str = "") -> None:
    """Refuse parsed data nested deeper than ``MAX_DEPTH`` or holding half characters.

    Walks without recursion, so the walk itself cannot overflow. A lone surrogate (``\\ud800``
    written as an escape) is half a character: no UTF-8 file, page or database can hold it.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InputLimitError(
                    source,
                    "the text holds half of a character (a lone \\ud800-style escape). Send "
                    "whole characters as UTF-8 text.",
                    "text",
                ) from None
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise InputLimitError(source, _too_deep(), "depth")
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


def load_json(
    text: str | bytes, source: str = "", parse_constant: Callable[[str], Any] | None = None
) -> Any:
    """Parse JSON within the limits; ``json.JSONDecodeError`` on bad syntax, as ``json.loads``.

    ``parse_constant`` is passed on (the web readers use it to refuse ``NaN`` and ``Infinity``).
    """
    try:
        data = json.loads(
            text,
            parse_int=_bounded_int(source),
            parse_constant=parse_constant,
            object_pairs_hook=_unique_keys(source),
        )
    except RecursionError:
        raise InputLimitError(source, _too_deep(), "depth") from None
    check_tree(data, source)
    return data


@dataclass
class _Open:
    """A collection the YAML scan is inside of."""

    values: int = 0  # values so far, aliases counted at the size of what they stand for
    anchor: str | None = None
    keys: set[str] | None = None  # a mapping's keys so far (None for a sequence)
    children: int = 0  # children started; in a mapping, the even ones are keys

    def start_child(self, event: Any, source: str) -> None:
        """Refuse a mapping key given twice (YAML loaders keep the last one without a word)."""
        position, self.children = self.children, self.children + 1
        if self.keys is None or position % 2 or not isinstance(event, yaml.ScalarEvent):
            return
        if event.value in self.keys and event.value != "<<":  # "<<" is YAML's merge key
            where = f"line {event.start_mark.line + 1}" if event.start_mark else ""
            raise InputLimitError(source, _duplicate(event.value, where), "duplicate")
        self.keys.add(event.value)


def _scan_yaml(text: str, source: str) -> None:
    """One pass over the YAML events: depth, long numbers, keys given twice, and the size
    aliases expand to.

    The parser keeps its own stack (no recursion), and each alias adds the size its anchor was
    counted at, so a bomb is measured without ever being expanded.
    """
    sizes: dict[str, int] = {}  # anchor -> values it stands for
    stack = [_Open()]
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.NodeEvent):
            stack[-1].start_child(event, source)
        if isinstance(event, yaml.ScalarEvent):
            plain = event.implicit[0] and event.style in (None, "")
            long = len(event.value) > MAX_INT_DIGITS and _INT_LIKE.fullmatch(event.value)
            if long and (event.tag == _INT_TAG or plain):
                where = f"line {event.start_mark.line + 1}" if event.start_mark else ""
                raise InputLimitError(source, _too_long(len(event.value), where), "number")
            if event.anchor:
                sizes[event.anchor] = 1
            stack[-1].values += 1
        elif isinstance(event, yaml.AliasEvent):
            stack[-1].values += sizes.get(event.anchor or "", 1)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > MAX_DEPTH:
                raise InputLimitError(source, _too_deep(), "depth")
            mapping = isinstance(event, yaml.MappingStartEvent)
            stack.append(_Open(anchor=event.anchor, keys=set() if mapping else None))
        elif isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            if done.anchor:
                sizes[done.anchor] = done.values + 1
            stack[-1].values += done.values + 1
        else:
            continue
        if stack[-1].values > MAX_YAML_VALUES:
            raise InputLimitError(
                source,
                f"the YAML holds more than {MAX_YAML_VALUES:,} values once its aliases (*name) "
                "are expanded. Write the values out instead of repeating them with anchors "
                "and aliases.",
                "aliases",
            )


def load_yaml_bounded(text: str, source: str = "") -> Any:
    """Parse YAML safely within the limits; ``yaml.YAMLError`` on bad syntax, as before."""
    _scan_yaml(text, source)
    return load_yaml(text)
