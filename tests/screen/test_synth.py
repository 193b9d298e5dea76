"""The synthetic cohort: deterministic for a seed, and written the way the importer reads."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.screen.synth import LOCAL_DRUG_SYSTEM, RESOURCE_TYPES, write_cohort

pytestmark = pytest.mark.unit
ON = dt.date(2026, 6, 30)


def _digest(folder: Path) -> str:
    text = b"".join((folder / f"{kind}.ndjson").read_bytes() for kind in RESOURCE_TYPES)
    return hashlib.sha256(text).hexdigest()


def test_the_same_seed_writes_the_same_files(kb: KnowledgeBase, tmp_path: Path) -> None:
    first = write_cohort(tmp_path / "a", 200, 5, kb, ON)
    second = write_cohort(tmp_path / "b", 200, 5, kb, ON)
    other = write_cohort(tmp_path / "c", 200, 6, kb, ON)
    assert first == second
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")
    assert first["Patient"] == other["Patient"] == 200


def test_the_cohort_has_every_resource_type_and_coding_variant(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    counts = write_cohort(tmp_path, 600, 2, kb, ON)
    assert all(counts[kind] > 0 for kind in RESOURCE_TYPES), counts
    systems: Counter[str] = Counter()
    dates: Counter[int] = Counter()
    diseases: Counter[str] = Counter()
    for kind in RESOURCE_TYPES:
        for line in (tmp_path / f"{kind}.ndjson").read_text(encoding="utf-8").splitlines():
            res = json.loads(line)
            concept = res.get("code") or res.get("medicationCodeableConcept") or {}
            for coding in concept.get("coding", []):
                systems[coding["system"].rsplit("/", 1)[-1]] += 1
                if kind == "Condition":
                    diseases[coding["code"]] += 1
            if "coding" not in concept and "text" in concept:
                systems[f"{kind}:text"] += 1
            if "extension" in concept:
                systems[f"{kind}:absent"] += 1
            when = res.get("effectivePeriod", {}).get("start") or res.get("birthDate")
            if when:
                dates[len(when)] += 1
    for name in ("sct", "icd-10-cm", "rxnorm", "icd-o-3", "diagnosis", "local-drug", "loinc.org"):
        assert systems[name] > 0, name
    assert LOCAL_DRUG_SYSTEM.endswith("local-drug")
    assert systems["Condition:text"] > 0 and systems["MedicationAdministration:text"] > 0
    assert systems["MedicationAdministration:absent"] + systems["MedicationStatement:absent"] > 0
    assert set(dates) == {4, 7, 10}  # year only, year and month, full date
