"""Code mapping tables between FHIR code systems and Crossroads codes (``kb/data/fhir_maps.yaml``).

Why a table and not code: which SNOMED CT or ICD-10 code means which Crossroads disease is a
clinical fact with a source, so it lives in cited data like every other fact. The FHIR importer
asks this module "what does this code mean here?" and gets a row, an ambiguity note or nothing;
nothing means the field stays unknown and the import report says so. Medicines are the exception
that proves the rule: their RxNorm, ATC and SNOMED CT codes are written once, on each drug entry of
the drug list (``kb/data/drugs/``), and the look-ups here only turn a code system URI into the
drug list's system key, so a new drug brings its codes with it.

``findings`` checks the tables against the knowledge base for ``crossroads kb check``: every
target code must exist, every row must be cited, and ECOG must map 0 to 5 exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb.base import DATA_DIR, KnowledgeBase, entry, read_model
from crossroads.kb.check import Finding, cited_findings, release_findings
from crossroads.kb.loader import cached
from crossroads.kb.models import Cited, Data, Text

MAPS_FILE = DATA_DIR / "fhir_maps.yaml"
State = Literal["relapsed", "refractory", "remission", "progressing"]
TransplantType = Literal["autologous", "allogeneic"]
CellularType = Literal["car_t"]
_ICD_MARKS = str.maketrans("", "", ". +*!")  # ICD-10-GM adds + * ! to some codes

# Keys of `systems` whose codes drug entries carry (Drug.rxnorm, Drug.atc, Drug.snomed).
DRUG_CODE_SYSTEMS = ("rxnorm", "atc", "snomed")

# Why the line-of-therapy rules (engine/lines.py) grouped, split, left out or could not settle
# medicine records; the import report words each one (``lines.<key>`` phrases).
LINE_REASONS = (
    "opened_first",
    "opened_gap",
    "opened_new_agent",
    "opened_second_transplant",
    "opened_transplant",
    "joined_substitution",
    "joined_after_transplant",
    "maintenance",
    "conditioning",
    "conditioning_cellular",
    "unknown_agent",
    "dropped",
    "unsure_gap",
    "unsure_window",
    "unsure_after_transplant",
    "unsure_tandem",
    "unsure_transplant_alone",
    "unsure_unknown_outside",
    "unsure_unknown_near",
    "unsure_no_date",
    "unsure_conditioning",
    "unsure_conditioning_alone",
    "unsure_disease",
    "left_supportive",
    "left_steroid",
    "left_planned",
)

# Phrases the FHIR importer and the CDS Hooks cards look up; `findings` refuses a file without one.
REQUIRED_PHRASES = (
    "import.unmapped_code",
    "import.ambiguous_code",
    "import.conflicting_codes",
    "import.no_code",
    "import.not_used",
    "import.other_patient",
    "import.many_patients",
    "import.no_patient",
    "import.unmapped_value",
    "import.lines_not_grouped",
    "import.stage_unclear",
    "import.fhir_problem",
    "import.line_derived",
    "import.maintenance_derived",
    "import.lines_unsure",
    "import.lines_dates",
    "import.lines_ongoing",
    "import.lines_agents_unknown",
    "import.lines_found_line",
    "import.lines_found_maintenance",
    "import.lines_found_none",
    *(f"lines.{key}" for key in LINE_REASONS),
    "import.car_t_no_target",
    "import.other_cancer",
    "report.used_for",
    "report.title",
    "report.resource",
    "report.outcome",
    "report.detail",
    "report.outcome.used",
    "report.outcome.ignored",
    "report.outcome.not_understood",
    "report.unmapped",
    "report.ambiguous",
    "report.problem",
    "report.not_used",
    "report.complete",
    "report.warning",
    "cds.category",
    "cds.on_label",
    "cds.none_on_label",
    "cds.needs_info.summary",
    "cds.needs_info.detail",
    "cds.not_read",
    "cds.open_case",
    "cds.could_not_send",
    "cds.more_pages",
    "cds.pages_stopped",
    "cds.page_limit",
    "cds.could_not_fetch",
    "cds.more",
    "cds.source",
)


class Header(Data):
    release: str
    as_of: dt.date


class SystemAlias(Cited):
    """Another URI (an OID or an older URL) for one of the code systems in `systems`."""

    system: str = Field(description="Key of `systems`")
    uri: str = Field(min_length=1)


class CodeRow(Cited):
    """One code of an outside code system, with its display text."""

    system: str = Field(description="Key of `systems`")
    code: str = Field(min_length=1)
    display: str = Field(min_length=1)


class DiseaseRow(CodeRow):
    """A disease code that settles the Crossroads disease (and maybe subtype or state)."""

    prefix: bool = Field(False, description="Match every code that starts with this stem")
    disease: str
    subtype: str | None = None
    state: State | None = None


class AmbiguousRow(CodeRow):
    """A real disease code that does not settle the Crossroads disease: reported, never guessed."""

    prefix: bool = False
    note: Text
    state: State | None = None


class ExportRow(Cited):
    """The standard code written for a disease (and, if listed, only these subtypes)."""

    disease: str
    subtypes: list[str] | None = None
    system: str
    code: str
    display: str


class ProcedureRow(CodeRow):
    """A transplant or a cellular therapy (exactly one of the two is set)."""

    transplant: TransplantType | None = None
    cellular: CellularType | None = None


class EcogAnswer(CodeRow):
    value: int = Field(ge=0, le=5)


class Ecog(Data):
    code: CodeRow
    answers: list[EcogAnswer]


class DiseaseStatusCodes(Data):
    code: CodeRow
    worsened: CodeRow
    trends: list[CodeRow]


class ClinicalStatus(Cited):
    export: dict[State, str]
    import_: dict[str, State] = Field(alias="import")


class RecordStatus(Cited):
    """Status codes per resource type: records to leave out, and diagnoses to confirm."""

    ignore: dict[str, list[str]]
    confirm: dict[str, list[str]] = Field(default_factory=dict)


class MapsFile(Data):
    header: Header
    systems: dict[str, str]
    system_aliases: list[SystemAlias] = Field(default_factory=list)
    notes: dict[str, Text] = Field(default_factory=dict, description="Shared ambiguity notes")
    diseases: list[DiseaseRow]
    ambiguous: list[AmbiguousRow] = Field(default_factory=list)
    export: list[ExportRow] = Field(default_factory=list)
    procedures: list[ProcedureRow] = Field(default_factory=list)
    ecog: Ecog
    disease_status: DiseaseStatusCodes
    clinical_status: ClinicalStatus
    record_status: RecordStatus
    phrases: dict[str, Text] = Field(default_factory=dict)


def normalise_code(system_key: str, code: str) -> str:
    """Codes as compared, by code system key (``icd10cm``...), so that the same code written
    differently still matches: ICD-10 codes without dots, spaces or the ICD-10-GM marks
    (``C83.3``, ``C833``, ``c83.3+``), ICD-O-3 morphology by its digits (``9680/3``, ``M-96803``),
    every other code trimmed only.
    """
    text = code.strip()
    if system_key.startswith("icd10"):
        return text.translate(_ICD_MARKS).upper()
    if system_key == "icdo3":
        return "".join(ch for ch in text if ch.isdigit())
    return text


@dataclass
class FhirMaps:
    """The loaded tables with look-up indexes (code system URI + code -> row)."""

    data: MapsFile
    _exact: dict[tuple[str, str], DiseaseRow | AmbiguousRow] = field(default_factory=dict)
    _prefix: list[tuple[str, str, DiseaseRow | AmbiguousRow]] = field(default_factory=list)
    _drug_systems: dict[str, str] = field(default_factory=dict)
    _procedures: dict[tuple[str, str], ProcedureRow] = field(default_factory=dict)
    _keys: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._keys = {uri: key for key, uri in self.data.systems.items()}
        for alias in self.data.system_aliases:
            self._keys.setdefault(alias.uri, alias.system)
        rows: list[DiseaseRow | AmbiguousRow] = [*self.data.diseases, *self.data.ambiguous]
        for row in rows:
            uri = self.uri(row.system)
            key = normalise_code(row.system, row.code)
            if row.prefix:
                self._prefix.append((uri, key, row))
            else:
                self._exact[(uri, key)] = row
        self._prefix.sort(key=lambda item: -len(item[1]))  # longest stem wins
        self._drug_systems = {
            uri: key for key, uri in self.data.systems.items() if key in DRUG_CODE_SYSTEMS
        }
        for proc in self.data.procedures:
            self._procedures[(self.uri(proc.system), proc.code)] = proc

    # -- look-ups ---------------------------------------------------------------------------
    def uri(self, key: str) -> str:
        """The canonical URI of a code system named by its key in `systems`."""
        try:
            return self.data.systems[key]
        except KeyError:
            raise KnowledgeBaseError(f"fhir_maps.yaml: unknown code system key {key!r}") from None

    def canonical(self, system_uri: str) -> str:
        """The canonical URI for a system URI or one of its aliases (OIDs, older URLs)."""
        key = self._keys.get(system_uri.strip())
        return self.data.systems[key] if key else system_uri

    def disease(self, system_uri: str, code: str) -> DiseaseRow | AmbiguousRow | None:
        """The row for a disease code (exact code first, then the longest matching stem).

        The system may be given by its canonical URI or an alias (an OID), and the code with or
        without its dots: senders differ, the meaning does not.
        """
        key_name = self._keys.get(system_uri.strip())
        if key_name is None:
            return None
        uri = self.data.systems[key_name]
        key = normalise_code(key_name, code)
        found = self._exact.get((uri, key))
        if found is not None:
            return found
        for row_uri, stem, row in self._prefix:
            if row_uri == uri and key.startswith(stem):
                return row
        return None

    def export_codes(self, disease: str | None, subtype: str | None) -> list[ExportRow]:
        """Standard codes that are true for this disease and subtype."""
        if disease is None:
            return []
        return [
            row
            for row in self.data.export
            if row.disease == disease and (row.subtypes is None or subtype in row.subtypes)
        ]

    def drug(self, kb: KnowledgeBase, system_uri: str, code: str) -> str | None:
        """The drug code for a coded medicine (RxNorm, ATC or SNOMED CT), or None.

        The codes live on the drug entries; a code system this table does not list as a drug
        code system (``DRUG_CODE_SYSTEMS``) never matches.
        """
        system = self._drug_systems.get(system_uri)
        return kb.drug_by_code(system, code) if system is not None else None

    def drug_codings(self, kb: KnowledgeBase, drug_code: str) -> list[tuple[str, str]]:
        """``(system URI, code)`` pairs to write for a medicine: RxNorm, then ATC, where known.

        SNOMED CT substance codes are read on import but not written: a medication coding wants
        a product concept, which the drug list does not hold.
        """
        drug = kb.drugs.get(drug_code)
        if drug is None:
            return []
        return [
            (self.uri(system), code)
            for system, code in drug.standard_codes()
            if system in ("rxnorm", "atc")
        ]

    def procedure(self, system_uri: str, code: str) -> ProcedureRow | None:
        return self._procedures.get((self.canonical(system_uri), code.strip()))

    def transplant_code(self, kind: str) -> ProcedureRow | None:
        return next((p for p in self.data.procedures if p.transplant == kind), None)

    def cellular_code(self, kind: str) -> ProcedureRow | None:
        return next((p for p in self.data.procedures if p.cellular == kind), None)

    def ecog_answer(self, value: int) -> EcogAnswer | None:
        return next((a for a in self.data.ecog.answers if a.value == value), None)

    def ecog_value(self, system_uri: str, code: str) -> int | None:
        for answer in self.data.ecog.answers:
            if self.uri(answer.system) == system_uri and answer.code == code.strip():
                return answer.value
        return None

    def record_status(self, kind: str, status: str | None) -> str | None:
        """``"ignore"`` or ``"confirm"`` for a resource's own status code, else None."""
        table = self.data.record_status
        if status in table.ignore.get(kind, []):
            return "ignore"
        if status in table.confirm.get(kind, []):
            return "confirm"
        return None

    def phrase(self, key: str, lang: str = "en", **values: object) -> str:
        text = entry(self.data.phrases, key, MAPS_FILE.name, "phrase").get(lang)
        return text.format(**values) if values else text


