"""Accepted proposals enter the case with their provenance; nothing else changes."""

from __future__ import annotations

import datetime as dt

import pytest

from crossroads.record.load import case_from_data
from crossroads.records.apply import apply, conflicts
from crossroads.records.extract import Proposal
from crossroads.records.text import Box, Provenance

pytestmark = pytest.mark.unit
TODAY = dt.date(2025, 11, 1)


def _p(
    field: str, value: object, entry: str | None = None, name: str = "a.pdf", box: Box | None = None
) -> Proposal:
    return Proposal(field, value, Provenance("abc123", name, 2, 10, 16, "source", box), 0.9, entry)  # type: ignore[arg-type]


def test_values_go_to_their_fields_and_lines_are_ordered() -> None:
    data = {
        "schema": "crossroads.case/v1",
        "lines": [{"regimen": "R-ICE", "start": "2024-02"}],
        "provenance": [
            {
                "field": "lines[0].start",
                "document": "old.pdf",
                "page": 1,
                "start": 0,
                "end": 1,
                "text": "x",
            }
        ],
    }
    out = apply(
        data,
        [
            _p("fitness.ecog", 1),
            _p("lines.regimen", "R-CHOP", "R-CHOP"),
            _p("lines.start", "2023-04", "R-CHOP"),
            _p("lines.best_response", "PR", "RICE"),  # the same regimen, written another way
            _p("transplants.date", "2024-04-18", "autologous"),
        ],
        TODAY,
    )
    assert out["fitness"] == {"ecog": 1}
    assert out["lines"] == [
        {"regimen": "R-CHOP", "start": "2023-04"},
        {"regimen": "R-ICE", "start": "2024-02", "best_response": "PR"},
    ]
    assert out["transplants"] == [{"type": "autologous", "date": "2024-04-18"}]
    fields = [s["field"] for s in out["provenance"]]
    assert fields == [
        "lines[1].start",  # the old entry, renumbered with its line
        "fitness.ecog",
        "lines[0].regimen",
        "lines[0].start",
        "lines[1].best_response",
        "transplants[0].date",
    ]
    assert out["provenance"][1] == {
        "field": "fitness.ecog",
        "value": 1,
        "document": "a.pdf",
        "document_id": "abc123",
        "page": 2,
        "start": 10,
        "end": 16,
        "text": "source",
        "method": "text",
        "confidence": 0.9,
        "accepted": "2025-11-01",
    }
    case = case_from_data(out)  # a valid case, provenance included
    assert case.provenance is not None and case.provenance[1].field == "fitness.ecog"
    assert data["lines"] == [{"regimen": "R-ICE", "start": "2024-02"}]  # the input is untouched


def test_ocr_provenance_keeps_its_box() -> None:
    out = apply({}, [_p("fitness.ecog", 2, box=Box(0.1, 0.2, 0.3, 0.4))], TODAY)
    assert out["provenance"][0]["method"] == "ocr"
    assert out["provenance"][0]["box"] == [0.1, 0.2, 0.3, 0.4]


def test_conflicts_between_documents() -> None:
    found = conflicts(
        [
            _p("fitness.lvef_percent", 58.0),
            _p("fitness.lvef_percent", 55.0, name="b.pdf"),
            _p("fitness.ecog", 1),
            _p("fitness.ecog", 1, name="b.pdf"),
        ]
    )
    assert [(c.path, c.values) for c in found] == [
        ("fitness.lvef_percent", ((58.0, "a.pdf p.2"), (55.0, "b.pdf p.2")))
    ]


def test_old_case_files_without_provenance_still_load() -> None:
    assert case_from_data({"schema": "crossroads.case/v1"}).provenance is None
