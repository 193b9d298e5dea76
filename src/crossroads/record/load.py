"""Reading case files (YAML or JSON) into validated case records.

Every failure becomes a :class:`CaseFileError` naming the field and the fix: syntax errors carry
the line and column, validation errors the dotted field path. Nothing here prints or exits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from crossroads.common.errors import CaseFileError, Problem
from crossroads.common.messages import problem_from_error
from crossroads.common.safeio import load_json, load_yaml_bounded
from crossroads.record.case import Case


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) or () for m in _model_args(arg)]


def fields_at(loc: tuple[str | int, ...], model: type[BaseModel] = Case) -> list[str]:
    """The field names allowed at an error location (for "did you mean" hints)."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        found = _model_args(info.annotation) if info else []
        if not found:
            return []
        model = found[0]
    return [f.alias or n for n, f in model.model_fields.items()]


def parse_text(text: str, source: str, fmt: str = "yaml") -> Any:
    """Parse YAML or JSON text; syntax errors name the line and column.

    Reads within the limits of :mod:`crossroads.common.safeio` (nesting, number size, YAML
    aliases): beyond them an ``InputLimitError`` (exit code 2), never a hang or a crash.
    """
    if not text.strip():
        raise CaseFileError(
            source, [Problem("", "the file is empty.", "Start from `crossroads case new`.")]
        )
    if fmt == "json":
        try:
            return load_json(text, source)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise CaseFileError(
                source, [Problem(where, f"JSON syntax error: {exc.msg}.")]
            ) from None
    try:
        return load_yaml_bounded(text, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "not valid YAML"
        raise CaseFileError(
            source, [Problem(where, f"YAML syntax error: {what}.", "Check indentation and colons.")]
        ) from None
    except yaml.YAMLError as exc:
        raise CaseFileError(source, [Problem("", f"YAML syntax error: {exc}.")]) from None


def case_from_data(data: Any, source: str = "") -> Case:
    """Validate already-parsed data as a case record."""
    if not isinstance(data, dict):
        raise CaseFileError(
            source,
            [Problem("", "a case file must be a set of fields (`schema:`, `diagnosis:`, ...).")],
        )
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        problems = [problem_from_error(dict(e), fields_at(tuple(e["loc"]))) for e in exc.errors()]
        raise CaseFileError(source, problems) from None


def load_case(path: str | Path) -> Case:
    """Read and validate one case file; ``.json`` is read as JSON, anything else as YAML."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise CaseFileError(
            str(path), [Problem("", f"cannot read the file ({exc.strerror}).")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaseFileError(
            str(path), [Problem("", "the file is not UTF-8 text.", "Save it as UTF-8.")]
        ) from None
    fmt = "json" if file.suffix.lower() == ".json" else "yaml"
    return case_from_data(parse_text(text, str(path), fmt), str(path))
