"""FHIR Bundle (or Patient) -> case record, with a report of everything not mapped.

Codes become Crossroads codes only through the knowledge-base tables (``kb/data/fhir_maps.yaml``)
or Crossroads' own code systems; free text is never turned into a code. Whatever cannot be mapped
is reported and left unknown, so an import never says "no" where the record said nothing:

- ``unmapped``: a code or value for a field Crossroads holds, which the tables do not cover;
- ``ambiguous``: a real code that does not settle the field (a follicular lymphoma code without
  the grade);
- ``not_used``: a resource, extension or finding Crossroads does not hold (tumour markers, TNM
  staging, Karnofsky score, other patients' data);
- ``problem``: a value the case format refuses, or a place where the file breaks FHIR rules.

A bundle written by Crossroads carries its line grouping in an extension and reads back exactly.
Medicines from other systems carry none: which medicines formed one line is a clinical reading,
so the lines are derived by a published rule set (:mod:`crossroads.engine.lines`), each derived
line is reported with its records and a request to confirm it, and when the records do not settle
the grouping the lines stay unknown with the reasons.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crossroads.common.errors import CaseFileError, FhirInputError, Problem
from crossroads.common.safeio import load_json
from crossroads.interop.fhir import mcode
from crossroads.interop.fhir.clinical import ClinicalReader, where_of
from crossroads.interop.fhir.elements import Json, codings
from crossroads.interop.fhir.notes import ImportNote, Notes, ResourceReport, mapping_report
from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import FhirMaps, load_fhir_maps
from crossroads.record.app_notes import internal_notes_in, without_internal_notes
from crossroads.record.case import Case

_LANGUAGES = {"en": "en", "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans"}


@dataclass(frozen=True)
class ImportResult:
    """The case read from FHIR, every note about what was not carried over, and the mapping
    report: one row per input resource saying whether it was used, ignored or not understood."""

    case: Case
    notes: tuple[ImportNote, ...] = ()
    report: tuple[ResourceReport, ...] = ()

    @property
    def unmapped(self) -> tuple[ImportNote, ...]:
        """Notes about data Crossroads holds but could not map (these make the CLI warn)."""
        return tuple(n for n in self.notes if n.kind in ("unmapped", "ambiguous", "problem"))


@dataclass
class _Index:
    """The bundle's resources, findable by fullUrl or ``Type/id``."""

    items: list[tuple[str | None, Json]]
    keys: dict[str, Json] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for full_url, res in self.items:
            if full_url:
                self.keys.setdefault(full_url, res)
            if res.get("id"):
                self.keys.setdefault(f"{res['resourceType']}/{res['id']}", res)
                self.keys.setdefault(f"urn:uuid:{res['id']}", res)

    def resolve(self, ref: Any) -> Json | None:
        text = ref.get("reference") if isinstance(ref, dict) else None
        if not isinstance(text, str):
            return None
        if text in self.keys:
            return self.keys[text]
        parts = text.rstrip("/").split("/")
        return self.keys.get("/".join(parts[-2:])) if len(parts) >= 2 else None


