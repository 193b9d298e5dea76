"""Case record -> FHIR R4 Bundle (type ``collection``) using mCODE profiles where they fit.

Standard elements carry what they can: the Patient (name, birth date, sex, record numbers,
contact, country, language), the primary cancer Condition (disease code, stage, date of
diagnosis, relapse or remission as clinical status), the ECOG score, a CancerDiseaseStatus
"worsened" at the last progression, one MedicationAdministration per medicine of each line (with
its dates), and Procedures for transplants and cellular therapy. A List says when a collection is
known to be empty ("no transplants"), which absence alone cannot say.

Whatever FHIR has no element for (best response, refractory, relapse count, transplant
eligibility, preferences and the other workbench sections, and any field added later) goes into a
Crossroads extension, so that case -> Bundle -> case gives back the same record. Every mCODE
profile claimed in ``meta.profile`` is one whose rules :mod:`crossroads.interop.fhir.validate`
checks.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from typing import Any

from crossroads.interop.fhir import mcode
from crossroads.interop.fhir.elements import Json, coding, ext, reference
from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import FhirMaps, load_fhir_maps
from crossroads.record.case import Case

_NAMESPACE = uuid.UUID("8a1f0c3e-4b7d-5e2a-9c61-2f3d4e5a6b7c")
_DEFAULTS = Case().to_data()
# Sections whose fields partly go to standard elements: what is left goes field by field.
_SHARED_SECTIONS = frozenset({"patient", "diagnosis", "disease_status", "fitness"})


def case_json(value: Any) -> str:
    """Compact, stable JSON for a case-data extension."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def case_data_extension(path: str, value: Any) -> Json:
    return ext(
        mcode.EXT_CASE_DATA,
        extension=[ext("path", valueString=path), ext("json", valueString=case_json(value))],
    )


def _absent(reason: str) -> Json:
    return ext(mcode.DATA_ABSENT_REASON, valueCode=reason)


def _identifier(label: str | None, value: str) -> Json:
    """A record number as an Identifier that always has a ``system``.

    A label that is already a URI ("https://github.com/synthetichealth/synthea") is the system;
    a plain label ("hospital MRN") goes in ``type.text`` under Crossroads' record-number system,
    because Identifier.system must be a URI and inventing one per hospital would be a guess.
    """
    if label is not None and label.startswith(("http://", "https://", "urn:")):
        return {"system": label, "value": value}
    out: Json = {"type": {"text": label}} if label else {}
    return {**out, "system": mcode.SID_RECORD_NUMBER, "value": value}


