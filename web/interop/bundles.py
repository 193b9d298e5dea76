"""Reading a pasted FHIR Bundle for import, and what to show before anything is saved.

The core's importer (:func:`crossroads.interop.fhir.import_bundle`) builds the case and lists what
it could not carry over; this module turns the pasted text into its input, with a plain message
for text that is not a Bundle, and groups the list for the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cases import results
from crossroads.common.errors import CaseFileError, FhirInputError, InputLimitError
from crossroads.common.safeio import MAX_DEPTH, MAX_INT_DIGITS, load_json
from crossroads.interop.fhir import ImportNote, ImportResult, import_bundle
from crossroads.kb.fhir_maps import load_fhir_maps

MAX_CHARS = 2 * 1024 * 1024  # what the import box accepts (2 MB of text)
# Percent-encoded form text takes up to three bytes per character, plus the other fields.
MAX_FORM_BYTES = 3 * MAX_CHARS + 64 * 1024
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_KINDS = ("unmapped", "ambiguous", "problem", "not_used")


class BundleTextError(ValueError):
    """Pasted text that cannot be imported; the message is shown next to the box."""


@dataclass(frozen=True)
class NoteGroup:
    kind: str
    heading: str
    notes: tuple[ImportNote, ...]


@dataclass(frozen=True)
class BundleCheck:
    """What an import would create, and everything it could not carry over."""

    result: ImportResult
    patient_id: str | None
    groups: tuple[NoteGroup, ...]
    # The mapping report: a title, three column headings, and one row per resource of the file
    # (record, used / ignored / not understood, details), in the reader's language.
    report_title: str = ""
    report_head: tuple[str, ...] = ()
    report_rows: tuple[tuple[str, str, str], ...] = ()

    @property
    def data(self) -> dict[str, Any]:
        return self.result.case.to_data()

    @property
    def missed(self) -> int:
        """How many notes are about data Crossroads keeps but could not read."""
        return len(self.result.unmapped)


def _limit_message(kind: str) -> str:
    """What to say about text beyond the reader's limits, in the reader's language."""
    if kind == "number":
        return _(
            "The text holds a number with more than %(digits)s digits. Export the record again "
            "as a FHIR Bundle and paste that."
        ) % {"digits": MAX_INT_DIGITS}
    if kind == "duplicate":
        return _(
            "The text gives the same key twice in one object, so one of the two values would be "
            "lost. Export the record again as a FHIR Bundle and paste that."
        )
    if kind == "text":
        return _(
            "The text holds half of a character (a \\ud800-style escape). Export the record "
            "again as UTF-8 text and paste that."
        )
    return _(
        "The text is nested more than %(levels)s levels deep; a patient's record has far fewer. "
        "Export the record again as a FHIR Bundle and paste that."
    ) % {"levels": MAX_DEPTH}


def parse(text: str) -> dict[str, Any]:
    """The pasted text as a FHIR Bundle or Patient, or a plain message saying what is wrong."""
    if len(text) > MAX_CHARS:
        raise BundleTextError(
            _("The text is longer than %(size)s MB. Export a smaller part of the record.")
            % {"size": MAX_CHARS // (1024 * 1024)}
        )
    if not text.strip():
        raise BundleTextError(_("Paste the FHIR Bundle (JSON text) into the box."))
    try:
        data = load_json(text)
    except InputLimitError as exc:
        raise BundleTextError(_limit_message(exc.kind)) from None
    except json.JSONDecodeError as exc:
        raise BundleTextError(
            _(
                "This is not JSON text (line %(line)s, column %(column)s). Paste the whole "
                "file, from the first { to the last }."
            )
            % {"line": exc.lineno, "column": exc.colno}
        ) from None
    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind not in ("Bundle", "Patient"):
        raise BundleTextError(
            _(
                "This is JSON, but not a FHIR Bundle. Ask for the patient's record as a FHIR "
                "Bundle: one file with all the resources about one patient."
            )
        )
    return data  # type: ignore[no-any-return]


def patient_id_of(data: dict[str, Any]) -> str | None:
    """The id of the Bundle's one Patient (or of the Patient itself), if it is a valid FHIR id."""
    if data.get("resourceType") == "Patient":
        found: Any = data.get("id")
    else:
        resources = [
            entry.get("resource") for entry in data.get("entry") or [] if isinstance(entry, dict)
        ]
        patients = [
            res
            for res in resources
            if isinstance(res, dict) and res.get("resourceType") == "Patient"
        ]
        found = patients[0].get("id") if len(patients) == 1 else None
    return found if isinstance(found, str) and _FHIR_ID.match(found) else None


def _sentence(text: str) -> str:
    """The core's messages start in lower case (they follow a file name); a page shows them
    on their own."""
    return text[:1].upper() + text[1:]


def check(text: str, lang: str) -> BundleCheck:
    """Import the pasted Bundle in memory (nothing is saved) and group what was not carried over."""
    data = parse(text)
    try:
        result = import_bundle(data, results.kb(), lang=lang)
    except FhirInputError as exc:
        raise BundleTextError(_sentence(exc.detail)) from None
    except CaseFileError as exc:
        raise BundleTextError(_sentence(str(exc))) from None
    maps = load_fhir_maps()
    groups = tuple(
        NoteGroup(kind, maps.phrase(f"report.{kind}", lang), notes)
        for kind in _KINDS
        if (notes := tuple(n for n in result.notes if n.kind == kind))
    )
    columns = ("report.resource", "report.outcome", "report.detail")
    head = tuple(maps.phrase(key, lang) for key in columns)
    rows = tuple(
        (r.where, maps.phrase(f"report.outcome.{r.outcome}", lang), r.detail) for r in result.report
    )
    title = maps.phrase("report.title", lang)
    return BundleCheck(result, patient_id_of(data), groups, title, head, rows)


def summary(found: BundleCheck, lang: str) -> list[tuple[str, str]]:
    """A few facts the import found, for the person to recognise the record (not a full view)."""
    case = found.result.case
    kb = results.kb()
    unknown = _("not in the file")

    def _born(birth: Any, age: int | None) -> str:
        if birth is not None:
            return str(birth)
        return _("%(age)s years") % {"age": age} if age is not None else unknown

    rows = [
        (_("The patient's name"), case.patient.name or unknown),
        (_("Date of birth or age"), _born(case.patient.birth_date, case.patient.age_years)),
        (
            _("Disease"),
            kb.code_name(case.diagnosis.disease, lang) if case.diagnosis.disease else unknown,
        ),
        (
            _("Lines of treatment"),
            str(len(case.lines)) if case.lines is not None else unknown,
        ),
        (
            _("Transplants"),
            str(len(case.transplants)) if case.transplants is not None else unknown,
        ),
        (
            _("ECOG score (how much daily life is limited)"),
            str(case.fitness.ecog) if case.fitness.ecog is not None else unknown,
        ),
    ]
    return rows
