"""Writing accepted proposals into a case record, with their provenance.

Why a separate step: a proposal is only a reading of a document; it enters the record only when a
person accepts it (the command line asks per value, or takes ``--accept``; the web app will show
each beside its highlighted source). This module takes the case data and the accepted proposals
and returns the new case data; the caller validates and writes it. Values for a list entry (a
treatment line, a transplant, a CAR-T) go to the entry that matches (the same regimen, type or
target) or to a new one; new treatment lines are put in order of their start dates.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crossroads.kb.regimens import normalise_regimen
from crossroads.records.extract import Proposal, Value

# list field -> (key inside an entry that names it, how two names are compared)
_LISTS: dict[str, str] = {
    "lines": "regimen",
    "transplants": "type",
    "prior_cellular_therapy": "target",
}


@dataclass(frozen=True)
class Conflict:
    """Two accepted proposals that give one path different values: neither is written."""

    path: str
    values: tuple[tuple[Value, str], ...]  # (value, where it was read)


def _same(list_name: str, a: Any, b: Any) -> bool:
    if list_name == "lines":
        return normalise_regimen(str(a)) == normalise_regimen(str(b))
    return str(a).lower() == str(b).lower()


def conflicts(proposals: Sequence[Proposal]) -> list[Conflict]:
    """Paths that the given proposals fill with different values (from different documents or
    places), so the person can choose between them side by side."""
    by_path: dict[str, dict[str, str]] = {}
    for p in proposals:
        where = f"{p.provenance.name} p.{p.provenance.page}"
        by_path.setdefault(p.path, {}).setdefault(repr(p.value), where)
    found: list[Conflict] = []
    for path, values in by_path.items():
        if len(values) > 1:
            chosen = tuple(
                (next(q.value for q in proposals if q.path == path and repr(q.value) == v), w)
                for v, w in values.items()
            )
            found.append(Conflict(path, chosen))
    return found


def apply(
    data: dict[str, Any], accepted: Sequence[Proposal], today: dt.date | None = None
) -> dict[str, Any]:
    """The case data with the accepted values set and a provenance entry for each.

    Conflicting values for one path must be settled before (see :func:`conflicts`); given
    several, the last wins. Nothing is validated here: the caller loads the result as a case.
    """
    out = copy.deepcopy(data)
    sources: list[tuple[Proposal, str]] = []
    for p in accepted:
        head, _, tail = p.field.partition(".")
        if p.entry is not None and head in _LISTS:
            entries = out.setdefault(head, None) or []
            out[head] = entries
            key = _LISTS[head]
            index = next(
                (i for i, e in enumerate(entries) if _same(head, e.get(key), p.entry)), None
            )
            if index is None:
                entries.append({key: p.entry})
                index = len(entries) - 1
            entries[index][tail] = p.value
            sources.append((p, f"{head}[{index}].{tail}"))
            continue
        node = out
        parts = p.field.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = p.value
        sources.append((p, p.field))
    provenance = list(out.get("provenance") or [])
    if out.get("lines"):
        out["lines"], moved = _ordered(out["lines"])
        sources = [(p, _renumber(path, moved)) for p, path in sources]
        for source in provenance:
            if isinstance(source, dict) and isinstance(source.get("field"), str):
                source["field"] = _renumber(source["field"], moved)
    stamp = (today or dt.date.today()).isoformat()
    for p, path in sources:
        provenance = [s for s in provenance if s.get("field") != path]
        source = p.provenance
        entry: dict[str, Any] = {
            "field": path,
            "value": p.value,
            "document": source.name,
            "document_id": source.document,
            "page": source.page,
            "start": source.start,
            "end": source.end,
            "text": source.text[:500],
            "method": "ocr" if source.box is not None else "text",
            "confidence": p.confidence,
            "accepted": stamp,
        }
        if source.box is not None:
            box = source.box
            entry["box"] = [box.left, box.top, box.right, box.bottom]
        provenance.append(entry)
    if provenance:
        out["provenance"] = provenance
    return out


def _ordered(lines: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """Lines oldest first when every line has a start date (else as they are), and the move of
    each old index to its new one."""
    if not all(isinstance(line.get("start"), str) for line in lines):
        return lines, {i: i for i in range(len(lines))}
    order = sorted(range(len(lines)), key=lambda i: (lines[i]["start"], i))
    return [lines[i] for i in order], {old: new for new, old in enumerate(order)}


def _renumber(path: str, moved: dict[int, int]) -> str:
    if not path.startswith("lines["):
        return path
    index, rest = path[len("lines[") :].split("]", 1)
    if not index.isdigit() or int(index) not in moved:
        return path
    return f"lines[{moved[int(index)]}]{rest}"


__all__ = ["Conflict", "apply", "conflicts"]