def read_fhir_file(path: str | Path) -> Json:
    """Read a JSON file that should hold a FHIR Bundle or Patient; else a clear user error."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise FhirInputError(source, f"cannot read the file ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise FhirInputError(source, "the file is not UTF-8 text. Save it as UTF-8.") from None
    try:
        data = load_json(text, source)
    except json.JSONDecodeError as exc:
        raise FhirInputError(
            source, f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    return _check_kind(data, source)


def _check_kind(data: Any, source: str) -> Json:
    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind in ("Bundle", "Patient"):
        return data  # type: ignore[no-any-return]
    found = f"one {kind} resource" if isinstance(kind, str) else "no FHIR resourceType"
    raise FhirInputError(
        source,
        f"the file holds {found}, not a Bundle or a Patient. Export the patient's record as a "
        "FHIR Bundle (all resources about one patient) and import that.",
    )


def _resources(data: Json) -> list[tuple[str | None, Json]]:
    if data["resourceType"] == "Patient":
        return [(None, data)]
    out = []
    for entry in data.get("entry") or []:
        res = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(res, dict) and isinstance(res.get("resourceType"), str):
            out.append((entry.get("fullUrl"), res))
    return out


class _Importer:
    def __init__(
        self,
        data: Json,
        kb: KnowledgeBase,
        maps: FhirMaps,
        lang: str,
        source: str,
        explain: bool = True,
    ):
        self.kb, self.maps, self.source = kb, maps, source
        self.notes = Notes(maps, lang, keep=explain)
        self.index = _Index(_resources(data))
        self.data: Json = {"schema": "crossroads.case/v1"}
        self.clinical = ClinicalReader(self)
        self.patient_keys = self._patient_keys()

    # -- whose record ----------------------------------------------------------------------
    def _patient_keys(self) -> set[str] | None:
        patients = [(u, r) for u, r in self.index.items if r["resourceType"] == "Patient"]
        if len(patients) > 1:
            raise FhirInputError(
                self.source, self.notes.text("import.many_patients", count=len(patients))
            )
        if patients:
            url, res = patients[0]
            keys = {f"Patient/{res.get('id')}", f"urn:uuid:{res.get('id')}"}
            return keys | ({url} if url else set())
        subjects = {self._subject(r) for _, r in self.index.items} - {None}
        if len(subjects) > 1:
            raise FhirInputError(
                self.source, self.notes.text("import.many_patients", count=len(subjects))
            )
        self.notes.add("problem", "Bundle", "import.no_patient")
        return None

    @staticmethod
    def _subject(res: Json) -> str | None:
        ref = res.get("subject") or res.get("patient")
        text = ref.get("reference") if isinstance(ref, dict) else None
        return text if isinstance(text, str) else None

    def _ours(self, res: Json) -> bool:
        ref = self._subject(res)
        if ref is None or self.patient_keys is None:
            return True
        if ref in self.patient_keys or any(ref.endswith("/" + k) for k in self.patient_keys):
            return True
        self.notes.add("not_used", where_of(res), "import.other_patient", ref=ref)
        return False

    # -- patient ---------------------------------------------------------------------------
    def patient(self, res: Json) -> None:
        where = where_of(res)
        out: Json = {}
        names = res.get("name") or []
        if names and isinstance(names[0], dict):
            name = (
                names[0].get("text")
                or " ".join([*names[0].get("given", []), names[0].get("family", "")]).strip()
            )
            if name:
                out["name"] = name
        if res.get("birthDate") is not None:
            born = self.notes.checked_date(res["birthDate"], f"{where}.birthDate", "birth_date")
            if born:
                out["birth_date"] = born
        if res.get("gender") in ("female", "male", "other"):
            out["sex"] = res["gender"]
        numbers = []
        for ident in res.get("identifier") or []:
            if not isinstance(ident, dict) or not ident.get("value"):
                continue
            kind = ident.get("type") or {}
            label = kind.get("text") or next(
                (c.get("display") for c in codings(kind) if c.get("display")), None
            )
            system = ident.get("system")
            if system == mcode.SID_RECORD_NUMBER:  # Crossroads' "issuer known only by label"
                system = None
            numbers.append({"system": label or system, "value": ident["value"]})
        if numbers:
            out["record_numbers"] = numbers
        out.update(self._contact(res, where))
        lang = self._language(res, where)
        if lang:
            out["language"] = lang
        self.data["patient"] = out
        self.clinical.used(res, "patient")
        self.clinical.patient_extensions(res)

    def _contact(self, res: Json, where: str) -> Json:
        out: Json = {}
        contact: Json = {}
        for item in res.get("telecom") or []:
            system = item.get("system") if isinstance(item, dict) else None
            if system in ("phone", "email") and system not in contact and item.get("value"):
                contact[system] = item["value"]
        addresses = [a for a in res.get("address") or [] if isinstance(a, dict)]
        if addresses:
            address = addresses[0]
            text = address.get("text") or ", ".join(address.get("line") or [])
            if text:
                contact["address"] = text
            if address.get("city"):
                out["city"] = address["city"]
            country = address.get("country")
            if isinstance(country, str) and len(country) == 2 and country.isalpha():
                out["country"] = country.upper()
            elif country:
                self.notes.add(
                    "unmapped",
                    f"{where}.address[0].country",
                    "import.unmapped_value",
                    value=country,
                    field=self.notes.field("country"),
                )
        if contact:
            out["contact"] = contact
        return out

    def _language(self, res: Json, where: str) -> str | None:
        comms = [c for c in res.get("communication") or [] if isinstance(c, dict)]
        comms.sort(key=lambda c: not c.get("preferred"))
        for comm in comms[:1]:
            for item in codings(comm.get("language")):
                code = str(item["code"])
                found = _LANGUAGES.get(code.lower()) or (
                    "en" if code.lower().startswith("en-") else None
                )
                if found:
                    return found
                self.notes.add(
                    "unmapped",
                    f"{where}.communication",
                    "import.unmapped_value",
                    value=code,
                    field=self.notes.field("language"),
                )
        return None

    # -- the whole bundle ------------------------------------------------------------------
    def run(self) -> ImportResult:
        for _, res in self.index.items:
            if res["resourceType"] == "Patient":
                self.patient(res)
            elif self._ours(res):
                self.clinical.read(res)
        self.clinical.finish()
        self._drop_internal_notes()
        case = self._case()
        if not self.notes.keep:
            return ImportResult(case)
        wheres = [where_of(res) for _, res in self.index.items]
        report = mapping_report(wheres, self.notes.items, self.clinical.uses, self.notes)
        return ImportResult(case, tuple(self.notes.items), report)

    def _drop_internal_notes(self) -> None:
        """An application's own notes (``extensions.crossroads_web``) are never imported.

        A case-data extension can carry any field, including the notes the web app writes and
        trusts; a pasted Bundle must not be able to set them (:mod:`crossroads.record.app_notes`).
        """
        if "extensions" not in self.data:
            return  # nothing to drop (``_case`` copies the record before it changes any of it)
        for key in internal_notes_in(self.data):
            self.notes.add(
                "not_used", "Patient.extension", "import.not_used", what=f"extensions.{key}"
            )
        self.data = without_internal_notes(self.data)

    def _case(self) -> Case:
        last = ""
        copied = False
        for _ in range(20):
            try:
                return Case.model_validate(self.data)
            except ValidationError as exc:
                if not copied:  # the record may share parts with the input resources
                    self.data, copied = copy.deepcopy(self.data), True
                first = exc.errors()[0]
                loc = tuple(first["loc"])
                last = str(first["msg"])
                self.notes.add_text(
                    "problem", ".".join(str(p) for p in loc), f"{first['msg']}; left unknown."
                )
                if not _drop(self.data, loc):
                    break
        raise CaseFileError(
            self.source,
            [Problem("", f"the imported record could not be made valid: {last}.", "Fix the file.")],
        )


def _drop(data: Any, loc: Iterable[str | int]) -> bool:
    """Remove the value at ``loc`` (the deepest part that exists); False if nothing removed."""
    path = list(loc)
    while path:
        parent: Any = data
        for part in path[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        last = path[-1]
        if isinstance(parent, dict) and last in parent:
            del parent[last]
            return True
        if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            del parent[last]
            return True
        path = path[:-1]
    return False


def import_bundle(
    data: Json,
    kb: KnowledgeBase,
    maps: FhirMaps | None = None,
    lang: str = "en",
    source: str = "",
    *,
    explain: bool = True,
) -> ImportResult:
    """Build a case record from a FHIR Bundle or Patient (parsed JSON).

    ``explain`` False builds the same case without the notes and the mapping report (both come
    back empty): a population screening reads only the case, and wording the notes for a
    hundred thousand records no one will read was a fifth of the time.
    """
    checked = _check_kind(data, source)
    return _Importer(checked, kb, maps or load_fhir_maps(), lang, source, explain).run()


def import_resources(
    resources: Iterable[Json],
    kb: KnowledgeBase,
    maps: FhirMaps | None = None,
    lang: str = "en",
    source: str = "",
    *,
    explain: bool = True,
) -> ImportResult:
    """Build a case record from loose resources (e.g. CDS Hooks prefetch), as one bundle
    (``explain``: as :func:`import_bundle`)."""
    return import_bundle(as_bundle(resources), kb, maps, lang, source, explain=explain)


def as_bundle(resources: Iterable[Json]) -> Json:
    """Loose resources as one Bundle (a collection): the shape every reader of a record takes.
    Items that are not resources (no ``resourceType``) are left out."""
    entries = [{"resource": r} for r in resources if isinstance(r, dict) and r.get("resourceType")]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


__all__ = [
    "ImportNote",
    "ImportResult",
    "as_bundle",
    "import_bundle",
    "import_resources",
    "read_fhir_file",
]
