"""The knowledge base in memory: validated data plus compiled criteria and look-up indexes.

Loading reads every YAML file under ``kb/data`` once, validates it with the models in
:mod:`crossroads.kb.models`, compiles the criteria, and builds indexes so that assessing a case
touches only the indications of its disease. A JSON copy of the validated data is cached on disk
(keyed by the files' sizes and modification times) so that a cold CLI start does not pay for YAML
parsing. The copy is plain data, never code (not pickle): a file planted in the cache directory
can at worst be refused, and every copy is validated again with the same models when it is read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from crossroads.common.errors import KnowledgeBaseError, MissingDataError
from crossroads.common.messages import location
from crossroads.common.yamlio import load_yaml
from crossroads.kb.drug_list import FOLDER as DRUGS_FOLDER
from crossroads.kb.drug_list import DrugFile, drug_names, merge_drug_files, normalise_name
from crossroads.kb.loader import cached
from crossroads.kb.models import (
    JURISDICTIONS,
    Disease,
    Drug,
    DrugClass,
    FactDef,
    Indication,
    Jurisdiction,
    LogisticsFact,
    Product,
    Question,
    Release,
    Text,
)
from crossroads.logic.facts import ClassSources
from crossroads.logic.rules import CriterionError, Leaf, Node, Not, Unsettled, compile_criterion

DATA_DIR = Path(__file__).parent / "data"
CACHE_FORMAT = 2  # 2: JSON of the validated data (1 was pickle, never read again)


@dataclass(frozen=True, slots=True)
class CompiledIndication:
    product: Product
    indication: Indication
    criterion: Node


@dataclass
class KnowledgeBase:
    """All knowledge-base data of one release, ready for assessment."""

    release: Release
    diseases: dict[str, Disease]
    drug_classes: dict[str, DrugClass]
    drugs: dict[str, Drug]
    facts: dict[str, FactDef]
    products: dict[str, Product]
    logistics: list[LogisticsFact]
    questions: list[tuple[Question, Node]]
    phrases: dict[str, Text]
    fingerprint: str = ""
    _by_name: dict[str, str] = field(default_factory=dict)
    _by_disease: dict[tuple[Jurisdiction, str], list[CompiledIndication]] = field(
        default_factory=dict
    )
    _all: list[CompiledIndication] = field(default_factory=list)
    _classes: dict[str, frozenset[str]] = field(default_factory=dict)
    _by_code: dict[tuple[str, str], str] = field(default_factory=dict)
    unsettled: dict[str, Text] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for drug in self.drugs.values():
            self._classes[drug.code] = frozenset(drug.classes)
            for name in drug_names(drug):
                self._by_name.setdefault(normalise_name(name), drug.code)
            for system, code in drug.standard_codes():
                self._by_code.setdefault((system, code), drug.code)
        kinds = {code: fact.kind for code, fact in self.facts.items()}
        for product in self.products.values():
            for ind in product.indications:
                where = f"products/{product.code}: {ind.id}.criteria"
                compiled = CompiledIndication(
                    product, ind, compile_data_criterion(ind.criteria, kinds, where)
                )
                self._all.append(compiled)
                self._by_disease.setdefault((ind.jurisdiction, ind.disease), []).append(compiled)
                for node in _unsettled_nodes(compiled.criterion):
                    self.unsettled[node.text["en"]] = Text(en=node.text["en"], zh=node.text["zh"])

    @property
    def cache_key(self) -> str:
        """What data areas compiled against this knowledge base are cached under.

        The fingerprint of the files it was loaded from; a knowledge base built in memory (tests)
        has none, so it gets its own key.
        """
        return self.fingerprint or f"object-{id(self)}"

    # -- look-ups ---------------------------------------------------------------------------
    def resolve_drug(self, name: str) -> str | None:
        """The drug code for a generic, brand or Chinese name, or None if unknown."""
        return self._by_name.get(normalise_name(name))

    def drug_by_code(self, system: str, code: str) -> str | None:
        """The drug code for a standard code (``system``: rxnorm, atc or snomed), or None.

        Codes are compared as written after trimming, ATC in capitals (``l01fa01`` is L01FA01).
        A code given to two drugs is a ``kb check`` error; until fixed, the first file wins.
        """
        text = code.strip()
        return self._by_code.get((system, text.upper() if system == "atc" else text))

    def drug_names(self) -> list[str]:
        return sorted(
            {d.code for d in self.drugs.values()}
            | {b for d in self.drugs.values() for b in d.brands}
        )

    def classes_of(self, drug_code: str) -> frozenset[str]:
        return self._classes.get(drug_code, frozenset())

    @cached_property
    def class_sources(self) -> ClassSources:
        """Which parts of a case record can add which drug classes, from the drug data.

        A medicine named in a line adds its classes (``drugs/*.yaml: drugs``); an earlier cellular
        therapy adds the classes whose ``cellular_targets`` name its target; a medicine this
        knowledge base does not know could add any. The engine uses this to know a class is
        absent as soon as every part that could add it is known. Made once per knowledge base:
        every classification asks for it.
        """
        by_target: dict[str, set[str]] = {}
        for cls in self.drug_classes.values():
            for target in cls.cellular_targets:
                by_target.setdefault(target, set()).add(cls.code)
        targets = {t: frozenset(c) for t, c in by_target.items()}
        return ClassSources(self.classes_of, targets, known=self.drugs.__contains__)

    def indications_for(
        self, jurisdiction: Jurisdiction, disease: str | None
    ) -> list[CompiledIndication]:
        """Indications to weigh: those of the disease, or all of the jurisdiction if unknown."""
        if disease is None:
            return [c for c in self._all if c.indication.jurisdiction == jurisdiction]
        return self._by_disease.get((jurisdiction, disease), [])

    def all_indications(self) -> list[CompiledIndication]:
        return list(self._all)

    def phrase(self, key: str, lang: str = "en", **values: object) -> str:
        text = entry(self.phrases, key, "phrases.yaml", "phrase").get(lang)
        return text.format(**values) if values else text

    def fact_name(self, code: str, lang: str = "en") -> str:
        return entry(self.facts, code, "facts.yaml", "fact").name.get(lang)

    def value_name(self, fact: str, code: str, lang: str = "en") -> str:
        """Plain name of a code as a value of one fact (the same code can mean different things:
        ``other`` is a disease and also a reason a transplant is not possible)."""
        key = f"value.{fact}.{code}"
        if key in self.phrases:
            return self.phrase(key, lang)
        return self.code_name(code, lang)

    def code_name(self, code: str, lang: str = "en") -> str:
        """Plain name of a disease, subtype, drug-class or reason code (the code if unknown)."""
        if code in self.diseases:
            return self.diseases[code].name.get(lang)
        for disease in self.diseases.values():
            if code in disease.subtypes:
                return disease.subtypes[code].name.get(lang)
        if code in self.drug_classes:
            return self.drug_classes[code].name.get(lang)
        return code.replace("_", " ")


def _unsettled_nodes(node: Node) -> list[Unsettled]:
    if isinstance(node, Unsettled):
        return [node]
    if isinstance(node, Leaf):
        return []
    if isinstance(node, Not):
        return _unsettled_nodes(node.part)
    return [u for part in node.parts for u in _unsettled_nodes(part)]


def compile_data_criterion(raw: dict[str, Any], kinds: Mapping[str, str], where: str) -> Node:
    """A criterion written in a data file, compiled; a fault in it is a KnowledgeBaseError."""
    try:
        return compile_criterion(raw, kinds, where)
    except CriterionError as exc:
        raise KnowledgeBaseError(str(exc)) from None


# -- loading ----------------------------------------------------------------------------------
def _files(data_dir: Path) -> Iterator[Path]:
    yield from sorted(data_dir.rglob("*.yaml"))


def fingerprint(data_dir: Path = DATA_DIR) -> str:
    """A cheap key for the cache: names, sizes and modification times of the data files."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}".encode())
    for path in _files(data_dir):
        stat = path.stat()
        digest.update(f"{path.relative_to(data_dir)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def read_yaml(path: Path, where: str | None = None) -> Any:
    """One knowledge-base file as plain data; a broken file is a KnowledgeBaseError naming it.

    Every data area (products, alternatives, planning, review, FHIR maps, trial terms) reads its
    files through here, so they all fail the same way.
    """
    where = where or path.name
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnowledgeBaseError(f"{where}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{where}: not valid YAML: {exc}") from None


M = TypeVar("M", bound=BaseModel)
K = TypeVar("K")
V = TypeVar("V")


def entry(table: Mapping[K, V], key: K, file: str, what: str = "entry") -> V:
    """``table[key]`` for data read from ``file``; a missing key is a MissingDataError naming both.

    Code and data meet at these look-ups (a phrase the code asks for, a label, a setting), so a
    release that lacks one fails with the file and key to fix, never a bare ``KeyError``.
    """
    try:
        return table[key]
    except KeyError:
        raise MissingDataError(file, str(key), what) from None


def validate_as(model: type[M], data: Any, where: str) -> M:
    """Data as a model, or a KnowledgeBaseError naming the first wrong field and the count."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        joint = ": " if where.endswith(".yaml") else "."  # "file.yaml: a.b" or "file.yaml: x.a.b"
        raise KnowledgeBaseError(
            f"{where}{joint}{location(first['loc'])}: {first['msg']} "
            f"({exc.error_count()} problem(s))"
        ) from None


def read_model(path: Path, model: type[M], where: str | None = None) -> M:
    """A knowledge-base file read and validated as one model."""
    where = where or path.name
    return validate_as(model, read_yaml(path, where), where)


def _build(data_dir: Path) -> KnowledgeBase:
    release = validate_as(Release, read_yaml(data_dir / "release.yaml"), "release.yaml")
    diseases = [
        validate_as(Disease, raw, f"diseases.yaml: diseases[{i}]")
        for i, raw in enumerate(_section(data_dir / "diseases.yaml", "diseases"))
    ]
    classes, drugs = _drug_list(data_dir)
    facts = [
        validate_as(FactDef, raw, f"facts.yaml: facts[{i}]")
        for i, raw in enumerate(_section(data_dir / "facts.yaml", "facts"))
    ]
    products = []
    for path in sorted((data_dir / "products").glob("*.yaml")):
        raw = read_yaml(path, f"products/{path.name}")
        if not isinstance(raw, dict):
            raise KnowledgeBaseError(f"products/{path.name}: must be a mapping of fields")
        raw = {k: v for k, v in raw.items() if k != "header"}
        products.append(validate_as(Product, raw, f"products/{path.name}"))
    logistics = [
        validate_as(LogisticsFact, raw, f"logistics.yaml: facts[{i}]")
        for i, raw in enumerate(_section(data_dir / "logistics.yaml", "facts"))
    ]
    questions = [
        validate_as(Question, raw, f"questions.yaml: questions[{i}]")
        for i, raw in enumerate(_section(data_dir / "questions.yaml", "questions"))
    ]
    phrases_raw = _section(data_dir / "phrases.yaml", "phrases", kind=dict)
    phrases = {
        key: validate_as(Text, raw, f"phrases.yaml: {key}") for key, raw in phrases_raw.items()
    }
    return _assemble(
        release, diseases, classes, drugs, facts, products, logistics, questions, phrases
    )


def _drug_list(data_dir: Path) -> tuple[list[DrugClass], list[Drug]]:
    """Every file of the drug folder, in name order, validated and merged (see drug_list)."""
    files = []
    for path in sorted((data_dir / DRUGS_FOLDER).glob("*.yaml")):
        where = f"{DRUGS_FOLDER}/{path.name}"
        data = read_yaml(path, where)
        if not isinstance(data, dict) or "drugs" not in data:
            raise KnowledgeBaseError(f"{where}: no 'drugs' section (the file must have 'drugs:')")
        extra = sorted(set(data) - {"header", "classes", "drugs"})
        if extra:
            raise KnowledgeBaseError(
                f"{where}: unknown section {extra[0]!r} (a drug file has header, classes, drugs)"
            )
        sections = {key: data.get(key) or [] for key in ("classes", "drugs")}
        for key, section in sections.items():
            if not isinstance(section, list):
                raise KnowledgeBaseError(f"{where}: '{key}' must be a list")
        files.append(
            DrugFile(
                where,
                [
                    validate_as(DrugClass, raw, f"{where}: classes[{i}]")
                    for i, raw in enumerate(sections["classes"])
                ],
                [
                    validate_as(Drug, raw, f"{where}: drugs[{i}]")
                    for i, raw in enumerate(sections["drugs"])
                ],
            )
        )
    return merge_drug_files(files)


def _section(path: Path, key: str, *, optional: bool = False, kind: type = list) -> Any:
    """One top-level section of a data file; a missing or misshapen one names file and key.

    A file that ``optional`` allows to be absent gives an empty section.
    """
    if optional and not path.exists():
        return kind()
    where = f"{path.parent.name}/{path.name}" if path.parent.name == "products" else path.name
    data = read_yaml(path, where)
    if not isinstance(data, dict) or key not in data:
        if optional and isinstance(data, dict):
            return kind()
        raise KnowledgeBaseError(f"{where}: no '{key}' section (the file must have '{key}:')")
    section = data[key]
    if not isinstance(section, kind):
        shape = "a list" if kind is list else "a mapping"
        raise KnowledgeBaseError(f"{where}: '{key}' must be {shape}")
    return section


def _assemble(
    release: Release,
    diseases: list[Disease],
    classes: list[DrugClass],
    drugs: list[Drug],
    facts: list[FactDef],
    products: list[Product],
    logistics: list[LogisticsFact],
    questions: list[Question],
    phrases: dict[str, Text],
) -> KnowledgeBase:
    """The knowledge base from validated records: criteria compiled, indexes built."""
    kinds = {f.code: f.kind for f in facts}
    compiled = [(q, compile_data_criterion(q.when, kinds, f"questions/{q.id}")) for q in questions]
    return KnowledgeBase(
        release,
        {d.code: d for d in diseases},
        {c.code: c for c in classes},
        {d.code: d for d in drugs},
        {f.code: f for f in facts},
        {p.code: p for p in products},
        logistics,
        compiled,
        phrases,
    )


# -- the on-disk cache: validated data as JSON, validated again when read ----------------------
def _cache_dir() -> Path:
    base = os.environ.get("CROSSROADS_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "crossroads" if base else Path.home() / ".cache" / "crossroads"


def cache_path(key: str) -> Path:
    """Where the cached copy of the release with this fingerprint lives."""
    return _cache_dir() / f"kb-{key}.json"


class _Snapshot(BaseModel):
    """The cached copy: every validated record of the release, checked again when read."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    format: Literal[2]
    fingerprint: str
    release: Release
    diseases: list[Disease]
    classes: list[DrugClass]
    drugs: list[Drug]
    facts: list[FactDef]
    products: list[Product]
    logistics: list[LogisticsFact]
    questions: list[Question]
    phrases: dict[str, Text]


def _snapshot(kb: KnowledgeBase) -> _Snapshot:
    return _Snapshot(
        format=CACHE_FORMAT,
        fingerprint=kb.fingerprint,
        release=kb.release,
        diseases=list(kb.diseases.values()),
        classes=list(kb.drug_classes.values()),
        drugs=list(kb.drugs.values()),
        facts=list(kb.facts.values()),
        products=list(kb.products.values()),
        logistics=kb.logistics,
        questions=[q for q, _ in kb.questions],
        phrases=kb.phrases,
    )


def _read_cache(cache: Path, key: str) -> KnowledgeBase | None:
    """The cached copy, or None when there is none or it is stale, broken or not ours.

    The file is read as JSON data and validated with the same models as the YAML files: a
    planted file is at worst refused (and the release rebuilt), never executed.
    """
    try:
        snap = _Snapshot.model_validate_json(cache.read_bytes())
        if snap.fingerprint != key:
            return None
        kb = _assemble(
            snap.release,
            snap.diseases,
            snap.classes,
            snap.drugs,
            snap.facts,
            snap.products,
            snap.logistics,
            snap.questions,
            snap.phrases,
        )
    except (OSError, ValueError, RecursionError, KnowledgeBaseError):
        return None  # ValidationError is a ValueError; rebuilt from the YAML, never fatal
    kb.fingerprint = key
    return kb


def _write_cache(cache: Path, kb: KnowledgeBase) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(_snapshot(kb).model_dump_json().encode())
        tmp.replace(cache)
    except OSError:  # a read-only home is fine: we just load from YAML next time
        pass


def load_kb(data_dir: Path | None = None, *, use_cache: bool = True) -> KnowledgeBase:
    """Load (once per process) the knowledge base, from the on-disk cache when it is current."""
    data_dir = data_dir or DATA_DIR
    key = fingerprint(data_dir)

    def load() -> KnowledgeBase:
        cache = cache_path(key)
        kb = _read_cache(cache, key) if use_cache else None
        if kb is None:
            kb = _build(data_dir)
            kb.fingerprint = key
            if use_cache:
                _write_cache(cache, kb)
        return kb

    return cached("kb", _files(data_dir), load, release=str(data_dir))


__all__ = ["JURISDICTIONS", "CompiledIndication", "KnowledgeBase", "load_kb", "normalise_name"]
