"""Reading the clinical resources of a bundle into case-record fields (used by the importer).

One reader per bundle. ``read`` sorts each resource into what it can tell (the cancer diagnosis,
ECOG, the last progression, treatment lines, transplants, cellular therapy, known-empty lists)
and notes what it cannot; ``finish`` settles each field once everything has been seen, because
a field may depend on several resources (the latest ECOG, the lines of several medicines).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from crossroads.common.dates import PartialDate
from crossroads.common.errors import InputLimitError
from crossroads.common.safeio import load_json
from crossroads.engine.lines import (
    DerivedLine,
    LinesResult,
    MedicineEvent,
    ProcedureEvent,
    Reason,
    derive_lines,
)
from crossroads.interop.fhir import mcode
from crossroads.interop.fhir.elements import (
    Json,
    codings,
    describe,
    extension_value,
    extensions,
    first_value,
    sub_value,
)
from crossroads.interop.fhir.notes import Notes, parsed_date, set_path
from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import AmbiguousRow, DiseaseRow, FhirMaps

_PATIENT_EXTENSIONS = {
    mcode.EXT_AGE_YEARS: "patient.age_years",
    mcode.EXT_ASSESSMENT_DATE: "assessment_date",
    mcode.EXT_TRANSPLANT_ELIGIBLE: "transplant_eligible",
    mcode.EXT_ACTIVE_INFECTION: "fitness.active_infection",
}
_PATIENT_LISTS = {
    mcode.EXT_INELIGIBLE_REASON: "transplant_ineligible_reasons",
    mcode.EXT_ORGAN_DYSFUNCTION: "fitness.organ_dysfunction",
}
_CONDITION_EXTENSIONS = {
    mcode.EXT_CNS_INVOLVEMENT: ("diagnosis", "cns_involvement"),
    mcode.EXT_RELAPSE_NUMBER: ("disease_status", "relapse_number"),
    mcode.EXT_RAPID_PROGRESSION: ("disease_status", "rapid_progression"),
}
_MEDICATION_TYPES = ("MedicationAdministration", "MedicationStatement", "MedicationRequest")
_NOT_READ_PROCEDURES = ("surgical-procedure", "radiation-procedure")  # mCODE profile name ends
_TARGETS = ("CD19", "BCMA", "CD22", "other")


class Resolver(Protocol):
    def resolve(self, ref: Any) -> Json | None: ...


class Context(Protocol):
    """What the reader needs from the importer."""

    @property
    def kb(self) -> KnowledgeBase: ...
    @property
    def maps(self) -> FhirMaps: ...
    @property
    def notes(self) -> Notes: ...
    @property
    def index(self) -> Resolver: ...
    @property
    def data(self) -> Json: ...


def _numbered(lines: Iterable[DerivedLine]) -> Iterable[tuple[int, DerivedLine]]:
    """Each line with its number as labels count (maintenance takes its line's number)."""
    number = 0
    for line in lines:
        number += line.kind == "systemic"
        yield max(number, 1), line


def _merged(found: Iterable[tuple[str, Reason]]) -> list[Reason]:
    """One reason per kind, its dates listed together and its records counted."""
    by_key: dict[str, dict[str, list[str]]] = {}
    for _, reason in found:
        values = by_key.setdefault(reason.key, {})
        for name, value in {**reason.as_dict(), "count": ""}.items():
            values.setdefault(name, []).append(value)
    out = []
    for key, values in by_key.items():
        merged = {n: ", ".join(dict.fromkeys(v)) for n, v in values.items()}
        merged["count"] = str(len(values["count"]))
        out.append(Reason.of(key, **merged))
    return out


def where_of(res: Json) -> str:
    return f"{res.get('resourceType')}/{res.get('id', '?')}"


def _profiles(res: Json) -> list[str]:
    meta = res.get("meta")
    return (
        [p for p in meta.get("profile", []) if isinstance(p, str)] if isinstance(meta, dict) else []
    )


def _first_display(concept: Any) -> str:
    items = codings(concept)
    if items:
        return str(items[0].get("display") or items[0].get("code"))
    return str(concept.get("text", "?")) if isinstance(concept, dict) else "?"


@dataclass
class _Dated:
    date: str | None
    value: Any
    where: str


@dataclass
class ClinicalReader:
    ctx: Context
    conditions: list[Json] = field(default_factory=list)
    ecog: list[_Dated] = field(default_factory=list)
    progressions: list[_Dated] = field(default_factory=list)
    line_parts: dict[int, list[Json]] = field(default_factory=dict)
    foreign_medicines: list[str] = field(default_factory=list)
    medicine_events: list[MedicineEvent] = field(default_factory=list)
    procedure_events: list[ProcedureEvent] = field(default_factory=list)
    transplants: list[Json] = field(default_factory=list)
    cellular: list[Json] = field(default_factory=list)
    known_lists: set[str] = field(default_factory=set)
    residues: list[tuple[str, str, str]] = field(default_factory=list)
    uses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def notes(self) -> Notes:
        return self.ctx.notes

    def used(self, res: Json, field_name: str) -> None:
        """Record that ``res`` gave a case field (for the per-resource mapping report)."""
        found = self.uses.setdefault(where_of(res), [])
        if field_name not in found:
            found.append(field_name)

    # -- dispatch --------------------------------------------------------------------------
    def read(self, res: Json) -> None:
        kind = res["resourceType"]
        if self._status_says_ignore(res):
            return
        if kind == "Condition":
            self._condition(res)
        elif kind == "Observation":
            self._observation(res)
        elif kind in _MEDICATION_TYPES:
            self._medication(res)
        elif kind == "Procedure":
            self._procedure(res)
        elif kind == "List" and self._case_list(res):
            pass
        else:
            self.notes.add("not_used", where_of(res), "import.not_used", what=kind)

    def _status_says_ignore(self, res: Json) -> bool:
        """Leave out what the source system itself marks as not having happened.

        A refuted or mistaken diagnosis must never become the case's disease, and a medicine
        marked not done must never count as given: either would turn a record's correction into
        a clinical fact. The status codes are cited data (``record_status`` in the maps).
        """
        kind = res["resourceType"]
        if kind == "Condition":
            status = next(
                (str(c.get("code")) for c in codings(res.get("verificationStatus"))), None
            )
        else:
            raw = res.get("status")
            status = raw if isinstance(raw, str) else None
        verdict = self.ctx.maps.record_status(kind, status)
        if verdict == "ignore":
            what = f"{kind} {_first_display(self._concept_of(res))}".strip()
            self.notes.add(
                "not_used", where_of(res), "import.status_ignored", what=what, status=status
            )
            return True
        if verdict == "confirm":
            what = _first_display(res.get("code"))
            self.notes.add(
                "problem", where_of(res), "import.status_confirm", what=what, status=status
            )
        return False

    def _concept_of(self, res: Json) -> Any:
        if res["resourceType"] in _MEDICATION_TYPES:
            return self._medicine_concept(res)
        return res.get("code")

    # -- patient extensions (the case-level fields) -------------------------------------------
    def patient_extensions(self, res: Json) -> None:
        where = where_of(res)
        for item in res.get("extension") or []:
            url = item.get("url") if isinstance(item, dict) else None
            if url in _PATIENT_EXTENSIONS:
                path = _PATIENT_EXTENSIONS[url]
                value = extension_value(item)
                if url == mcode.EXT_ASSESSMENT_DATE:
                    value = self.notes.checked_date(value, f"{where}.extension", "assessment_date")
                if value is not None:
                    set_path(self.ctx.data, path, value)
            elif url in _PATIENT_LISTS:
                self._append(_PATIENT_LISTS[url], extension_value(item))
            elif url == mcode.EXT_CASE_DATA:
                self._residue(item, "", where)
            else:
                self._unused_extension(where, url)

    def _append(self, path: str, value: Any) -> None:
        section, _, key = path.rpartition(".")
        target = self.ctx.data.setdefault(section, {}) if section else self.ctx.data
        target.setdefault(key, []).append(value)

    def _residue(self, item: Json, prefix: str, where: str) -> None:
        path, text = sub_value(item, "path"), sub_value(item, "json")
        if isinstance(path, str) and isinstance(text, str):
            self.residues.append((prefix + path, text, where))
        else:
            self.notes.add_text("problem", where, "case-data extension without path or json")

    def _unused_extension(self, where: str, url: Any) -> None:
        self.notes.add("not_used", f"{where}.extension", "import.not_used", what=str(url))

    # -- condition -------------------------------------------------------------------------
    def _condition(self, res: Json) -> None:
        profiles = _profiles(res)
        if mcode.SECONDARY_CANCER_CONDITION in profiles:
            what = f"secondary cancer: {_first_display(res.get('code'))}"
            self.notes.add("not_used", where_of(res), "import.not_used", what=what)
        elif mcode.PRIMARY_CANCER_CONDITION in profiles or self._maps_a_disease(res):
            self.conditions.append(res)
        else:
            what = f"condition {_first_display(res.get('code'))}"
            self.notes.add("not_used", where_of(res), "import.not_used", what=what)

    def _disease_codings(self, res: Json) -> list[Json]:
        items = codings(res.get("code"))
        for item in extensions(res, mcode.HISTOLOGY_EXTENSION):
            items += codings(item.get("valueCodeableConcept"))
        return items

    def _maps_a_disease(self, res: Json) -> bool:
        return any(
            c.get("system") == mcode.CS_DIAGNOSIS
            or self.ctx.maps.disease(str(c.get("system")), str(c["code"])) is not None
            for c in self._disease_codings(res)
        )

    def _diagnosis(self) -> None:
        if not self.conditions:
            return
        pairs = self._in_scope_first([(res, self._resolve_disease(res)) for res in self.conditions])
        diseases = {r["disease"] for _, r in pairs if r.get("disease")}
        if len(diseases) > 1:
            self.notes.add(
                "problem",
                ", ".join(where_of(c) for c, _ in pairs),
                "import.conflicting_codes",
                found=", ".join(sorted(diseases)),
                field=self.notes.field("disease"),
            )
            return
        chosen = next((i for i, (_, r) in enumerate(pairs) if r.get("disease")), 0)
        first, found = pairs[chosen]
        for i, (extra, _) in enumerate(pairs):
            if i != chosen:
                what = f"second diagnosis record {_first_display(extra.get('code'))}"
                self.notes.add("not_used", where_of(extra), "import.not_used", what=what)
        data = self.ctx.data
        diagnosis = data.setdefault("diagnosis", {})
        status = data.setdefault("disease_status", {})
        for key in ("disease", "subtype"):
            if found.get(key):
                diagnosis[key] = found[key]
        state = self._state(first, found.get("state"))
        if state:
            status["state"] = state
        self.used(first, "disease" if found.get("disease") else "diagnosed")
        if state:
            self.used(first, "state")
        self._condition_details(first, diagnosis, status)

    def _in_scope_first(
        self, pairs: list[tuple[Json, dict[str, Any]]]
    ) -> list[tuple[Json, dict[str, Any]]]:
        """Drop other cancers when the record also names a cancer Crossroads covers.

        A person with DLBCL often has an older, different cancer in the record (a treated breast
        cancer); that history must not hide the lymphoma behind a "conflicting codes" unknown.
        The other cancer is reported as not used, so nothing is dropped silently.
        """

        def covered(found: dict[str, Any]) -> bool:
            disease = self.ctx.kb.diseases.get(found.get("disease") or "")
            return disease is not None and disease.in_scope

        if not any(covered(found) for _, found in pairs):
            return pairs
        kept = []
        for res, found in pairs:
            if found.get("disease") and not covered(found):
                what = _first_display(res.get("code"))
                self.notes.add("not_used", where_of(res), "import.other_cancer", what=what)
            else:
                kept.append((res, found))
        return kept

    def _resolve_disease(self, res: Json) -> dict[str, Any]:
        where = where_of(res)
        items = self._disease_codings(res)
        own = [c for c in items if c.get("system") == mcode.CS_DIAGNOSIS]
        if own:
            return self._own_disease(str(own[0]["code"]), where)
        rows: list[DiseaseRow] = []
        ambiguous: list[tuple[AmbiguousRow, Json]] = []
        unmapped: list[Json] = []
        for item in items:
            row = self.ctx.maps.disease(str(item.get("system")), str(item["code"]))
            if isinstance(row, DiseaseRow):
                rows.append(row)
            elif isinstance(row, AmbiguousRow):
                ambiguous.append((row, item))
            else:
                unmapped.append(item)
        out: dict[str, Any] = {}
        stated: list[DiseaseRow | AmbiguousRow] = [*rows, *(a for a, _ in ambiguous)]
        states = {r.state for r in stated if r.state}
        if len(states) == 1:
            out["state"] = states.pop()
        diseases = {r.disease for r in rows}
        if len(diseases) == 1:
            out["disease"] = rows[0].disease
            subtypes = {r.subtype for r in rows if r.subtype}
            if len(subtypes) == 1:
                out["subtype"] = subtypes.pop()
            return out
        if len(diseases) > 1:
            self.notes.add(
                "problem",
                where,
                "import.conflicting_codes",
                found=", ".join(sorted(diseases)),
                field=self.notes.field("disease"),
            )
            return out
        for row, item in ambiguous:
            self.notes.add(
                "ambiguous",
                where,
                "import.ambiguous_code",
                code=describe(item),
                note=row.note.get(self.notes.lang),
                field=self.notes.field("disease"),
            )
        for item in unmapped:
            self.notes.add(
                "unmapped",
                where,
                "import.unmapped_code",
                code=describe(item),
                field=self.notes.field("disease"),
            )
        code = res.get("code")
        absent = isinstance(code, dict) and extensions(code, mcode.DATA_ABSENT_REASON)
        if not items and not absent:
            self.notes.add("unmapped", where, "import.no_code")
        return out

    def _own_disease(self, code: str, where: str) -> dict[str, Any]:
        disease, _, subtype = code.partition(".")
        known = self.ctx.kb.diseases.get(disease)
        if known is None or (subtype and subtype not in known.subtypes):
            self.notes.add(
                "unmapped",
                where,
                "import.unmapped_code",
                code=f"{mcode.CS_DIAGNOSIS}#{code}",
                field=self.notes.field("disease"),
            )
            return {}
        return {"disease": disease, "subtype": subtype or None}

    def _state(self, res: Json, from_code: str | None) -> str | None:
        own = first_value(res, mcode.EXT_DISEASE_STATE)
        if isinstance(own, str):
            return own
        table = self.ctx.maps.data.clinical_status.import_
        found = {
            table[str(c["code"])]
            for c in codings(res.get("clinicalStatus"))
            if c.get("system") == mcode.CONDITION_CLINICAL and str(c["code"]) in table
        }
        if from_code:
            found.add(from_code)  # type: ignore[arg-type]
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            self.notes.add(
                "problem",
                where_of(res),
                "import.conflicting_codes",
                found=", ".join(sorted(found)),
                field=self.notes.field("state"),
            )
        return None

    def _condition_details(self, res: Json, diagnosis: Json, status: Json) -> None:
        where = where_of(res)
        if res.get("onsetDateTime") is not None:
            date = self.notes.checked_date(
                res["onsetDateTime"], f"{where}.onsetDateTime", "diagnosed"
            )
            if date:
                diagnosis["diagnosed"] = date
        self._stage(res, diagnosis)
        for item in res.get("extension") or []:
            url = item.get("url") if isinstance(item, dict) else None
            if url in _CONDITION_EXTENSIONS:
                section, key = _CONDITION_EXTENSIONS[url]
                target = diagnosis if section == "diagnosis" else status
                target[key] = extension_value(item)
            elif url == mcode.EXT_TARGET_ANTIGEN:
                antigen, result = sub_value(item, "antigen"), sub_value(item, "result")
                diagnosis.setdefault("target_antigens", {})[antigen] = result
            elif url == mcode.EXT_CASE_DATA:
                self._residue(item, "", where)
            elif url not in (mcode.EXT_DISEASE_STATE, mcode.HISTOLOGY_EXTENSION):
                self._unused_extension(where, url)

    def _stage(self, res: Json, diagnosis: Json) -> None:
        summaries = []
        for stage in res.get("stage") or []:
            summary = stage.get("summary") if isinstance(stage, dict) else None
            if isinstance(summary, dict):
                summaries.append(summary.get("text") or _first_display(summary))
        distinct = list(dict.fromkeys(summaries))
        if len(distinct) == 1 and len(distinct[0]) <= 20:
            diagnosis["stage"] = distinct[0]
        elif distinct:
            self.notes.add(
                "unmapped",
                f"{where_of(res)}.stage",
                "import.stage_unclear",
                value=" / ".join(distinct),
            )

    # -- observations ----------------------------------------------------------------------
    def _observation(self, res: Json) -> None:
        maps, where = self.ctx.maps, where_of(res)
        found = {(str(c.get("system")), str(c["code"])) for c in codings(res.get("code"))}
        ecog, status = maps.data.ecog.code, maps.data.disease_status.code
        date = (
            self.notes.checked_date(res["effectiveDateTime"], where, "date")
            if res.get("effectiveDateTime")
            else None
        )
        if (maps.uri(ecog.system), ecog.code) in found:
            self._ecog(res, date, where)
        elif (maps.uri(status.system), status.code) in found:
            self._disease_status(res, date, where)
        else:
            what = f"observation {_first_display(res.get('code'))}"
            self.notes.add("not_used", where, "import.not_used", what=what)

    def _ecog(self, res: Json, date: str | None, where: str) -> None:
        value = res.get("valueInteger")
        if value is None:
            for item in codings(res.get("valueCodeableConcept")):
                value = self.ctx.maps.ecog_value(str(item.get("system")), str(item["code"]))
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 4:
            self.ecog.append(_Dated(date, value, where))
            self.used(res, "ecog")
        else:
            shown = value if value is not None else _first_display(res.get("valueCodeableConcept"))
            self.notes.add(
                "unmapped",
                where,
                "import.unmapped_value",
                value=shown,
                field=self.notes.field("ecog"),
            )

    def _disease_status(self, res: Json, date: str | None, where: str) -> None:
        maps = self.ctx.maps
        worsened = maps.data.disease_status.worsened
        trends = {(maps.uri(t.system), t.code): t.display for t in maps.data.disease_status.trends}
        for item in codings(res.get("valueCodeableConcept")):
            key = (str(item.get("system")), str(item["code"]))
            if key == (maps.uri(worsened.system), worsened.code):
                if date:
                    self.progressions.append(_Dated(date, date, where))
                    self.used(res, "last_progression")
                else:
                    self.notes.add(
                        "unmapped",
                        where,
                        "import.unmapped_value",
                        value=describe(item),
                        field=self.notes.field("last_progression"),
                    )
                return
            if key in trends:
                self.notes.add(
                    "not_used", where, "import.not_used", what=f"disease status: {trends[key]}"
                )
                return
        self.notes.add(
            "unmapped",
            where,
            "import.unmapped_value",
            value=_first_display(res.get("valueCodeableConcept")),
            field=self.notes.field("state"),
        )

    # -- medicines -------------------------------------------------------------------------
    def _medicine_concept(self, res: Json) -> Any:
        if "medicationCodeableConcept" in res:
            return res["medicationCodeableConcept"]
        medication = self.ctx.index.resolve(res.get("medicationReference"))
        return medication.get("code") if medication else None

    def _medication(self, res: Json) -> None:
        line = extensions(res, mcode.EXT_TREATMENT_LINE)
        position = sub_value(line[0], "position") if line else None
        if isinstance(position, int):
            self.line_parts.setdefault(position, []).append(res)
            return
        agent = self._agent(self._medicine_concept(res), where_of(res))
        if isinstance(agent, str) and agent not in ("unknown", "none"):
            self.foreign_medicines.append(agent)
        if agent != "none":
            start, end = self._medicine_dates(res)
            status = res.get("status")
            self.medicine_events.append(
                MedicineEvent(
                    None if agent in (None, "unknown") else agent,
                    start,
                    end,
                    where_of(res),
                    status if isinstance(status, str) else None,
                )
            )

    def _medicine_dates(self, res: Json) -> tuple[PartialDate | None, PartialDate | None]:
        """When a medicine was given (or, for a request, ordered for): start and end.

        Administrations and statements carry ``effective[x]``; a request carries its dosage
        bounds when the order gives them, else the date it was written (``authoredOn``).
        """
        where = where_of(res)
        start: Any = res.get("effectiveDateTime")
        end: Any = None
        period = res.get("effectivePeriod")
        if start is None and isinstance(period, dict):
            start, end = period.get("start"), period.get("end")
        if start is None and res["resourceType"] == "MedicationRequest":
            for dosage in res.get("dosageInstruction") or []:
                repeat = ((dosage or {}).get("timing") or {}).get("repeat") or {}
                bounds = repeat.get("boundsPeriod") if isinstance(repeat, dict) else None
                if isinstance(bounds, dict) and bounds.get("start") is not None:
                    start, end = bounds.get("start"), bounds.get("end")
                    break
            if start is None:
                start = res.get("authoredOn")
        first = self._partial(start, where)
        last = self._partial(end, where)
        if first and last and last.latest < first.earliest:
            self.notes.add(
                "problem", where, "import.unmapped_value", value=end, field=self.notes.field("date")
            )
            last = None
        return first, last

    def _partial(self, value: Any, where: str) -> PartialDate | None:
        if value is None:
            return None
        return self.notes.checked_partial(value, where, "date")

    def _agent(self, concept: Any, where: str) -> str | None:
        """A drug code, ``unknown``/``none`` (data absent), or None when not mapped (noted)."""
        if isinstance(concept, dict):
            for item in extensions(concept, mcode.DATA_ABSENT_REASON):
                return "none" if item.get("valueCode") == "not-applicable" else "unknown"
        items = codings(concept)
        for item in items:
            if item.get("system") == mcode.CS_DRUG:
                code = self.ctx.kb.resolve_drug(str(item["code"]))
                if code:
                    return code
        for item in items:
            drug = self.ctx.maps.drug(self.ctx.kb, str(item.get("system")), str(item["code"]))
            if drug is not None:
                return drug
        if isinstance(concept, dict) and isinstance(concept.get("text"), str):
            # A medicine given by name only (as Crossroads writes one without a standard code):
            # read when the whole text is a name the drug list knows, never a partial match.
            drug = self.ctx.kb.resolve_drug(concept["text"])
            if drug is not None:
                return drug
        shown = ", ".join(describe(i) for i in items) or _first_display(concept)
        self.notes.add(
            "unmapped", where, "import.unmapped_code", code=shown, field=self.notes.field("agent")
        )
        return None

    def _lines(self) -> None:
        lines = []
        for position in sorted(self.line_parts):
            parts = self.line_parts[position]
            first = parts[0]
            where = where_of(first)
            info = extensions(first, mcode.EXT_TREATMENT_LINE)[0]
            line: Json = {}
            for name, key in (
                ("regimen", "regimen"),
                ("kind", "kind"),
                ("bestResponse", "best_response"),
                ("refractory", "refractory"),
            ):
                value = sub_value(info, name)
                if value is not None:
                    line[key] = value
            progression = sub_value(info, "progression")
            if progression is not None:
                line["progression"] = self.notes.checked_date(progression, where, "progression")
            period = first.get("effectivePeriod") or {}
            for key in ("start", "end"):
                if period.get(key) is not None:
                    line[key] = self.notes.checked_date(
                        period[key], f"{where}.effectivePeriod", key
                    )
            agents = [self._agent(self._medicine_concept(p), where_of(p)) for p in parts]
            if all(a == "none" for a in agents):
                line["agents"] = []
            elif all(a not in (None, "unknown", "none") for a in agents):
                line["agents"] = agents
            more = sub_value(info, "more")
            if isinstance(more, str):
                line.update(self._json(more, where) or {})
            lines.append({k: v for k, v in line.items() if v is not None})
        if lines:
            self.ctx.data["lines"] = lines
        elif self.medicine_events:
            self._derived_lines()
        elif mcode.LIST_LINES in self.known_lists:
            self.ctx.data["lines"] = []
        if self.foreign_medicines and self.line_parts:
            names = list(dict.fromkeys(self.foreign_medicines))
            self.notes.add(
                "unmapped",
                "Bundle",
                "import.lines_not_grouped",
                count=len(self.foreign_medicines),
                names=", ".join(names),
            )

    def _derived_lines(self) -> None:
        """Lines from medicine records without a line grouping, by the published rules.

        Each derived line becomes a note naming its records and asking for confirmation; when the
        grouping is not settled the lines stay unknown and one note says why and what was read.
        """
        diagnosis = self.ctx.data.get("diagnosis")
        disease = diagnosis.get("disease") if isinstance(diagnosis, dict) else None
        result = derive_lines(
            self.medicine_events,
            self.ctx.kb,
            procedures=self.procedure_events,
            disease=disease if isinstance(disease, str) else None,
        )
        self._line_notes(result)
        lines = result.case_lines()
        if lines:  # no line found is not "no treatment": records may be missing, so unknown
            self.ctx.data["lines"] = lines

    def _line_notes(self, result: LinesResult) -> None:
        notes = self.notes
        if not notes.keep:  # no notes wanted: their words are all this method makes
            return
        if result.settled:
            for number, line in _numbered(result.lines):
                key = (
                    "import.line_derived"
                    if line.kind == "systemic"
                    else "import.maintenance_derived"
                )
                notes.add(
                    "problem",
                    ", ".join(line.sources),
                    key,
                    number=number,
                    agents=self._agents_text(line),
                    dates=self._dates_text(line),
                    reasons=" ".join(self._reason_text(r) for r in line.reasons),
                )
        else:
            found = "; ".join(
                notes.text(
                    "import.lines_found_line"
                    if line.kind == "systemic"
                    else "import.lines_found_maintenance",
                    number=number,
                    agents=self._agents_text(line),
                    dates=self._dates_text(line),
                )
                for number, line in _numbered(result.lines)
            )
            where = ", ".join(dict.fromkeys(s for s, _ in result.unsure if s)) or "Bundle"
            notes.add(
                "unmapped",
                where,
                "import.lines_unsure",
                reasons=" ".join(self._reason_text(r) for r in _merged(result.unsure)),
                found=found or notes.text("import.lines_found_none"),
            )
        left: dict[str, tuple[list[str], list[str]]] = {}
        for source, reason in result.left_out:
            sources, agents = left.setdefault(reason.key, ([], []))
            sources.append(source)
            agents.append(reason.as_dict().get("agent", ""))
        for key, (sources, agents) in left.items():
            names = self._names(",".join(a for a in dict.fromkeys(agents) if a))
            notes.add("not_used", ", ".join(sources), f"lines.{key}", agents=names or "?")

    def _names(self, codes: str) -> str:
        drugs, lang = self.ctx.kb.drugs, self.notes.lang
        parts = [c.strip() for c in codes.split(",") if c.strip()]
        joint = "、" if lang.startswith("zh") else ", "
        return joint.join(drugs[c].name.get(lang) if c in drugs else c for c in parts)

    def _agents_text(self, line: DerivedLine) -> str:
        if line.agents is None:
            return self.notes.text("import.lines_agents_unknown")
        return self._names(",".join(line.agents))

    def _dates_text(self, line: DerivedLine) -> str:
        start = str(line.start) if line.start else "?"
        if line.end is None:
            return self.notes.text("import.lines_ongoing", start=start)
        return self.notes.text("import.lines_dates", start=start, end=str(line.end))

    def _reason_text(self, reason: Reason) -> str:
        values = reason.as_dict()
        for key in ("agent", "agents", "other"):
            if key in values:
                values[key] = self._names(values[key])
        return self.notes.text(f"lines.{reason.key}", **values)

    # -- procedures and lists --------------------------------------------------------------
    def _procedure(self, res: Json) -> None:
        where = where_of(res)
        items = codings(res.get("code"))
        own = next((str(c["code"]) for c in items if c.get("system") == mcode.CS_PROCEDURE), None)
        kind = {v: k for k, v in mcode.TRANSPLANT_PROCEDURES.items()}.get(own or "")
        cellular = None
        if kind is None and own is None:
            rows = [self.ctx.maps.procedure(str(c.get("system")), str(c["code"])) for c in items]
            kind = next((r.transplant for r in rows if r is not None and r.transplant), None)
            cellular = next((r.cellular for r in rows if r is not None and r.cellular), None)
        item: Json = {}
        performed = res.get("performedDateTime") or (res.get("performedPeriod") or {}).get("start")
        if performed is not None:
            item["date"] = self.notes.checked_date(performed, where, "date")
        when = parsed_date(item["date"]) if item.get("date") else None
        if kind is not None:
            item["type"] = kind
            self.transplants.append(self._with_more(res, item))
            self.procedure_events.append(
                ProcedureEvent("allogeneic" if kind == "allogeneic" else "autologous", when, where)
            )
            self.used(res, "transplant")
        elif cellular is not None:
            self.procedure_events.append(ProcedureEvent("cellular", when, where))
            self._coded_cell_therapy(res, item)
        elif own == mcode.PROC_CELLULAR:
            target = first_value(res, mcode.EXT_CAR_TARGET)
            if target not in _TARGETS:
                self.notes.add(
                    "unmapped",
                    where,
                    "import.unmapped_value",
                    value=target,
                    field=self.notes.field("car_target"),
                )
                return
            item["target"] = target
            self.procedure_events.append(ProcedureEvent("cellular", when, where))
            used = res.get("usedCode") or []
            if used and isinstance(used[0], dict) and used[0].get("text"):
                item["product"] = used[0]["text"]
            self.cellular.append(self._with_more(res, item))
            self.used(res, "cellular")
        elif any(p.endswith(_NOT_READ_PROCEDURES) for p in _profiles(res)):
            what = f"procedure {_first_display(res.get('code'))}"
            self.notes.add("not_used", where, "import.not_used", what=what)
        else:
            shown = ", ".join(describe(c) for c in items) or _first_display(res.get("code"))
            self.notes.add(
                "unmapped",
                where,
                "import.unmapped_code",
                code=shown,
                field=self.notes.field("procedure"),
            )

    def _coded_cell_therapy(self, res: Json, item: Json) -> None:
        """A procedure coded as CAR-T therapy: a prior cellular therapy, whose target comes only
        from the product named in the record. Without a known product the target is not guessed
        (a CD19 and a BCMA product change different criteria), so the therapy stays unknown.
        """
        where = where_of(res)
        product = self._car_product(res.get("usedCode") or [])
        target = self.ctx.kb.products[product].target if product in self.ctx.kb.products else None
        if target is None:
            self.notes.add(
                "unmapped",
                where,
                "import.car_t_no_target",
                what=_first_display(res.get("code")),
                field=self.notes.field("car_target"),
            )
            return
        item.update({"target": target, "product": product})
        self.cellular.append(item)
        self.used(res, "cellular")

    def _car_product(self, used: list[Any]) -> str | None:
        """The knowledge-base code of the product in ``usedCode`` (by code, then by name)."""
        for concept in used:
            for coding in codings(concept):
                if coding.get("system") == mcode.CS_DRUG:
                    found = self.ctx.kb.resolve_drug(str(coding["code"]))
                else:
                    found = self.ctx.maps.drug(
                        self.ctx.kb, str(coding.get("system")), str(coding["code"])
                    )
                found = found or self.ctx.kb.resolve_drug(str(coding.get("display") or ""))
                if found:
                    return found
            text = concept.get("text") if isinstance(concept, dict) else None
            if isinstance(text, str) and (found := self.ctx.kb.resolve_drug(text)):
                return found
        return None

    def _with_more(self, res: Json, item: Json) -> Json:
        for ext in extensions(res, mcode.EXT_CASE_DATA):
            path, text = sub_value(ext, "path"), sub_value(ext, "json")
            value = self._json(text, where_of(res)) if isinstance(text, str) else None
            if isinstance(path, str):
                item[path] = value
        return {k: v for k, v in item.items() if v is not None}

    def _case_list(self, res: Json) -> bool:
        own = [c for c in codings(res.get("code")) if c.get("system") == mcode.CS_CASE_LIST]
        for item in own:
            self.known_lists.add(str(item["code"]))
        if own:
            self.used(res, "known_list")
        return bool(own)

    # -- settling --------------------------------------------------------------------------
    def _json(self, text: str, where: str) -> Any:
        try:
            return load_json(text)
        except json.JSONDecodeError:
            self.notes.add_text("problem", where, "case-data extension holds broken JSON; not used")
            return None
        except InputLimitError as exc:
            self.notes.add_text("problem", where, f"case-data extension not used: {exc.detail}")
            return None

    def _pick(self, found: list[_Dated], field_name: str) -> Any:
        """The latest dated value; equal values agree; otherwise a conflict note and None."""
        if not found:
            return None
        values = {repr(f.value) for f in found}
        if len(values) == 1:
            return found[0].value
        dated = sorted((f for f in found if f.date), key=lambda f: f.date or "")
        if len(dated) == len(found) and dated[-1].date != dated[-2].date:
            return dated[-1].value
        self.notes.add(
            "problem",
            ", ".join(f.where for f in found),
            "import.conflicting_codes",
            found=", ".join(sorted(values)),
            field=self.notes.field(field_name),
        )
        return None

    def finish(self) -> None:
        self._diagnosis()
        data = self.ctx.data
        ecog = self._pick(self.ecog, "ecog")
        if ecog is not None:
            data.setdefault("fitness", {})["ecog"] = ecog
        if self.progressions:
            latest = max(self.progressions, key=lambda f: f.date or "")
            data.setdefault("disease_status", {})["last_progression"] = latest.value
        self._lines()
        for key, items, code in (
            ("transplants", self.transplants, mcode.LIST_TRANSPLANTS),
            ("prior_cellular_therapy", self.cellular, mcode.LIST_CELLULAR),
        ):
            if items or code in self.known_lists:
                data[key] = items
        self._apply_residues(self.residues)

    def _apply_residues(self, residues: Iterable[tuple[str, str, str]]) -> None:
        for path, text, where in residues:
            value = self._json(text, where)
            if value is not None or text.strip() == "null":
                set_path(self.ctx.data, path, value)
