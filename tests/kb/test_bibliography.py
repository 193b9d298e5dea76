"""The bibliography of public references and the resolver from source lines to it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb import load_kb
from crossroads.kb.bibliography import (
    Bibliography,
    Pointer,
    load_bibliography,
    pointers,
    read_bibliography,
)
from crossroads.kb.check import patient_facing, public_reference_findings
from crossroads.kb.models import Cited


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    return load_bibliography()


def _ids(bib: Bibliography, source: str, refs: tuple[str, ...] = ()) -> list[str]:
    return [r.id for r in bib.resolve(source, refs).references]


# -- the resolver -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("ZUMA-7 (alternatives.md §1, ref 1)", ["zuma-7-nejm-2022"]),
        (  # a later bracket without a file name belongs to the file named before it
            "ZUMA-7 (alternatives.md §1, ref 1); TRANSFORM (refs 4, 5)",
            ["zuma-7-nejm-2022", "transform-primary-2023", "transform-3-year"],
        ),
        ("PILOT final (alternatives.md §1, ref 6)", ["pilot-final-2025"]),
        ("Label (cart-products.md Y3)", ["fda-d-i-s-2022"]),
        ("Something (ref 79c)", []),  # no file in force: nothing to look the code up in
        ("Notes (alternatives.md §1); CSH consensus (ref 79c)", ["bsh-r-r-lbcl"]),
        (  # a range of lettered references
            "FDA approval (alternatives.md §8a, refs 65c-65e)",
            [
                "majestec-3-fda-approval",
                "jj-tecvayli-darzalex-combo",
                "jjs-tecvayli-darzalex-faspro",
            ],
        ),
        (
            "Vein-to-vein (cart-products.md §0.3, ref 78a); modelling (78b)",
            ["v2v-meta-analysis-2023", "v2v-modelling-2024"],
        ),
        (  # the same number means another work in another dossier
            "Delivery metrics (alternatives.md §0, ref 78b)",
            ["us-community-centre-delivery-2025"],
        ),
        ("Guide (decision-guide.txt, 'FAQ')", ["chinamedwaypoint-car-t-decision-guide"]),
    ],
)
def test_resolve_finds_the_public_references_named(
    bib: Bibliography, source: str, expected: list[str]
) -> None:
    assert _ids(bib, source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "Yescarta label (cart-products.md Y2); PCNSL limitation confirmed per correction E3",
        "Approval (cart-products.md B2); day confirmed in the second check (E3)",
        "Administration column, R2 row (alternatives.md §4)",
        "CD19 sequencing review (alternatives.md §1)",
        "A study (2021); ages 3-21",
    ],
)
def test_correction_codes_regimens_and_markers_are_not_references(
    bib: Bibliography, source: str
) -> None:
    found = [r.id for r in bib.resolve(source).references]
    assert "ema-2021-conditional-ma" not in found  # cart-products "E3"-like codes never leak
    assert all(not p.code or not p.code.startswith("E") for p in pointers(source, bib))
    assert bib.resolve(source).unresolved == ()


def test_a_correction_with_a_listed_source_resolves_to_it(bib: Bibliography) -> None:
    source = "IASO release (cart-products.md ref E1, E1b); wording per correction E8 (PubMed)"
    assert _ids(bib, source) == ["eque-cel-nmpa-date", "clival", "eque-cel-first-approval-review"]


def test_explicit_refs_win_over_the_pointers(bib: Bibliography) -> None:
    assert _ids(bib, "ZUMA-7 (alternatives.md §1, ref 1)", ("chictr",)) == ["chictr"]


def test_an_unknown_reference_number_is_reported_not_dropped(bib: Bibliography) -> None:
    resolution = bib.resolve("Trial (alternatives.md §1, ref 999)")
    assert resolution.references == ()
    assert resolution.unresolved == (Pointer("alternatives.md", "999"),)


def test_an_unknown_explicit_id_names_the_file_and_the_id(bib: Bibliography) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"no reference with id 'nope'"):
        bib.resolve("x", ("nope",))


@given(st.text(max_size=120))
def test_resolve_never_fails_and_only_keeps_known_works(text: str) -> None:
    bib = load_bibliography()
    resolution = bib.resolve(text)
    assert all(r.id in bib.references for r in resolution.references)
    assert all(p.code for p in resolution.unresolved)


# -- the bibliography file --------------------------------------------------------------------
def test_every_entry_can_be_found_or_says_why_not(bib: Bibliography) -> None:
    """A DOI, PMID or address on every entry, except the few the dossiers read without one."""
    without = sorted(r.id for r in bib.references.values() if not r.public)
    assert without == [
        "go29781-5-year-2025",
        "lu-daopei-135-patient",
        "public-test-cases-implementing-2021",
        "textstat",
        "transcend-fl-2024",
        "zuma-1-cohort-6",
    ]


def test_entries_are_keyed_by_the_dossier_pointers(bib: Bibliography) -> None:
    assert bib.by_pointer["alternatives.md 76a"] is bib.by_pointer["cart-products.md 76a"]
    assert bib.by_pointer["alternatives.md 78b"] is not bib.by_pointer["cart-products.md 78b"]
    pilot = bib.references["pilot-final-2025"]
    assert (pilot.doi, pilot.link) == (
        "10.1182/bloodadvances.2024015262",
        "https://doi.org/10.1182/bloodadvances.2024015262",
    )


def test_a_pointer_named_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bibliography.yaml"
    path.write_text(
        "header: {release: '1', as_of: 2026-11-24}\n"
        "references:\n"
        "  - {id: a, dossier: ['alternatives.md 1'], title: Alpha, url: 'https://a',"
        " confidence: P}\n"
        "  - {id: b, dossier: ['alternatives.md 1'], title: Beta, url: 'https://b',"
        " confidence: P}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError, match=r"'alternatives\.md 1' names both a and b"):
        read_bibliography(path)


def test_a_wrong_doi_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bibliography.yaml"
    path.write_text(
        "header: {release: '1', as_of: 2026-11-24}\n"
        "references:\n  - {id: a, title: Alpha, doi: 'doi.org/x', confidence: P}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError, match=r"references\[0\]\.doi"):
        read_bibliography(path)


# -- kb check ---------------------------------------------------------------------------------
def _fact(source: str, refs: list[str] | None = None) -> Cited:
    return Cited(source=source, as_of=dt.date(2026, 11, 24), confidence="P", refs=refs or [])


def test_kb_check_fails_on_a_fact_without_a_public_reference(bib: Bibliography) -> None:
    found = public_reference_findings([("x: y", _fact("Shared goal (alternatives.md §7)"))], bib)
    assert [(f.level, f.where) for f in found] == [("error", "x: y")]
    assert "no public reference" in found[0].message


@pytest.mark.parametrize(
    ("fact", "messages"),
    [
        (_fact("Shared goal (alternatives.md §7)", ["blast"]), []),
        (_fact("ZUMA-7 (alternatives.md §1, ref 1)"), []),
        (_fact("NCI PDQ: https://www.cancer.gov/x"), []),
        (
            _fact("Trial (alternatives.md §1, ref 999)"),
            ["source names 'alternatives.md 999'", "no public reference"],
        ),
        (
            _fact("Shared goal (alternatives.md §7)", ["nope"]),
            ["refs: no bibliography entry 'nope'", "no public reference"],
        ),
    ],
)
def test_kb_check_public_reference_rules(
    bib: Bibliography, fact: Cited, messages: list[str]
) -> None:
    found = [f.message for f in public_reference_findings([("w", fact)], bib) if f.level == "error"]
    assert len(found) == len(messages)
    for message, expected in zip(found, messages, strict=True):
        assert message.startswith(expected)


def test_every_patient_facing_fact_of_the_release_has_a_public_reference(
    bib: Bibliography,
) -> None:
    facts = list(patient_facing(load_kb()))
    assert len(facts) > 400
    errors = [str(f) for f in public_reference_findings(facts, bib) if f.level == "error"]
    assert errors == []
