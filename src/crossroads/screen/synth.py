"""A synthetic cohort as FHIR Bulk Data NDJSON, for screening tests and benchmarks.

Why synthetic: screening is tested and measured on tens of thousands of records, and no real
record may sit in the repository. The cohort is written the way a hospital's ``$export`` writes
one (one file per resource type, one resource a line, each pointing at its ``Patient``), with the
gaps and coding variants real records have: dates known only to the month or year, medicines
named by RxNorm code, by name only or by a local code, diagnoses coded in SNOMED CT, ICD-O-3,
ICD-10-CM or as text only, and facts simply absent. Codes come from the knowledge base (the FHIR
maps, the drug list, the regimens), so the file says only what the importer can read; the mix
is in ``synth.yaml``. The same seed always writes the same files.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from crossroads.common.yamlio import load_yaml
from crossroads.interop.fhir import mcode
from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import FhirMaps, load_fhir_maps
from crossroads.kb.regimens import load_regimens

SETTINGS = Path(__file__).with_name("synth.yaml")
RESOURCE_TYPES = (
    "Patient",
    "Condition",
    "MedicationAdministration",
    "MedicationRequest",
    "MedicationStatement",
    "Procedure",
    "Observation",
)
LOCAL_DRUG_SYSTEM = "http://hospital.example.org/fhir/CodeSystem/local-drug"
"""A code system no table maps: the importer reports such a medicine as not understood."""

Json = dict[str, Any]


@dataclass(frozen=True)
class SynthSettings:
    """The cohort mix read from ``synth.yaml``."""

    raw: Mapping[str, Any]

    @classmethod
    def load(cls, path: Path = SETTINGS) -> SynthSettings:
        return cls(load_yaml(path.read_text(encoding="utf-8")))

    def weights(self, key: str) -> tuple[list[str], list[int]]:
        table = self.raw[key]
        return list(table), [int(v) for v in table.values()]


@dataclass
class _Codes:
    """What the generator may write, taken from the knowledge base once."""

    kb: KnowledgeBase
    maps: FhirMaps
    disease_codes: dict[str, dict[str, list[tuple[str, str, str]]]] = field(default_factory=dict)
    regimens: dict[str, list[list[str]]] = field(default_factory=dict)
    procedures: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # CAR-T products by the disease of their indications, so a prior CAR-T is one the knowledge
    # base lists for that disease (its target follows from the product)
    products: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        systems = self.maps.data.systems
        for row in self.maps.data.diseases:
            if row.subtype is None and row.state is None:
                entry = (systems[row.system], row.code, row.display)
                self.disease_codes.setdefault(row.disease, {}).setdefault(row.system, []).append(
                    entry
                )
        for amb in self.maps.data.export:  # follicular lymphoma: only its ambiguous code
            if amb.disease not in self.disease_codes:
                entry = (systems[amb.system], amb.code, amb.display)
                self.disease_codes.setdefault(amb.disease, {}).setdefault(amb.system, []).append(
                    entry
                )
        for regimen in load_regimens().all:
            if regimen.kind == "treatment" and all(a in self.kb.drugs for a in regimen.agents):
                for disease in regimen.diseases:
                    self.regimens.setdefault(disease, []).append(list(regimen.agents))
        for proc in self.maps.data.procedures:
            key = proc.transplant or proc.cellular or ""
            self.procedures[key] = (systems[proc.system], proc.code, proc.display)
        for product in sorted(self.kb.products.values(), key=lambda p: p.code):
            for disease in dict.fromkeys(i.disease for i in product.indications):
                self.products.setdefault(disease, []).append(product.code)


class _Writer:
    """One NDJSON file per resource type, written in order."""

    def __init__(self, out: Path, stack: ExitStack) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, IO[str]] = {
            kind: stack.enter_context((out / f"{kind}.ndjson").open("w", encoding="utf-8"))
            for kind in RESOURCE_TYPES
        }
        self.counts = dict.fromkeys(RESOURCE_TYPES, 0)

    def write(self, resource: Json) -> None:
        kind = resource["resourceType"]
        self.files[kind].write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
        self.files[kind].write("\n")
        self.counts[kind] += 1


class _Patient:
    """The resources of one synthetic patient."""

    def __init__(
        self, rng: random.Random, codes: _Codes, settings: SynthSettings, pid: str, today: dt.date
    ) -> None:
        self.rng, self.codes, self.settings, self.pid, self.today = rng, codes, settings, pid, today
        self.ref = {"reference": f"Patient/{pid}"}
        self.n = 0

    def pick(self, key: str) -> str:
        names, weights = self.settings.weights(key)
        return self.rng.choices(names, weights)[0]

    def chance(self, percent: float) -> bool:
        return self.rng.random() * 100 < percent

    def rid(self, kind: str) -> str:
        self.n += 1
        return f"{self.pid}-{kind[:3].lower()}{self.n}"

    def date(self, day: dt.date) -> str:
        precision = self.pick("date_precision")
        if precision == "day":
            return day.isoformat()
        return f"{day.year:04d}-{day.month:02d}" if precision == "month" else f"{day.year:04d}"

    # -- the record ------------------------------------------------------------------------
    def resources(self) -> Iterator[Json]:
        rng, present = self.rng, self.settings.raw["present"]
        disease = self.pick("diseases")
        age = rng.randint(18, 85) if disease != "ball" else rng.randint(3, 70)
        born = self.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        patient: Json = {
            "resourceType": "Patient",
            "id": self.pid,
            "gender": rng.choice(["female", "male"]),
        }
        if self.chance(present["birth_date"]):
            patient["birthDate"] = self.date(born)
        yield patient
        count = rng.choices(range(6), self.settings.raw["lines"][disease])[0]
        diagnosed = self.today - dt.timedelta(days=rng.randint(120, 365 * 8))
        yield self.condition(disease, diagnosed)
        starts = self._line_starts(diagnosed, count)
        for start in starts:
            yield from self.line(disease, start)
        if starts:
            yield from self.procedures(disease, starts)
        if self.chance(present["ecog"]):
            yield self.ecog()
        if starts and self.chance(present["progression_observation"]):
            yield self.progression(starts[-1])

    def _line_starts(self, diagnosed: dt.date, count: int) -> list[dt.date]:
        starts, day = [], diagnosed + dt.timedelta(days=self.rng.randint(7, 40))
        for _ in range(count):
            if day >= self.today - dt.timedelta(days=30):
                break
            starts.append(day)
            day += dt.timedelta(days=self.rng.randint(200, 600))
        return starts

    def condition(self, disease: str, diagnosed: dt.date) -> Json:
        variant = self.pick("diagnosis_coding")
        known = self.codes.disease_codes.get(disease, {})
        if variant in ("snomed", "icdo3") and variant not in known:
            variant = "snomed" if "snomed" in known else "own"
        name = self.codes.kb.diseases[disease].name.en
        if variant in ("snomed", "icdo3"):
            system, code, display = self.rng.choice(known[variant])
            concept: Json = {"coding": [{"system": system, "code": code, "display": display}]}
        elif variant == "own":
            code = disease
            subtypes = self.settings.raw["own_subtypes"].get(disease)
            if subtypes:
                code += "." + self.rng.choices(list(subtypes), list(subtypes.values()))[0]
            concept = {"coding": [{"system": mcode.CS_DIAGNOSIS, "code": code}]}
        elif variant == "icd10cm":
            row = self.settings.raw["icd10cm"][disease]
            system = self.codes.maps.data.systems["icd10cm"]
            concept = {
                "coding": [{"system": system, "code": row["code"], "display": row["display"]}]
            }
        else:
            concept = {"text": name}
        status = self.pick("clinical_status")
        return {
            "resourceType": "Condition",
            "id": self.rid("Condition"),
            "meta": {"profile": [mcode.PRIMARY_CANCER_CONDITION]},
            "clinicalStatus": {"coding": [{"system": mcode.CONDITION_CLINICAL, "code": status}]},
            "code": concept,
            "subject": self.ref,
            "onsetDateTime": self.date(diagnosed),
        }

    def line(self, disease: str, start: dt.date) -> Iterator[Json]:
        choices = self.codes.regimens.get(disease) or self.codes.regimens["lbcl"]
        agents = self.rng.choice(choices)
        length = self.rng.randint(60, 170)
        end = start + dt.timedelta(days=length)
        with_end = self.chance(self.settings.raw["present"]["line_end_date"])
        for agent in agents:
            yield self.medicine(agent, start, min(end, self.today) if with_end else None)

    def medicine(self, agent: str, start: dt.date, end: dt.date | None) -> Json:
        kind = self.pick("medicine_resource")
        variant = self.pick("medicine_coding")
        drug = self.codes.kb.drugs[agent]
        if variant == "rxnorm" and drug.rxnorm:
            system = self.codes.maps.data.systems["rxnorm"]
            concept: Json = {"coding": [{"system": system, "code": drug.rxnorm}], "text": agent}
        elif variant in ("text", "rxnorm"):
            concept = {"text": agent}
        elif variant == "local":
            concept = {
                "coding": [{"system": LOCAL_DRUG_SYSTEM, "code": f"L{self.rng.randint(100, 999)}"}]
            }
        else:
            concept = {"extension": [{"url": mcode.DATA_ABSENT_REASON, "valueCode": "unknown"}]}
        res: Json = {
            "resourceType": kind,
            "id": self.rid(kind),
            "medicationCodeableConcept": concept,
        }
        period = {"start": self.date(start)} | ({"end": self.date(end)} if end else {})
        if kind == "MedicationRequest":
            res.update(status="completed", intent="order", subject=self.ref)
            res["authoredOn"] = period["start"]
            res["dosageInstruction"] = [{"timing": {"repeat": {"boundsPeriod": period}}}]
        elif kind == "MedicationStatement":
            res.update(status="completed", subject=self.ref, effectivePeriod=period)
        else:
            res.update(status="completed", subject=self.ref, effectivePeriod=period)
        return res

    def procedures(self, disease: str, starts: Sequence[dt.date]) -> Iterator[Json]:
        transplant = self.settings.raw["transplant"]
        for kind in ("autologous", "allogeneic"):
            if self.chance(transplant[kind].get(disease, 0)):
                day = starts[0] + dt.timedelta(days=self.rng.randint(120, 180))
                if day < self.today:
                    yield self.procedure(self.codes.procedures[kind], day)
        if self.chance(self.settings.raw["prior_car_t"].get(disease, 0)) and len(starts) > 1:
            product = self.rng.choice(self.codes.products[disease])
            day = starts[-1] - dt.timedelta(days=self.rng.randint(30, 90))
            res = self.procedure(self.codes.procedures["car_t"], day)
            res["usedCode"] = [{"text": product}]
            yield res

    def procedure(self, code: tuple[str, str, str], day: dt.date) -> Json:
        system, value, display = code
        return {
            "resourceType": "Procedure",
            "id": self.rid("Procedure"),
            "status": "completed",
            "code": {"coding": [{"system": system, "code": value, "display": display}]},
            "subject": self.ref,
            "performedDateTime": self.date(day),
        }

    def ecog(self) -> Json:
        ecog = self.codes.maps.data.ecog.code
        return {
            "resourceType": "Observation",
            "id": self.rid("Observation"),
            "status": "final",
            "code": {"coding": [{"system": self.codes.maps.uri(ecog.system), "code": ecog.code}]},
            "subject": self.ref,
            "effectiveDateTime": (
                self.today - dt.timedelta(days=self.rng.randint(5, 60))
            ).isoformat(),
            "valueInteger": self.rng.choices(range(5), [30, 40, 18, 9, 3])[0],
        }

    def _days_ago(self, least: int, most: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(least, most))

    def _coding(self, system: str, code: str) -> Json:
        return {"coding": [{"system": self.codes.maps.uri(system), "code": code}]}

    def progression(self, last_start: dt.date) -> Json:
        status = self.codes.maps.data.disease_status
        day = min(last_start + dt.timedelta(days=self.rng.randint(90, 400)), self.today)
        return {
            "resourceType": "Observation",
            "id": self.rid("Observation"),
            "status": "final",
            "code": {
                "coding": [
                    {"system": self.codes.maps.uri(status.code.system), "code": status.code.code}
                ]
            },
            "subject": self.ref,
            "effectiveDateTime": self.date(day),
            "valueCodeableConcept": {
                "coding": [
                    {
                        "system": self.codes.maps.uri(status.worsened.system),
                        "code": status.worsened.code,
                    }
                ]
            },
        }


def write_cohort(
    out: Path,
    patients: int,
    seed: int,
    kb: KnowledgeBase,
    today: dt.date,
    settings: SynthSettings | None = None,
    progress: Any = None,
) -> dict[str, int]:
    """Write ``patients`` synthetic patients as Bulk NDJSON files into ``out``; the number of
    resources of each type. ``progress(n)`` is called every 1,000 patients."""
    codes = _Codes(kb, load_fhir_maps())
    mix = settings or SynthSettings.load()
    with ExitStack() as stack:
        writer = _Writer(out, stack)
        for number in range(patients):
            rng = random.Random(f"{seed}:{number}")
            person = _Patient(rng, codes, mix, f"pt{number:07d}", today)
            for resource in person.resources():
                writer.write(resource)
            if progress is not None and (number + 1) % 1000 == 0:
                progress(1000)
        if progress is not None:
            progress(patients % 1000)
    return writer.counts
