"""Writing one top-level section of a case file back, without losing anything else.

Why not dump the whole record: a YAML case file carries the person's comments, order and layout.
Only the named section is replaced (or appended when absent); everything else stays byte for
byte. The new text is checked before anything is written: it must load as a valid case, with
every other field unchanged. Then the old file is copied to ``CASE.bak`` and the new one moves
into place from a temporary file in the same folder (an atomic rename), so a crash leaves either
the old file or the new one, never half of each.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from crossroads.common.errors import CaseFileError, Problem, UserError
from crossroads.record.load import case_from_data, parse_text

_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w\-]*)\s*:", re.MULTILINE)
# Blank lines and column-0 comments at the end of a section belong to what follows it.
_TRAILING_COMMENTS = re.compile(r"(?:(?<=\n)(?:#[^\n]*)?\n)+\Z")


def _yaml_block(key: str, value: Any) -> str:
    return yaml.safe_dump(
        {key: value}, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000
    )


def replace_yaml_section(text: str, key: str, value: Any) -> str:
    """The YAML text with the top-level ``key`` section replaced, or appended when absent."""
    block = _yaml_block(key, value)
    starts = [m for m in _TOP_KEY.finditer(text)]
    for i, match in enumerate(starts):
        if match.group("key") != key:
            continue
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        old = text[match.start() : end]
        keep = _TRAILING_COMMENTS.search(old)
        return text[: match.start()] + block + (keep.group(0) if keep else "") + text[end:]
    if text and not text.endswith("\n"):
        text += "\n"
    return text + block


def write_section(path: Path, key: str, value: Any) -> Path:
    """Set one top-level section of a case file; returns the backup path (``CASE.bak``)."""
    return write_sections(path, {key: value})


def _without_keys(data: Any, keys: set[str]) -> Any:
    return {k: v for k, v in data.items() if k not in keys} if isinstance(data, dict) else data


def write_sections(path: Path, sections: dict[str, Any]) -> Path:
    """Set several top-level sections at once (one check, one backup, one atomic write)."""
    source = str(path)
    text = path.read_text(encoding="utf-8-sig")
    is_json = path.suffix.lower() == ".json"
    before = parse_text(text, source, "json" if is_json else "yaml")
    if is_json:
        data = dict(before)
        data.update(sections)
        new_text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        new_text = text
        for key, value in sections.items():
            new_text = replace_yaml_section(new_text, key, value)
    after = parse_text(new_text, source, "json" if is_json else "yaml")
    case_from_data(after, source)  # the result must still be a valid case
    keys = set(sections)
    if _without_keys(after, keys) != _without_keys(before, keys):
        raise CaseFileError(
            source,
            [
                Problem(
                    ", ".join(sorted(keys)),
                    "could not be rewritten without touching other fields; nothing was written.",
                    "Edit the file by hand, or save it as JSON and try again.",
                )
            ],
        )
    backup = path.with_name(path.name + ".bak")
    try:
        shutil.copy2(path, backup)
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(new_text)
                out.flush()
                os.fsync(out.fileno())
            shutil.copymode(path, tmp)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(
            f"{path}: cannot write the file ({exc.strerror}); nothing was changed."
        ) from None
    return backup


__all__ = ["replace_yaml_section", "write_section", "write_sections"]
