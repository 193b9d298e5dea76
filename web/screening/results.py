"""Reading a screening results file: check it by its content, then group it into a worklist.

A file is accepted only if it is Parquet (its bytes say so, whatever its name) with the columns
and types ``crossroads screen`` writes, known places and categories, and at least one row. The
counts-only file of ``--aggregate`` is refused with its own message: it names no one, so it
cannot make a worklist.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, cast

import pyarrow as pa
import pyarrow.parquet as pq
from django.utils import translation
from django.utils.translation import gettext as _

from crossroads.kb import KnowledgeBase
from crossroads.kb.models import Jurisdiction
from crossroads.kb.names import product_name
from crossroads.screen.compile import RESULT_COLUMNS

MAX_BYTES = 50 * 1024 * 1024
"""The largest results file taken (about half a million patients in three places)."""
CATEGORIES = frozenset({"established", "cannot_tell", "trial", "not_realistic_now"})
PLACES = ("US", "EU", "CN")
_LIST = pa.list_(pa.string())
TYPES: dict[str, pa.DataType] = {
    "patient_id": pa.string(),
    "jurisdiction": pa.string(),
    "disease": pa.string(),
    "category": pa.string(),
    "on_label": _LIST,
    "missing": _LIST,
}
assert tuple(TYPES) == RESULT_COLUMNS  # the core's results file, column for column
AGGREGATE_COLUMNS = frozenset({"table", "key", "count", "suppressed"})
MAGIC = b"PAR1"


class NotResultsError(ValueError):
    """The file is not a screening results file; the message says why and what to do."""


def gap() -> str:
    """Between two sentences: a space in English, nothing in Chinese."""
    return "" if (translation.get_language() or "en").startswith("zh") else " "


def _same_type(found: pa.DataType, wanted: pa.DataType) -> bool:
    if pa.types.is_list(wanted):
        return pa.types.is_list(found) and found.value_type in (pa.string(), pa.large_string())
    return found in (wanted, pa.large_string())


def read_results(data: bytes) -> pa.Table:
    """The results table of an uploaded file, or :class:`NotResultsError` naming the problem."""
    fix = _("Upload the results file the screening run wrote (a .parquet file).")
    if len(data) < 12 or not (data.startswith(MAGIC) and data.endswith(MAGIC)):
        raise NotResultsError(_("This file is not a Parquet file.") + gap() + fix)
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError):
        raise NotResultsError(_("This Parquet file could not be read.") + gap() + fix) from None
    names = set(table.column_names)
    if names >= AGGREGATE_COLUMNS:
        raise NotResultsError(
            _("This file holds counts only (a summary for sharing), so it names no one.")
            + gap()
            + fix
        )
    missing = [c for c in RESULT_COLUMNS if c not in names]
    if missing:
        raise NotResultsError(
            _("This file is not a screening results file: it lacks the columns %(columns)s.")
            % {"columns": ", ".join(missing)}
            + gap()
            + fix
        )
    wrong = [c for c, t in TYPES.items() if not _same_type(table.schema.field(c).type, t)]
    if wrong:
        raise NotResultsError(
            _("These columns do not hold what a results file holds: %(columns)s.")
            % {"columns": ", ".join(wrong)}
            + gap()
            + fix
        )
    table = table.select(list(RESULT_COLUMNS))
    if table.num_rows == 0:
        raise NotResultsError(_("This results file has no rows.") + gap() + fix)
    places = set(table.column("jurisdiction").to_pylist())
    categories = set(table.column("category").to_pylist())
    if not places <= set(PLACES) or not categories <= CATEGORIES:
        raise NotResultsError(
            _("This file has places or categories that a results file does not have.") + gap() + fix
        )
    if None in set(table.column("patient_id").to_pylist()):
        raise NotResultsError(_("Some rows of this file have no patient id.") + gap() + fix)
    return table


def places_of(table: pa.Table) -> list[str]:
    found = set(table.column("jurisdiction").to_pylist())
    return [p for p in PLACES if p in found]


def patient_ids(table: pa.Table) -> list[str]:
    """Every patient id of the file, sorted: a row's number in the URLs is its place here."""
    return sorted(set(table.column("patient_id").to_pylist()))


@dataclass
class Person:
    number: int  # 1-based place in :func:`patient_ids` (the URL carries this, never the id)
    patient_id: str
    disease: str
    products: list[str] = field(default_factory=list)
    has_records: bool = False  # the person's source records were uploaded with the file
    case_id: int | None = None  # the case opened from this row, if any


@dataclass
class FactGroup:
    key: str
    name: str
    ask: str
    people: list[Person]


@dataclass
class Worklist:
    place: str
    place_name: str
    on_label: list[Person]
    groups: list[FactGroup]
    counts: dict[str, int]


def fact_texts(kb: KnowledgeBase, key: str, lang: str) -> tuple[str, str]:
    """The fact's plain name and what to ask for; ``kb:`` keys are open knowledge-base points.

    The screening names an open point by its English text (``kb:<text>``, the core's missing
    key); the knowledge base holds each point in both languages, so the page shows the reader's.
    """
    if key.startswith("kb:"):
        english = key.removeprefix("kb:")
        point = kb.unsettled.get(english)
        text = kb.phrase("reason.unsettled", lang, text=point.get(lang) if point else english)
        return text, ""
    fact = kb.facts.get(key)
    if fact is None:
        return key.replace("_", " "), ""
    ask = fact.ask.get(lang) if getattr(fact, "ask", None) else ""
    return fact.name.get(lang), ask


def worklist(table: pa.Table, kb: KnowledgeBase, lang: str, place: str) -> Worklist:
    """Who is on label now in ``place``, and who is one fact away, grouped by that fact."""
    numbers = {pid: i for i, pid in enumerate(patient_ids(table), start=1)}
    rows: list[dict[str, Any]] = [r for r in table.to_pylist() if r["jurisdiction"] == place]

    def product(key: str) -> str:
        """The product as this place names it, in the reader's language (the key if unknown)."""
        found = kb.products.get(key)
        return product_name(found, lang, cast(Jurisdiction, place)) if found else key

    def person(r: dict[str, Any]) -> Person:
        code = r["disease"]
        disease = kb.code_name(code, lang) if code else _("not known")
        products = [product(key) for key in r["on_label"] or []]
        return Person(numbers[r["patient_id"]], r["patient_id"], disease, products)

    on_label = [person(r) for r in rows if r["category"] == "established"]
    by_fact: dict[str, list[Person]] = {}
    for r in rows:
        missing = r["missing"] or []
        if r["category"] == "cannot_tell" and len(missing) == 1:
            by_fact.setdefault(missing[0], []).append(person(r))
    groups = [
        FactGroup(key, *fact_texts(kb, key, lang), people)
        for key, people in sorted(by_fact.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    counts = {c: sum(1 for r in rows if r["category"] == c) for c in sorted(CATEGORIES)}
    name = kb.phrase(f"ui.jurisdiction.{place}", lang)
    return Worklist(place, name, on_label, groups, counts)
