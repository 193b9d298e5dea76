"""The import report: one note per thing a FHIR import could not carry over, in plain words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from crossroads.common.dates import PartialDate
from crossroads.interop.fhir.elements import Json, date_part
from crossroads.kb.fhir_maps import FhirMaps

NoteKind = Literal["unmapped", "ambiguous", "not_used", "problem"]
Outcome = Literal["used", "ignored", "not_understood"]
_NOT_UNDERSTOOD: tuple[NoteKind, ...] = ("unmapped", "ambiguous", "problem")
# What a resource of these types gives when it is read without any note about it.
_DEFAULT_USE = {
    "Patient": "patient",
    "MedicationAdministration": "medicines",
    "MedicationStatement": "medicines",
    "MedicationRequest": "medicines",
    "Procedure": "procedure",
}


@dataclass(frozen=True)
class ImportNote:
    """One thing the import could not carry over, where it was, and why.

    ``kind``: ``unmapped`` (a code or value for a field Crossroads holds, not in the tables),
    ``ambiguous`` (a real code that does not settle the field), ``not_used`` (something
    Crossroads does not hold) or ``problem`` (a value the case format or FHIR refuses).
    """

    kind: NoteKind
    where: str
    message: str


@lru_cache(maxsize=1 << 16)
def parsed_date(text: str | None) -> PartialDate:
    """:meth:`PartialDate.parse` of a date part, remembered (ValueError/TypeError as it raises).

    Why: a population screening reads millions of dates drawn from a few thousand days, and
    parsing (Unicode normalising, matching, checking the calendar) was a fifth of an import.
    A :class:`PartialDate` is immutable, so sharing one is safe; a refused text is never
    remembered and is refused again.
    """
    return PartialDate.parse(text)


@lru_cache(maxsize=1 << 16)
def _date_of_text(value: str) -> tuple[str, PartialDate] | None:
    """The date part of a FHIR date/dateTime text and its date; None if it is not a real date."""
    text = date_part(value)
    try:
        return (text, parsed_date(text)) if text is not None else None
    except (ValueError, TypeError):
        return None


@dataclass
class Notes:
    """Collects notes, with the messages in the chosen language.

    ``keep`` False collects none: a screening reads only the case, and writing each note's
    words was a tenth of an import. The case built is the same either way (notes are never
    read back into it).
    """

    maps: FhirMaps
    lang: str = "en"
    items: list[ImportNote] = field(default_factory=list)
    keep: bool = True

    def text(self, key: str, **values: Any) -> str:
        return self.maps.phrase(key, self.lang, **values)

    def field(self, name: str) -> str:
        """The plain name of a case field, for "... stays unknown" messages."""
        return self.maps.phrase(f"field.{name}", self.lang)

    def add(self, kind: NoteKind, where: str, key: str, **values: Any) -> None:
        if self.keep:
            self.items.append(ImportNote(kind, where, self.text(key, **values)))

    def add_text(self, kind: NoteKind, where: str, message: str) -> None:
        if self.keep:
            self.items.append(ImportNote(kind, where, message))

    def checked_date(self, value: Any, where: str, field_name: str) -> str | None:
        """The date part of a FHIR date/dateTime if it is a real date; else a note and None."""
        found = self._checked(value, where, field_name)
        return None if found is None else found[0]

    def checked_partial(self, value: Any, where: str, field_name: str) -> PartialDate | None:
        """:meth:`checked_date` as the date itself (read once, not again from its text)."""
        found = self._checked(value, where, field_name)
        return None if found is None else found[1]

    def _checked(self, value: Any, where: str, field_name: str) -> tuple[str, PartialDate] | None:
        found = _date_of_text(value) if isinstance(value, str) else None
        if found is None:
            self.add(
                "problem", where, "import.unmapped_value", value=value, field=self.field(field_name)
            )
        return found


def set_path(data: Json, path: str, value: Any) -> None:
    """Set ``data[a][b] = value`` for ``path`` ``"a.b"``, creating sections as needed."""
    *parents, last = path.split(".")
    target = data
    for part in parents:
        nxt = target.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            target[part] = nxt
        target = nxt
    target[last] = value


@dataclass(frozen=True)
class ResourceReport:
    """One row of the mapping report: what became of one resource of the input.

    ``outcome``: ``used`` (``detail`` names the case fields it gave), ``ignored`` (``detail``
    says why: its status, another patient, a kind of record Crossroads does not keep) or
    ``not_understood`` (``detail`` names the code or value that could not be read).
    """

    where: str
    outcome: Outcome
    detail: str


def _owner(where: str, known: set[str]) -> str | None:
    """The resource a note's place belongs to (``Patient/1.birthDate`` -> ``Patient/1``)."""
    candidate = where
    while candidate:
        if candidate in known:
            return candidate
        cut = candidate.rfind(".")
        if cut <= 0:
            return None
        candidate = candidate[:cut]
    return None


def mapping_report(
    resources: Iterable[str],
    notes: Iterable[ImportNote],
    uses: Mapping[str, list[str]],
    notes_text: Notes,
) -> tuple[ResourceReport, ...]:
    """One row per resource, in input order.

    Why per resource: a person (or a tester) must be able to see, for every record they sent,
    whether Crossroads used it, left it out on purpose, or could not read it; the notes alone
    say only what went wrong. Used wins over a note (a Condition gave the disease even if one of
    its extensions was not kept); a resource with no note and no recorded use was read as a
    whole (a patient, a medicine record).
    """
    order = list(resources)
    known = set(order)
    by_resource: dict[str, list[ImportNote]] = {}
    for note in notes:
        for part in note.where.split(", "):
            owner = _owner(part, known)
            if owner is not None:
                by_resource.setdefault(owner, []).append(note)
    rows = []
    for where in order:
        found = by_resource.get(where, [])
        fields = uses.get(where)
        problem = next((n for n in found if n.kind in _NOT_UNDERSTOOD), None)
        unused = next((n for n in found if n.kind == "not_used" and n.where == where), None)
        if not fields and problem is not None:
            rows.append(ResourceReport(where, "not_understood", problem.message))
        elif not fields and unused is not None:
            rows.append(ResourceReport(where, "ignored", unused.message))
        else:
            default = _DEFAULT_USE.get(where.partition("/")[0], "record")
            names = ", ".join(notes_text.field(f) for f in fields or [default])
            detail = notes_text.text("report.used_for", fields=names)
            rows.append(ResourceReport(where, "used", detail))
    return tuple(rows)
