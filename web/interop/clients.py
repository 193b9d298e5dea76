"""The CDS service's settings made into the core's objects: who may call (JWT checks) and how
far the service reads a client's FHIR server.

- :func:`authenticate` checks the bearer JWT of a call when ``CROSSROADS_CDS_AUTH`` is on (always
  in production settings; off by default on one machine, so ``make run`` works without a
  client), against the allow-list ``CROSSROADS_CDS_CLIENTS``. Used ``jti`` values live in
  Django's shared cache (the database table, or Redis), so a token replayed to another server
  process is refused too; ``cache.add`` is atomic in both.
- :func:`reader` and :func:`limits` give the core what it needs to read ``fhirServer``.

Key sets are cached per process (the core's :class:`~crossroads.interop.cdsauth.KeySets`); a
changed setting makes a new cache.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache

from crossroads.interop.cdsauth import (
    AuthPolicy,
    KeySets,
    VerifiedClient,
    read_clients,
    verify_client,
)
from crossroads.interop.cdshooks import FetchLimits, Reader, bearer_reader
from crossroads.interop.fetch import FetchPolicy, parse_networks

REPLAY_PREFIX = "cds-jti:"


class CacheReplayGuard:
    """``jti`` values in the shared cache until their token expires."""

    def first_use(self, key: str, seconds: int) -> bool:
        return bool(cache.add(REPLAY_PREFIX + key, 1, timeout=seconds))


def auth_on() -> bool:
    return bool(getattr(settings, "CROSSROADS_CDS_AUTH", False))


def fetch_policy() -> FetchPolicy:
    """How the service reads addresses a call names (``fhirServer``, ``next`` pages, ``jku``)."""
    return _fetch_policy(
        float(getattr(settings, "CROSSROADS_CDS_FETCH_TIMEOUT", 5.0)),
        bool(getattr(settings, "CROSSROADS_CDS_FETCH_LOOPBACK", False)),
        tuple(getattr(settings, "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS", ())),
    )


@functools.lru_cache(maxsize=8)
def _fetch_policy(timeout: float, loopback: bool, networks: tuple[str, ...]) -> FetchPolicy:
    allowed = parse_networks(networks, "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS")
    return FetchPolicy(timeout=timeout, allow_loopback=loopback, allowed_networks=allowed)


def limits() -> FetchLimits:
    return FetchLimits(
        max_pages=int(getattr(settings, "CROSSROADS_CDS_FETCH_MAX_PAGES", 10)),
        max_resources=int(getattr(settings, "CROSSROADS_CDS_FETCH_MAX_RESOURCES", 5000)),
    )


def reader() -> Reader | None:
    """The core's FHIR reader, or None when reading client servers is switched off."""
    if not getattr(settings, "CROSSROADS_CDS_FETCH", True):
        return None
    return bearer_reader(fetch_policy())


def auth_policy() -> AuthPolicy:
    clients = getattr(settings, "CROSSROADS_CDS_CLIENTS", [])
    return _auth_policy(
        json.dumps(clients, sort_keys=True),
        int(getattr(settings, "CROSSROADS_CDS_JWT_LEEWAY", 30)),
        int(getattr(settings, "CROSSROADS_CDS_JWT_MAX_LIFETIME", 300)),
    )


@functools.lru_cache(maxsize=8)
def _auth_policy(clients: str, leeway: int, lifetime: int) -> AuthPolicy:
    return AuthPolicy(read_clients(json.loads(clients)), leeway=leeway, max_lifetime=lifetime)


@functools.lru_cache(maxsize=8)
def _keysets(policy: FetchPolicy) -> KeySets:
    return KeySets(policy)


def keysets() -> KeySets:
    return _keysets(fetch_policy())


def authenticate(authorization: str | None, audiences: list[str]) -> VerifiedClient | None:
    """The verified client of a call, None when authentication is off, else CdsAuthError."""
    if not auth_on():
        return None
    return verify_client(authorization, audiences, auth_policy(), keysets(), CacheReplayGuard())


def describe(client: VerifiedClient | None) -> dict[str, Any]:
    """What the audit trail keeps about the caller: its issuer, never the token."""
    return {} if client is None else {"client": client.issuer[:200]}
