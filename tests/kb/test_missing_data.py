"""Knowledge-base faults are project errors naming the file and the key, never ``KeyError``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crossroads.common.errors import KnowledgeBaseError, MissingDataError
from crossroads.kb import KnowledgeBase
from crossroads.kb.alternatives import load_alternatives
from crossroads.kb.base import entry, load_kb
from crossroads.kb.fhir_maps import load_fhir_maps
from crossroads.kb.planning import planning_for
from crossroads.kb.review_data import load_review_data
from crossroads.kb.trial_terms import load_trial_terms

pytestmark = pytest.mark.unit


def _rewrite(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("diseases.yaml", {"header": {}}, "diseases.yaml: no 'diseases' section"),
        ("facts.yaml", {"facts": {"a": 1}}, "facts.yaml: 'facts' must be a list"),
        ("phrases.yaml", ["x"], "phrases.yaml: no 'phrases' section"),
        ("questions.yaml", {}, "questions.yaml: no 'questions' section"),
        ("logistics.yaml", {"fact": []}, "logistics.yaml: no 'facts' section"),
    ],
)
def test_broken_data_file_names_the_file_and_key(
    data_copy: Path, name: str, data: object, message: str
) -> None:
    _rewrite(data_copy / name, data)
    with pytest.raises(KnowledgeBaseError) as caught:
        load_kb(data_copy, use_cache=False)
    assert str(caught.value).split(" (the file")[0] == message


def test_product_file_that_is_not_a_mapping(data_copy: Path) -> None:
    _rewrite(data_copy / "products" / "tisagenlecleucel.yaml", ["not", "a", "product"])
    with pytest.raises(KnowledgeBaseError) as caught:
        load_kb(data_copy, use_cache=False)
    assert str(caught.value) == "products/tisagenlecleucel.yaml: must be a mapping of fields"


def test_entry_names_file_and_key() -> None:
    with pytest.raises(MissingDataError) as caught:
        entry({"a": 1}, "b", "phrases.yaml", "phrase")
    assert (str(caught.value), caught.value.file, caught.value.key, caught.value.code) == (
        "phrases.yaml: no phrase 'b' (add it, or correct the name that asks for it)",
        "phrases.yaml",
        "b",
        "knowledge-base-missing",
    )


def test_every_phrase_and_label_lookup_raises_missing_data(kb: KnowledgeBase) -> None:
    lookups = [
        lambda: kb.phrase("no.such.phrase"),
        lambda: kb.fact_name("no_such_fact"),
        lambda: load_alternatives(kb).phrase("no.such.phrase"),
        lambda: load_alternatives(kb).setting("no_such_setting"),
        lambda: planning_for(kb).label("no.such.label"),
        lambda: load_review_data(kb).packet.label("no.such.label", "en"),
        lambda: load_fhir_maps().phrase("no.such.phrase"),
        lambda: load_trial_terms(kb).phrase("no.such.phrase"),
    ]
    files = []
    for lookup in lookups:
        with pytest.raises(MissingDataError) as caught:
            lookup()
        files.append(caught.value.file)
    assert files == [
        "phrases.yaml",
        "facts.yaml",
        "alternatives/_catalogue.yaml",
        "alternatives",
        "timeline.yaml or checklists.yaml",
        "packet.yaml",
        "fhir_maps.yaml",
        "trial_terms.yaml",
    ]
