"""Plain-language validation messages, in English and Simplified Chinese, from one table.

The CLI and the JSON API both turn Pydantic errors into these sentences, so a person sees the same
words wherever they typed the value.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from crossroads.common.errors import Problem

Lang = str

# Pydantic error type -> (English, Chinese). Placeholders come from the error's ``ctx``.
_TABLE: dict[str, tuple[str, str]] = {
    "missing": ("is required.", "必须填写。"),
    "extra_forbidden": ("is not a field of the case format.", "不是病例格式中的字段。"),
    "bool_type": ("must be true or false.", "必须是 true 或 false。"),
    "bool_parsing": ("must be true or false.", "必须是 true 或 false。"),
    "int_type": ("must be a whole number.", "必须是整数。"),
    "int_parsing": ("must be a whole number.", "必须是整数。"),
    "int_from_float": ("must be a whole number.", "必须是整数。"),
    "string_type": ("must be text.", "必须是文字。"),
    "list_type": ("must be a list (one item per line, each starting with '- ').", "必须是列表。"),
    "dict_type": ("must be a group of fields.", "必须是一组字段。"),
    "model_type": ("must be a group of fields.", "必须是一组字段。"),
    "literal_error": ("must be one of: {expected}.", "必须是以下之一：{expected}。"),
    "enum": ("must be one of: {expected}.", "必须是以下之一：{expected}。"),
    "greater_than_equal": ("must be {ge} or more.", "必须大于或等于 {ge}。"),
    "less_than_equal": ("must be {le} or less.", "必须小于或等于 {le}。"),
    "greater_than": ("must be more than {gt}.", "必须大于 {gt}。"),
    "less_than": ("must be less than {lt}.", "必须小于 {lt}。"),
    "string_too_short": ("is too short (at least {min_length}).", "太短（至少 {min_length}）。"),
    "string_too_long": (
        "is too long (at most {max_length} characters).",
        "太长（最多 {max_length} 个字符）。",
    ),
    "value_error": ("{error}", "{error}"),
}

_FALLBACK = ("is not valid.", "无效。")


def location(loc: Sequence[str | int]) -> str:
    """Turn ``('lines', 0, 'start')`` into ``lines[0].start``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    matches = close_matches(word, choices)
    return f"Did you mean {', '.join(repr(m) for m in matches)}?" if matches else ""


def problem_from_error(
    error: dict[str, Any], field_names: Iterable[str] = (), lang: Lang = "en"
) -> Problem:
    """One Pydantic error as a Problem with a plain message and, where possible, a fix."""
    kind = str(error.get("type", ""))
    loc = tuple(p for p in error.get("loc", ()) if not str(p).startswith("function-"))
    ctx = dict(error.get("ctx") or {})
    if "error" in ctx:
        ctx["error"] = str(ctx["error"]).removeprefix("Value error, ")
    for key in ("ge", "le", "gt", "lt"):  # a bound of a decimal field: 100, not 100.0
        if isinstance(ctx.get(key), float) and ctx[key].is_integer():
            ctx[key] = int(ctx[key])
    template = _TABLE.get(kind, _FALLBACK)[1 if lang == "zh-Hans" else 0]
    try:
        message = template.format(**ctx)
    except (KeyError, IndexError):
        message = _TABLE.get("value_error", _FALLBACK)[0] if kind == "value_error" else template
    hint = ""
    if kind == "extra_forbidden" and loc:
        hint = did_you_mean(str(loc[-1]), field_names)
    if kind in {"literal_error", "enum"} and "input" in error:
        hint = f"You wrote {error['input']!r}."
    return Problem(location(loc), message, hint)
