"""Reading a case file for the command line: regimen names expanded, unknown ones warned about."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.common.errors import UnknownCodeError
from crossroads.kb import KnowledgeBase
from crossroads.steps.assess import assess_file, read_case

pytestmark = pytest.mark.unit
CASE = (
    "patient: {age_years: 60}\n"
    "diagnosis: {disease: mcl}\n"
    "disease_status: {state: relapsed}\n"
    "prior_cellular_therapy: []\n"
    "lines:\n"
    "  - regimen: BR\n"
    "  - regimen: R-BACC\n"
)


def _write(tmp_path: Path, text: str = CASE) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lenient_reading_expands_known_names_and_warns_about_the_others(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    case, warnings = read_case(_write(tmp_path), kb, strict=False)
    assert [line.agents for line in case.lines or []] == [["bendamustine", "rituximab"], None]
    assert [str(w) for w in warnings] == [
        "lines[1].regimen: 'R-BACC' is not a regimen Crossroads knows, so its medicines stay "
        "unknown. Did you mean 'R-BAC', 'BEAC', 'R-DHAC'? Or list the medicines under agents, "
        "e.g. [rituximab, bendamustine]."
    ]


def test_strict_reading_refuses_an_unknown_regimen_without_medicines(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = _write(tmp_path)
    with pytest.raises(UnknownCodeError) as raised:
        read_case(path, kb, strict=True)
    assert str(raised.value).startswith(
        f"{path}: lines[1].regimen: 'R-BACC' is not a regimen Crossroads knows"
    )


def test_strict_reading_accepts_an_unknown_regimen_that_lists_its_medicines(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = _write(tmp_path, CASE.replace("R-BACC\n", "R-BACC\n    agents: [ibrutinib]\n"))
    case, warnings = read_case(path, kb, strict=True)
    assert ([line.agents for line in case.lines or []], warnings) == (
        [["bendamustine", "rituximab"], ["ibrutinib"]],
        [],
    )


def test_assess_file_uses_the_expanded_medicines(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _write(tmp_path, CASE.replace("  - regimen: R-BACC\n", ""))
    result = assess_file(path, ["US"], kb)
    statuses = {i.indication_id: i.status for i in result.jurisdictions[0].indications}
    # one line of BR, no BTK inhibitor: brexu-cel is on label, liso-cel's MCL use (after a BTK
    # inhibitor) is not; with the name unread, both would wait for the medicines
    assert statuses == {"us_brexu_cel_mcl_rr": "on_label", "us_liso_cel_mcl_3l": "not_on_label"}
