"""The JSON API, version 1, at ``/api/v1/``: one NinjaAPI with token sign-in for every endpoint.

The OpenAPI document is served at ``/api/v1/openapi.json`` and committed as
``docs/openapi.json`` (a test checks that the two agree; regenerate with
``python manage.py export_openapi``). No interactive docs page: it would load scripts from
another site, which the content security policy forbids.
"""

from __future__ import annotations

import json

from ninja import NinjaAPI

from api import case_routes, errors, review_routes
from api.auth import TokenAuth
from api.parser import StrictJsonParser

DESCRIPTION = (
    "Crossroads organises the facts of a relapsed blood cancer case and explains CAR-T and the "
    "other options in plain words; it never prescribes. Every endpoint needs an API token "
    "(`Authorization: Bearer <token>`), made on the API tokens page or with "
    "`manage.py api_token create`. A token acts with its owner's rights, exactly as on the "
    "pages: a case or request you may not reach answers 404, like one that does not exist."
)

api = NinjaAPI(
    title="Crossroads API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,
    parser=StrictJsonParser(),
)
errors.install(api)
api.add_router("", case_routes.router)
api.add_router("", review_routes.router)

PREFIX = "/api/v1/"


def openapi_text() -> str:
    """The OpenAPI document as committed: sorted keys, two-space indent, final newline."""
    schema = api.get_openapi_schema(path_prefix=PREFIX)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
