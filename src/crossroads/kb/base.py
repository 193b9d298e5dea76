"""The knowledge base in memory: validated data plus compiled criteria and look-up indexes.

Loading reads every YAML file under ``kb/data`` once, validates it with the models in
:mod:`crossroads.kb.models`, compiles the criteria, and builds indexes so that assessing a case
touches only the indications of its disease. A pickled copy is cached (keyed by the files' sizes
and modification times) so that a cold CLI start does not pay for YAML parsing and validation.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from crossroads.common.errors import KnowledgeBaseError
from crossroads.common.messages import location
from crossroads.common.yamlio import load_yaml
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
from crossroads.logic.rules import CriterionError, Leaf, Node, Not, Unsettled, compile_criterion

DATA_DIR = Path(__file__).parent / "data"
CACHE_FORMAT = 1


def normalise_name(name: str) -> str:
    """Drug names as people write them: case, spaces, hyphens and ® do not matter."""
    return re.sub(r"[\s\-_®™]+", "", name.strip().lower())


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
    unsettled: dict[str, Text] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for drug in self.drugs.values():
            self._classes[drug.code] = frozenset(drug.classes)
            for name in (drug.code, drug.name.en, drug.name.zh, *drug.brands, *drug.aliases):
                self._by_name.setdefault(normalise_name(name), drug.code)
        kinds = {code: fact.kind for code, fact in self.facts.items()}
        for product in self.products.values():
            for ind in product.indications:
                where = f"products/{product.code}: {ind.id}.criteria"
                compiled = CompiledIndication(product, ind, _compile(ind.criteria, kinds, where))
                self._all.append(compiled)
                self._by_disease.setdefault((ind.jurisdiction, ind.disease), []).append(compiled)
                for node in _unsettled_nodes(compiled.criterion):
                    self.unsettled[node.text["en"]] = Text(en=node.text["en"], zh=node.text["zh"])

    # -- look-ups ---------------------------------------------------------------------------
    def resolve_drug(self, name: str) -> str | None:
        """The drug code for a generic, brand or Chinese name, or None if unknown."""
        return self._by_name.get(normalise_name(name))

    def drug_names(self) -> list[str]:
        return sorted(
            {d.code for d in self.drugs.values()}
            | {b for d in self.drugs.values() for b in d.brands}
        )

    def classes_of(self, drug_code: str) -> frozenset[str]:
        return self._classes.get(drug_code, frozenset())

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
        text = self.phrases[key].get(lang)
        return text.format(**values) if values else text

    def fact_name(self, code: str, lang: str = "en") -> str:
        return self.facts[code].name.get(lang)

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


def _compile(raw: dict[str, Any], kinds: Mapping[str, str], where: str) -> Node:
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
    diseases = {
        d.code: d
        for i, raw in enumerate(read_yaml(data_dir / "diseases.yaml")["diseases"])
        for d in [validate_as(Disease, raw, f"diseases.yaml: diseases[{i}]")]
    }
    drugs_raw = read_yaml(data_dir / "drugs.yaml") if (data_dir / "drugs.yaml").exists() else {}
    classes = {
        c.code: c
        for i, raw in enumerate(drugs_raw.get("classes", []))
        for c in [validate_as(DrugClass, raw, f"drugs.yaml: classes[{i}]")]
    }
    drugs = {
        d.code: d
        for i, raw in enumerate(drugs_raw.get("drugs", []))
        for d in [validate_as(Drug, raw, f"drugs.yaml: drugs[{i}]")]
    }
    facts = {
        f.code: f
        for i, raw in enumerate(read_yaml(data_dir / "facts.yaml")["facts"])
        for f in [validate_as(FactDef, raw, f"facts.yaml: facts[{i}]")]
    }
    products: dict[str, Product] = {}
    for path in sorted((data_dir / "products").glob("*.yaml")):
        raw = dict(read_yaml(path))
        raw.pop("header", None)
        product = validate_as(Product, raw, f"products/{path.name}")
        products[product.code] = product
    logistics = [
        validate_as(LogisticsFact, raw, f"logistics.yaml: facts[{i}]")
        for i, raw in enumerate(read_yaml(data_dir / "logistics.yaml")["facts"])
    ]
    kinds = {code: f.kind for code, f in facts.items()}
    questions = []
    for i, raw in enumerate(read_yaml(data_dir / "questions.yaml")["questions"]):
        question = validate_as(Question, raw, f"questions.yaml: questions[{i}]")
        questions.append((question, _compile(question.when, kinds, f"questions/{question.id}")))
    phrases = {
        key: validate_as(Text, raw, f"phrases.yaml: {key}")
        for key, raw in read_yaml(data_dir / "phrases.yaml")["phrases"].items()
    }
    return KnowledgeBase(
        release, diseases, classes, drugs, facts, products, logistics, questions, phrases
    )


def _cache_dir() -> Path:
    base = os.environ.get("CROSSROADS_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "crossroads" if base else Path.home() / ".cache" / "crossroads"


_LOADED: dict[str, KnowledgeBase] = {}


def load_kb(data_dir: Path | None = None, *, use_cache: bool = True) -> KnowledgeBase:
    """Load (once per process) the knowledge base, from the pickle cache when it is current."""
    data_dir = data_dir or DATA_DIR
    key = fingerprint(data_dir)
    if key in _LOADED:
        return _LOADED[key]
    cache = _cache_dir() / f"kb-{key}.pickle"
    kb: KnowledgeBase | None = None
    if use_cache and cache.exists():
        try:
            with cache.open("rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, KnowledgeBase):
                kb = loaded
        except Exception:  # a stale or corrupt cache is rebuilt, never fatal
            kb = None
    if kb is None:
        kb = _build(data_dir)
        kb.fingerprint = key
        if use_cache:
            _write_cache(cache, kb)
    _LOADED[key] = kb
    return kb


def _write_cache(cache: Path, kb: KnowledgeBase) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(kb, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError:  # a read-only home is fine: we just load from YAML next time
        pass


__all__ = ["JURISDICTIONS", "CompiledIndication", "KnowledgeBase", "load_kb", "normalise_name"]
