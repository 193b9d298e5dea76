"""RxNorm ingredient codes of the drug list, checked against public files (issue 12).

Each pair below was read in a public file before it was written into the drug list: the BRIM
Analytics chemotherapy reference (adamcresnick/BRIM_Analytics,
athena_views/data_dictionary/chemo_reference/drugs.csv, column rxnorm_in, lower-case ingredient
rows), the CIBMTR reporting IG Form 2400 value sets and the HL7 mCODE examples. A code that
changes here must be checked again in a public file, never typed from memory.
"""

from __future__ import annotations

import pytest

from crossroads.kb import KnowledgeBase

pytestmark = pytest.mark.unit

CHECKED_IN_PUBLIC_FILES = {
    # haematology: antibodies, bispecifics, CAR-T
    "rituximab": "121191",
    "obinutuzumab": "974779",
    "ofatumumab": "712566",
    "tafasitamab": "2387211",
    "polatuzumab vedotin": "2174090",
    "loncastuximab tesirine": "2540964",
    "glofitamab": "2639782",
    "epcoritamab": "2637392",
    "mosunetuzumab": "2625122",
    "teclistamab": "2619426",
    "elranatamab": "2644880",
    "talquetamab": "2644447",
    "isatuximab": "2282018",
    "daratumumab": "1721947",
    "tisagenlecleucel": "1986438",
    "axicabtagene ciloleucel": "1987398",
    "brexucabtagene autoleucel": "2387277",
    "lisocabtagene maraleucel": "2479136",
    "obecabtagene autoleucel": "2698195",
    "idecabtagene vicleucel": "2536430",
    "ciltacabtagene autoleucel": "2594775",
    # haematology: small molecules and chemotherapy
    "acalabrutinib": "1986808",
    "zanubrutinib": "2262435",
    "pirtobrutinib": "2629338",
    "ibrutinib": "1442981",
    "venetoclax": "1747556",
    "selinexor": "2178390",
    "bortezomib": "358258",
    "lenalidomide": "342369",
    "bendamustine": "134547",
    "pegaspargase": "34132",
    # myeloid
    "gilteritinib": "2105806",
    "midostaurin": "1919083",
    "ivosidenib": "2049873",
    "asciminib": "2584304",
    "hydroxycarbamide": "5552",  # listed under its US name hydroxyurea
    # solid tumour
    "osimertinib": "1721560",
    "trametinib": "1425099",  # ingredient; 1425098 is trametinib dimethyl sulfoxide
    "ramucirumab": "1535922",
    "trastuzumab emtansine": "1371041",  # listed as ado-trastuzumab emtansine
    "leuprorelin": "42375",  # listed under its US name leuprolide
    # supportive
    "siltuximab": "1535218",
    "filgrastim": "68442",
    "plerixafor": "733003",
    "defibrotide": "1311089",
}

# Agents with an RxNorm code after issue 12 (186 before it); the floor only rises.
RXNORM_FLOOR = 322


@pytest.mark.parametrize(("drug", "rxnorm"), sorted(CHECKED_IN_PUBLIC_FILES.items()))
def test_rxnorm_code_checked_in_a_public_file(kb: KnowledgeBase, drug: str, rxnorm: str) -> None:
    entry = kb.drugs[drug]
    rxnorm_source = (entry.codes_source or "").split("; ")[0]
    assert (entry.rxnorm, rxnorm_source.startswith("RxNorm: "), "memory" in rxnorm_source) == (
        rxnorm,
        True,
        False,
    )


@pytest.mark.parametrize(("drug", "rxnorm"), sorted(CHECKED_IN_PUBLIC_FILES.items()))
def test_rxnorm_code_finds_its_drug(kb: KnowledgeBase, drug: str, rxnorm: str) -> None:
    assert kb.drug_by_code("rxnorm", rxnorm) == drug


def test_rxnorm_count_floor(kb: KnowledgeBase) -> None:
    assert sum(1 for drug in kb.drugs.values() if drug.rxnorm) >= RXNORM_FLOOR


def test_no_rxnorm_code_is_given_twice(kb: KnowledgeBase) -> None:
    codes = [drug.rxnorm for drug in kb.drugs.values() if drug.rxnorm]
    assert len(codes) == len(set(codes))


def test_a_public_rxnorm_code_is_never_from_memory(kb: KnowledgeBase) -> None:
    """Where codes_source names the BRIM file for RxNorm, that part is never from memory."""
    wrong = [
        d.code
        for d in kb.drugs.values()
        if d.rxnorm
        and d.codes_source
        and "from memory" in d.codes_source.split(";")[0]
        and d.codes_source.startswith("RxNorm: adamcresnick")
    ]
    assert wrong == []
