"""The import report: one note per thing a FHIR import could not carry over, in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from crossroads.common.dates import PartialDate
from crossroads.interop.fhir.elements import Json, date_part
from crossroads.kb.fhir_maps import FhirMaps

NoteKind = Literal["unmapped", "ambiguous", "not_used", "problem"]


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


@dataclass
class Notes:
    """Collects notes, with the messages in the chosen language."""

    maps: FhirMaps
    lang: str = "en"
    items: list[ImportNote] = field(default_factory=list)

    def text(self, key: str, **values: Any) -> str:
        return self.maps.phrase(key, self.lang, **values)

    def field(self, name: str) -> str:
        """The plain name of a case field, for "... stays unknown" messages."""
        return self.maps.phrase(f"field.{name}", self.lang)

    def add(self, kind: NoteKind, where: str, key: str, **values: Any) -> None:
        self.items.append(ImportNote(kind, where, self.text(key, **values)))

    def add_text(self, kind: NoteKind, where: str, message: str) -> None:
        self.items.append(ImportNote(kind, where, message))

    def checked_date(self, value: Any, where: str, field_name: str) -> str | None:
        """The date part of a FHIR date/dateTime if it is a real date; else a note and None."""
        text = date_part(value)
        try:
            PartialDate.parse(text)
        except (ValueError, TypeError):
            self.add(
                "problem", where, "import.unmapped_value", value=value, field=self.field(field_name)
            )
            return None
        return text


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