class _Exporter:
    """Builds one bundle; ``rest`` holds the case data not yet carried by any element."""

    def __init__(self, case: Case, kb: KnowledgeBase, maps: FhirMaps) -> None:
        self.kb, self.maps = kb, maps
        self.rest = case.to_data()
        self.seed = hashlib.sha256(case_json(self.rest).encode()).hexdigest()
        self.entries: list[Json] = []
        self.patient_url = self._url("Patient", 0)
        self.assessment_date: str | None = None
        self.condition_url = self._url("Condition", 0)

    # -- plumbing ---------------------------------------------------------------------------
    def _id(self, kind: str, index: int) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.seed}/{kind}/{index}"))

    def _url(self, kind: str, index: int) -> str:
        return f"urn:uuid:{self._id(kind, index)}"

    def _add(self, url: str, resource: Json) -> None:
        resource["id"] = url.removeprefix("urn:uuid:")
        self.entries.append({"fullUrl": url, "resource": resource})

    def _take(self, section: str, key: str) -> Any:
        part = self.rest.get(section)
        return part.pop(key, None) if isinstance(part, dict) else None

    # -- patient ----------------------------------------------------------------------------
    def patient(self) -> Json:
        take = self._take
        res: Json = {"resourceType": "Patient"}
        numbers = take("patient", "record_numbers") or []
        if numbers:
            res["identifier"] = [_identifier(n.get("system"), n["value"]) for n in numbers]
        if (name := take("patient", "name")) is not None:
            # The case keeps a name as written, so which part is the family name is not known:
            # HumanName.text only, and no US Core / mCODE CancerPatient claim (it needs family
            # or given).
            res["name"] = [{"text": name}]
        telecom, address = [], {}
        contact = self.rest.get("patient", {}).get("contact")
        if isinstance(contact, dict) and contact:
            for system, key in (("phone", "phone"), ("email", "email")):
                if key in contact:
                    telecom.append({"system": system, "value": contact.pop(key)})
            if "address" in contact:
                address["text"] = contact.pop("address")
            if not contact:
                take("patient", "contact")
        if telecom:
            res["telecom"] = telecom
        if (sex := take("patient", "sex")) is not None:
            res["gender"] = sex
        if (born := take("patient", "birth_date")) is not None:
            res["birthDate"] = born
        for key in ("city", "country"):
            if (value := take("patient", key)) is not None:
                address[key] = value
        if address:
            res["address"] = [address]
        if (lang := take("patient", "language")) is not None:
            res["communication"] = [
                {"language": {"coding": [coding(mcode.BCP47, lang)]}, "preferred": True}
            ]
        res["extension"] = self._patient_extensions()
        return res

    def _patient_extensions(self) -> list[Json]:
        out: list[Json] = []
        if (age := self._take("patient", "age_years")) is not None:
            out.append(ext(mcode.EXT_AGE_YEARS, valueInteger=age))
        if (when := self.rest.pop("assessment_date", None)) is not None:
            self.assessment_date = when
            out.append(ext(mcode.EXT_ASSESSMENT_DATE, valueDate=when))
        if (eligible := self.rest.pop("transplant_eligible", None)) is not None:
            out.append(ext(mcode.EXT_TRANSPLANT_ELIGIBLE, valueBoolean=eligible))
        if self.rest.get("transplant_ineligible_reasons"):
            for reason in self.rest.pop("transplant_ineligible_reasons"):
                out.append(ext(mcode.EXT_INELIGIBLE_REASON, valueCode=reason))
        if (infection := self._take("fitness", "active_infection")) is not None:
            out.append(ext(mcode.EXT_ACTIVE_INFECTION, valueBoolean=infection))
        organs = self.rest.get("fitness", {}).get("organ_dysfunction")
        # Organ codes alone go to the extension; a list with details ("lung: mild COPD") stays
        # whole in the case-data residue, so the details are not lost.
        if organs and all(isinstance(o, str) for o in organs):
            for organ in self._take("fitness", "organ_dysfunction"):
                out.append(ext(mcode.EXT_ORGAN_DYSFUNCTION, valueCode=organ))
        return out

    # -- condition --------------------------------------------------------------------------
    def condition(self) -> Json | None:
        has_diagnosis = bool(self.rest.get("diagnosis")) or bool(self.rest.get("disease_status"))
        if not has_diagnosis and not self.rest.get("lines"):
            return None
        res: Json = {
            "resourceType": "Condition",
            "meta": {"profile": [mcode.PRIMARY_CANCER_CONDITION]},
            "category": [{"coding": [coding(mcode.CONDITION_CATEGORY, "problem-list-item")]}],
            "code": self._disease_code(),
            "subject": reference(self.patient_url),
        }
        state = self._take("disease_status", "state")
        status = self.maps.data.clinical_status.export.get(state) if state else None
        res["clinicalStatus"] = (
            {"coding": [coding(mcode.CONDITION_CLINICAL, status)]}
            if status
            else {"extension": [_absent("unknown")]}
        )
        if (diagnosed := self._take("diagnosis", "diagnosed")) is not None:
            res["onsetDateTime"] = diagnosed
        if (stage := self._take("diagnosis", "stage")) is not None:
            res["stage"] = [{"summary": {"text": stage}}]
        extensions = []
        if (cns := self._take("diagnosis", "cns_involvement")) is not None:
            extensions.append(ext(mcode.EXT_CNS_INVOLVEMENT, valueBoolean=cns))
        antigens = self.rest.get("diagnosis", {}).get("target_antigens")
        if isinstance(antigens, dict) and antigens:
            for antigen in sorted(antigens):
                result = antigens.pop(antigen)
                parts = [ext("antigen", valueCode=antigen), ext("result", valueCode=result)]
                extensions.append(ext(mcode.EXT_TARGET_ANTIGEN, extension=parts))
            self._take("diagnosis", "target_antigens")
        if state is not None and status in (None, "active"):  # the status alone is vague
            extensions.append(ext(mcode.EXT_DISEASE_STATE, valueCode=state))
        if (number := self._take("disease_status", "relapse_number")) is not None:
            extensions.append(ext(mcode.EXT_RELAPSE_NUMBER, valueInteger=number))
        if (rapid := self._take("disease_status", "rapid_progression")) is not None:
            extensions.append(ext(mcode.EXT_RAPID_PROGRESSION, valueBoolean=rapid))
        if extensions:
            res["extension"] = extensions
        return res

    def _disease_code(self) -> Json:
        disease = self.rest.get("diagnosis", {}).get("disease")
        if disease is None:
            return {"extension": [_absent("unknown")], "text": "cancer, kind not recorded"}
        self._take("diagnosis", "disease")
        subtype = self._take("diagnosis", "subtype")
        code = f"{disease}.{subtype}" if subtype else disease
        name = self.kb.code_name(subtype or disease, "en")
        codings = [
            coding(self.maps.uri(row.system), row.code, row.display)
            for row in self.maps.export_codes(disease, subtype)
        ]
        codings.append(coding(mcode.CS_DIAGNOSIS, code, name))
        return {"coding": codings, "text": name}

    # -- observations -----------------------------------------------------------------------
    def observations(self) -> list[Json]:
        out = []
        ecog = self._take("fitness", "ecog")
        if ecog is not None:
            table = self.maps.data.ecog
            res: Json = {
                "resourceType": "Observation",
                "meta": {"profile": [mcode.ECOG_PERFORMANCE_STATUS]},
                "status": "final",
                "category": [{"coding": [coding(mcode.OBSERVATION_CATEGORY, "survey")]}],
                "code": {"coding": [self._coding(table.code)]},
                "subject": reference(self.patient_url),
                **self._effective(self.assessment_date),
                "valueInteger": ecog,
            }
            answer = self.maps.ecog_answer(ecog)
            if answer is not None:
                res["interpretation"] = [{"coding": [self._coding(answer)]}]
            out.append(res)
        progression = self._take("disease_status", "last_progression")
        if progression is not None:
            codes = self.maps.data.disease_status
            out.append(
                {
                    "resourceType": "Observation",
                    "meta": {"profile": [mcode.CANCER_DISEASE_STATUS]},
                    "status": "final",
                    "code": {"coding": [self._coding(codes.code)]},
                    "subject": reference(self.patient_url),
                    "focus": [reference(self.condition_url)],
                    "effectiveDateTime": progression,
                    "valueCodeableConcept": {"coding": [self._coding(codes.worsened)]},
                }
            )
        return out

    @staticmethod
    def _effective(when: str | None) -> Json:
        """When an observation holds: the case's assessment date (the date its facts describe),
        or, when the case has none, an explicit "unknown" rather than a made-up date."""
        if when is not None:
            return {"effectiveDateTime": when}
        return {"_effectiveDateTime": {"extension": [_absent("unknown")]}}

    def _coding(self, row: Any) -> Json:
        return coding(self.maps.uri(row.system), row.code, row.display)

    # -- treatment lines --------------------------------------------------------------------
    def lines(self) -> None:
        lines = self.rest.pop("lines", None)
        if lines is None:
            return
        urls: list[str] = []
        for position, line in enumerate(lines, start=1):
            line_ext = self._line_extension(position, line)
            agents = line.pop("agents", None)
            start, end = line.pop("start", None), line.pop("end", None)
            period: Json = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
            meds = [self._medicine(a) for a in agents] if agents else [self._no_medicine(agents)]
            for med in meds:
                url = self._url("MedicationAdministration", len(urls))
                urls.append(url)
                self._add(
                    url,
                    {
                        "resourceType": "MedicationAdministration",
                        "meta": {"profile": [mcode.MEDICATION_ADMINISTRATION]},
                        "extension": [line_ext],
                        "status": "completed" if end else "unknown",
                        "medicationCodeableConcept": med,
                        "subject": reference(self.patient_url),
                        "effectivePeriod": period or {"extension": [_absent("unknown")]},
                        "reasonReference": [reference(self.condition_url)],
                    },
                )
        self._list(mcode.LIST_LINES, urls)

    def _line_extension(self, position: int, line: Json) -> Json:
        parts = [ext("position", valueInteger=position)]
        for key, name, kind in (
            ("regimen", "regimen", "valueString"),
            ("kind", "kind", "valueCode"),
            ("best_response", "bestResponse", "valueCode"),
            ("progression", "progression", "valueDateTime"),
            ("refractory", "refractory", "valueBoolean"),
        ):
            if line.get(key) is not None:
                parts.append(ext(name, **{kind: line.pop(key)}))
        more = {k: v for k, v in line.items() if k not in ("agents", "start", "end")}
        for key in more:
            line.pop(key)
        if more:
            parts.append(ext("more", valueString=case_json(more)))
        return ext(mcode.EXT_TREATMENT_LINE, extension=parts)

    def _medicine(self, agent: str) -> Json:
        """RxNorm and ATC codings where the drug list has them, the name as text.

        The Crossroads drug code rides along only next to a standard code (a receiver that knows
        no Crossroads system still reads the medicine); a medicine without one is text only,
        which the importer reads back by name.
        """
        drug = self.kb.drugs.get(agent)
        name = drug.name.en if drug else agent
        codings = [coding(uri, code, name) for uri, code in self.maps.drug_codings(self.kb, agent)]
        if not codings:
            return {"text": name}
        return {"coding": [*codings, coding(mcode.CS_DRUG, agent, name)], "text": name}

    @staticmethod
    def _no_medicine(agents: list[str] | None) -> Json:
        if agents is None:
            return {"extension": [_absent("unknown")], "text": "medicines not recorded"}
        return {"extension": [_absent("not-applicable")], "text": "no medicine in this line"}

    # -- procedures -------------------------------------------------------------------------
    def transplants(self) -> None:
        items = self.rest.pop("transplants", None)
        if items is None:
            return
        urls = []
        for i, item in enumerate(items):
            kind = item.pop("type")
            codings = []
            row = self.maps.transplant_code(kind)
            if row is not None:
                codings.append(self._coding(row))
            text = f"{kind} stem-cell transplant"
            codings.append(coding(mcode.CS_PROCEDURE, mcode.TRANSPLANT_PROCEDURES[kind], text))
            res = self._procedure({"coding": codings, "text": text}, item.pop("date", None))
            self._more(res, item)
            url = self._url("Procedure", i)
            urls.append(url)
            self._add(url, res)
        self._list(mcode.LIST_TRANSPLANTS, urls)

    def cellular_therapy(self) -> None:
        items = self.rest.pop("prior_cellular_therapy", None)
        if items is None:
            return
        urls = []
        for i, item in enumerate(items):
            text = "CAR-T or other cellular therapy"
            codings = [coding(mcode.CS_PROCEDURE, mcode.PROC_CELLULAR, text)]
            product = item.pop("product", None)
            drug = self.kb.resolve_drug(product) if product is not None else None
            row = self.maps.cellular_code("car_t")
            if drug is not None and "car_t" in self.kb.drugs[drug].classes and row is not None:
                codings.insert(0, self._coding(row))  # only a named CAR-T product says CAR-T
            code = {"coding": codings, "text": text}
            res = self._procedure(code, item.pop("date", None))
            res["extension"] = [ext(mcode.EXT_CAR_TARGET, valueCode=item.pop("target"))]
            if product is not None:
                used: Json = {"text": product}
                if drug is not None:
                    name = self.kb.drugs[drug].name.en
                    standard = self.maps.drug_codings(self.kb, drug)
                    if standard:
                        used["coding"] = [
                            *(coding(uri, code, name) for uri, code in standard),
                            coding(mcode.CS_DRUG, drug, name),
                        ]
                res["usedCode"] = [used]
            self._more(res, item)
            url = self._url("CellularTherapy", i)
            urls.append(url)
            self._add(url, res)
        self._list(mcode.LIST_CELLULAR, urls)

    def _procedure(self, code: Json, date: str | None) -> Json:
        res: Json = {
            "resourceType": "Procedure",
            "status": "completed",
            "code": code,
            "subject": reference(self.patient_url),
        }
        if date is not None:
            res["performedDateTime"] = date
        return res

    @staticmethod
    def _more(resource: Json, rest: Json) -> None:
        for key in sorted(rest):
            resource.setdefault("extension", []).append(case_data_extension(key, rest[key]))

    def _list(self, code: str, urls: list[str]) -> None:
        res: Json = {
            "resourceType": "List",
            "status": "current",
            "mode": "snapshot",
            "code": {"coding": [coding(mcode.CS_CASE_LIST, code)]},
            "subject": reference(self.patient_url),
        }
        if urls:
            res["entry"] = [{"item": reference(u)} for u in urls]
        else:
            res["emptyReason"] = {"coding": [coding(mcode.LIST_EMPTY_REASON, "nilknown")]}
        self._add(self._url("List", len(self.entries)), res)

    # -- what is left -----------------------------------------------------------------------
    def residue(self) -> list[Json]:
        """Every field not carried yet, as ``case-data`` extensions (path + JSON)."""
        out = []
        for key in sorted(self.rest):
            value = self.rest[key]
            if key == "schema" or value == _DEFAULTS.get(key, object()):
                continue
            default = _DEFAULTS.get(key)
            if key in _SHARED_SECTIONS and isinstance(value, dict) and isinstance(default, dict):
                for sub in sorted(value):
                    if value[sub] != default.get(sub, object()):
                        out.append(case_data_extension(f"{key}.{sub}", value[sub]))
            else:
                out.append(case_data_extension(key, value))
        return out

    def bundle(self) -> Json:
        patient = self.patient()
        condition = self.condition()
        observations = self.observations()
        self._add(self.patient_url, patient)
        if condition is not None:
            self._add(self.condition_url, condition)
        for i, obs in enumerate(observations):
            self._add(self._url("Observation", i), obs)
        self.lines()
        self.transplants()
        self.cellular_therapy()
        patient["extension"] += self.residue()
        if not patient["extension"]:
            del patient["extension"]
        return {
            "resourceType": "Bundle",
            "id": self._id("Bundle", 0),
            "type": "collection",
            "entry": self.entries,
        }


def export_case(case: Case, kb: KnowledgeBase, maps: FhirMaps | None = None) -> Json:
    """The case as a FHIR R4 Bundle (plain JSON data); the same case gives the same bundle.

    Drug and disease codes are expected in knowledge-base form (run ``check_codes`` first).
    """
    return _Exporter(copy.deepcopy(case), kb, maps or load_fhir_maps()).bundle()