def load_fhir_maps(path: Path | None = None) -> FhirMaps:
    """Load (once per process and file state) the mapping tables."""
    file = path or MAPS_FILE
    return cached("fhir_maps", [file], lambda: FhirMaps(read_model(file, MapsFile)))


# -- checks -----------------------------------------------------------------------------------
def _cited(maps: MapsFile) -> Iterator[tuple[str, Cited]]:
    for name, rows in (
        ("diseases", maps.diseases),
        ("ambiguous", maps.ambiguous),
        ("procedures", maps.procedures),
        ("ecog.answers", maps.ecog.answers),
        ("disease_status.trends", maps.disease_status.trends),
    ):
        for row in rows:
            yield f"fhir_maps: {name}.{row.system}#{row.code}", row
    for export in maps.export:
        yield f"fhir_maps: export.{export.disease}", export
    for alias in maps.system_aliases:
        yield f"fhir_maps: system_aliases.{alias.system} {alias.uri}", alias
    yield "fhir_maps: ecog.code", maps.ecog.code
    yield "fhir_maps: disease_status.code", maps.disease_status.code
    yield "fhir_maps: disease_status.worsened", maps.disease_status.worsened
    yield "fhir_maps: clinical_status", maps.clinical_status
    yield "fhir_maps: record_status", maps.record_status


