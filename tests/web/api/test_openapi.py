"""The committed OpenAPI document (docs/openapi.json) is the one the code serves."""

from __future__ import annotations

import json

import pytest
from api.api import openapi_text
from django.test import Client

from tests.conftest import Golden
from tests.web.conftest import ROOT

pytestmark = pytest.mark.integration
COMMITTED = ROOT / "docs" / "openapi.json"


def test_committed_openapi_document_is_current(golden: Golden) -> None:
    """Regenerate with `python manage.py export_openapi` (or CROSSROADS_UPDATE_GOLDEN=1)."""
    golden.check(COMMITTED, openapi_text())


def test_served_document_equals_the_committed_one(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert (response.status_code, response.json()) == (
        200,
        json.loads(COMMITTED.read_text(encoding="utf-8")),
    )


def test_every_operation_needs_a_token_and_documents_its_problems() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    operations = [
        (path, method, op)
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    ]
    assert len(operations) == 20
    for path, method, op in operations:
        assert op["security"] == [{"TokenAuth": []}], (path, method)
        assert {"401", "404", "422", "429"} <= set(op["responses"]), (path, method)
