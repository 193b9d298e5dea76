"""Calling the JSON API as a persona: a fresh token for them, JSON in, JSON out."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.test.client import Client as _Client

from tests.web.conftest import World
from tests.web.review_world import token_for

BASE = "/api/v1"


def call(
    world: World,
    persona: str,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
) -> Any:
    """One request; ``persona`` "anonymous" sends no token."""
    headers = {}
    if persona != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token or token_for(world, persona)}"
    client: _Client = Client()
    data = json.dumps(body) if body is not None else None
    return client.generic(
        method,
        BASE + path,
        data=data or "",
        content_type="application/json",
        **headers,
    )