def _target_findings(kb: KnowledgeBase, maps: MapsFile) -> list[Finding]:
    found: list[Finding] = []

    def check_pair(where: str, disease: str, subtypes: list[str]) -> None:
        if disease not in kb.diseases:
            found.append(Finding("error", where, f"unknown disease code {disease!r}"))
            return
        for subtype in subtypes:
            if subtype not in kb.diseases[disease].subtypes:
                found.append(Finding("error", where, f"{subtype!r} is not a subtype of {disease}"))

    for row in maps.diseases:
        where = f"fhir_maps: diseases.{row.system}#{row.code}"
        check_pair(where, row.disease, [row.subtype] if row.subtype else [])
    for export in maps.export:
        check_pair(f"fhir_maps: export.{export.disease}", export.disease, export.subtypes or [])
    return found


def _shape_findings(maps: MapsFile) -> list[Finding]:
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for key in DRUG_CODE_SYSTEMS:
        if key not in maps.systems:
            found.append(
                Finding("error", "fhir_maps: systems", f"no system {key!r} (drug codes use it)")
            )
    for row in [*maps.diseases, *maps.ambiguous, *maps.procedures]:
        if row.system not in maps.systems:
            found.append(Finding("error", f"fhir_maps: {row.code}", f"no system {row.system!r}"))
            continue
        pair = (row.system, normalise_code(row.system, row.code))
        if pair in seen:
            found.append(Finding("error", f"fhir_maps: {row.code}", "code is listed twice"))
        seen.add(pair)
    for proc in maps.procedures:
        if (proc.transplant is None) == (proc.cellular is None):
            where = f"fhir_maps: procedures.{proc.system}#{proc.code}"
            found.append(Finding("error", where, "set exactly one of transplant or cellular"))
    uris = set(maps.systems.values())
    for alias in maps.system_aliases:
        where = f"fhir_maps: system_aliases {alias.uri}"
        if alias.system not in maps.systems:
            found.append(Finding("error", where, f"no system {alias.system!r}"))
        elif alias.uri in uris:
            found.append(Finding("error", where, "alias is already a canonical system URI"))
        uris.add(alias.uri)
    values = sorted(answer.value for answer in maps.ecog.answers)
    if values != [0, 1, 2, 3, 4, 5]:
        found.append(Finding("error", "fhir_maps: ecog.answers", f"values are {values}, not 0-5"))
    for key in REQUIRED_PHRASES:
        if key not in maps.phrases:
            found.append(Finding("error", "fhir_maps: phrases", f"no phrase {key!r}"))
    return found


def findings(
    kb: KnowledgeBase, today: dt.date | None = None, path: Path | None = None
) -> list[Finding]:
    """Every finding about the mapping tables, errors first (for ``crossroads kb check``)."""
    today = today or dt.date.today()
    try:
        maps = load_fhir_maps(path).data
    except KnowledgeBaseError as exc:
        return [Finding("error", "fhir_maps", str(exc))]
    found: list[Finding] = []
    found += release_findings(kb, "fhir_maps: header", maps.header.release)
    found += _shape_findings(maps) + _target_findings(kb, maps)
    for where, fact in _cited(maps):
        found += cited_findings(where, fact, today, kb.release.date)
    return sorted(found, key=lambda f: f.level != "error")
