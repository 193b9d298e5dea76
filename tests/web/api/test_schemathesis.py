"""Schemathesis against the committed OpenAPI document: no 5xx, no answer outside the schema.

Every operation of docs/openapi.json gets generated requests, valid ones and invalid ones, sent
to the app (in-process, through WSGI) with a patient's, a coordinator's or a reviewer's token.
Path numbers are sometimes the real case and request numbers of the test world, so the answers
checked include real records, results and review requests, not only "not found". The number of
examples per operation is bounded (about 20 seconds on two cores);
``CROSSROADS_SCHEMATHESIS_EXAMPLES`` raises it for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.api.test_openapi import COMMITTED
from tests.web.conftest import World
from tests.web.review_world import STATES, request_in, token_for

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("CROSSROADS_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PERSONAS = ("patient", "coordinator", "reviewer")


@pytest.fixture
def app() -> Iterator[Any]:
    """The WSGI app, called in the test's own database transaction.

    Django closes the database connection when a request ends; inside a test that would end the
    test's transaction (PostgreSQL). Django's test client switches this off while it calls the
    app; schemathesis calls the WSGI app directly, so the test switches it off the same way.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _operations() -> list[Any]:
    schema = schemathesis.openapi.from_path(str(COMMITTED))
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deleting comes last, so the other operations still find the world's cases.
    return sorted(operations, key=lambda op: (op.method.upper() == "DELETE", op.label))


def test_api_conforms_to_its_committed_openapi_document(world: World, app: Any) -> None:
    tokens = {p: token_for(world, p) for p in PERSONAS}
    case_ids = [world.case.pk, world.other_case.pk]
    request_ids = [request_in(world, s).pk for s in STATES] + [world.review.pk]
    real = {"case_id": case_ids, "request_id": request_ids}
    calls = {"count": 0, "ok": 0}

    for operation in _operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any, data: Any) -> None:
                persona = data.draw(st.sampled_from(PERSONAS))
                for name, choices in real.items():
                    if name in (case.path_parameters or {}) and data.draw(st.booleans()):
                        case.path_parameters[name] = data.draw(st.sampled_from(choices))
                response = case.call(
                    app=app, headers={"Authorization": f"Bearer {tokens[persona]}"}
                )
                calls["count"] += 1
                calls["ok"] += response.status_code < 300
                case.validate_response(response, checks=CHECKS)

            run()

    # The run reached real answers, not only refusals.
    assert calls["ok"] > len(_operations())
