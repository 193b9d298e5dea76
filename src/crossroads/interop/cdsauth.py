"""Who is calling the CDS service: the signed JWT of CDS Hooks 2.0 ("Trusting CDS Clients").

Every call carries ``Authorization: Bearer <JWT>``, signed with the client's private key. The
service trusts a client only when all of these hold (any one failing is a refusal, 401):

- the header names an asymmetric algorithm the service accepts (ES384 or RS384, the two the
  specification recommends; ``none`` and the shared-secret HS* family are refused outright), a
  ``kid``, and ``typ`` ``JWT`` when it gives one;
- the ``iss`` claim is on the allow-list of clients;
- the key set comes from a place the service chose: the ``jku`` header only when that URL is on
  the client's allow-list, else the key-set URL or key set configured for that issuer (a ``jku``
  not on the list is ignored, never fetched); key sets are cached, and fetched once more when a
  ``kid`` is not found (key rotation), at most every ``MIN_REFRESH`` seconds;
- the key with that ``kid`` verifies the signature, and suits the algorithm;
- ``aud`` is the endpoint being called; ``exp`` is in the future and ``iat`` not in the future
  (with a small leeway for clocks), and the token lives no longer than ``max_lifetime``;
- ``jti`` was not seen before from that issuer (kept until the token expires).

The checks use PyJWT (with ``cryptography``); this module adds the policy around it. The replay
store is a small protocol so that the web app can keep ``jti`` values in its shared cache.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import jwt

from crossroads.common.errors import BadOptionError, CdsAuthError, UserError
from crossroads.interop.fetch import FetchPolicy, get_json, origin

ALGORITHMS = ("ES384", "RS384")  # CDS Hooks 2.0: RECOMMENDED; both asymmetric
MAX_TOKEN_CHARS = 8192
MAX_KEYS = 50
MIN_REFRESH = 30.0  # seconds between two fetches of one key set when a kid is not found
KEYSET_TTL = 300.0  # seconds a fetched key set is used before it is fetched again


@dataclass(frozen=True)
class TrustedClient:
    """One CDS client on the allow-list, as agreed out of band with its operator."""

    issuer: str
    jwks_url: str = ""  # where its key set is published
    jwks: Mapping[str, Any] | None = None  # or the key set itself
    jku: tuple[str, ...] = ()  # key-set URLs it may name in the ``jku`` header


@dataclass(frozen=True)
class AuthPolicy:
    """The allow-list and the limits a token must meet."""

    clients: Mapping[str, TrustedClient]
    algorithms: tuple[str, ...] = ALGORITHMS
    leeway: int = 30  # seconds of clock difference forgiven on exp and iat
    max_lifetime: int = 300  # seconds from iat to exp at most

    def __post_init__(self) -> None:
        weak = [
            a for a in self.algorithms if a not in ("ES256", "ES384", "ES512", "RS384", "RS512")
        ]
        if weak or not self.algorithms:
            raise BadOptionError(
                f"CDS client algorithms {', '.join(weak) or 'none'}: only asymmetric ES384/RS384 "
                "(or ES256, ES512, RS512) can be accepted."
            )
        if not 0 <= self.leeway <= 300 or not 1 <= self.max_lifetime <= 3600:
            raise BadOptionError(
                "CDS client leeway must be 0-300 s and the token lifetime 1-3600 s."
            )


@dataclass(frozen=True)
class VerifiedClient:
    """A caller whose token passed every check."""

    issuer: str
    key_id: str
    jti: str
    tenant: str = ""
    subject: str = ""


class ReplayGuard(Protocol):
    def first_use(self, key: str, seconds: int) -> bool:
        """Remember ``key`` for ``seconds``; True if it was not already remembered."""


@dataclass
class MemoryReplayGuard:
    """A replay store for one process (the CLI and tests); the web app shares its cache."""

    clock: Callable[[], float] = time.time
    _seen: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first_use(self, key: str, seconds: int) -> bool:
        now = self.clock()
        with self._lock:
            for old in [k for k, until in self._seen.items() if until <= now]:
                del self._seen[old]
            if key in self._seen:
                return False
            self._seen[key] = now + seconds
            return True


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadOptionError(f"{where} must be non-empty text.")
    return value.strip()


def _url(value: Any, where: str) -> str:
    url = _text(value, where)
    if origin(url) is None:
        raise BadOptionError(f"{where}: '{url[:200]}' is not an absolute http(s) address.")
    return url


def read_clients(data: Any, setting: str = "CROSSROADS_CDS_CLIENTS") -> dict[str, TrustedClient]:
    """The allow-list from its configured form: a list of objects with ``iss`` and one of
    ``jwks_url`` / ``jwks``, and optionally ``jku`` (a list of URLs). BadOptionError names the
    entry and the field that is wrong."""
    if data in (None, ""):
        return {}
    if not isinstance(data, list):
        raise BadOptionError(f"{setting} must be a JSON list of clients.")
    clients: dict[str, TrustedClient] = {}
    for number, entry in enumerate(data, 1):
        where = f"{setting} entry {number}"
        if not isinstance(entry, dict):
            raise BadOptionError(f"{where} must be an object with iss and jwks_url or jwks.")
        unknown = sorted(set(entry) - {"iss", "jwks_url", "jwks", "jku"})
        if unknown:
            raise BadOptionError(f"{where}: unknown field {unknown[0]!r}.")
        issuer = _text(entry.get("iss"), f"{where}: iss")
        jwks_url = _url(entry["jwks_url"], f"{where}: jwks_url") if entry.get("jwks_url") else ""
        jwks = entry.get("jwks")
        if jwks is not None and not (isinstance(jwks, dict) and isinstance(jwks.get("keys"), list)):
            raise BadOptionError(f'{where}: jwks must be a key set, {{"keys": [...]}}.')
        jku = entry.get("jku") or []
        if not isinstance(jku, list):
            raise BadOptionError(f"{where}: jku must be a list of URLs.")
        allowed = tuple(_url(u, f"{where}: jku") for u in jku)
        if not (jwks_url or jwks or allowed):
            raise BadOptionError(f"{where}: give jwks_url, jwks or jku for {issuer}.")
        if issuer in clients:
            raise BadOptionError(f"{where}: issuer {issuer} is listed twice.")
        clients[issuer] = TrustedClient(issuer, jwks_url, jwks, allowed)
    return clients


class KeySets:
    """Key sets by URL, fetched through the guarded fetcher and cached for ``ttl`` seconds."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        ttl: float = KEYSET_TTL,
        min_refresh: float = MIN_REFRESH,
        fetch: Callable[[str, FetchPolicy], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy, self.ttl, self.min_refresh, self.clock = policy, ttl, min_refresh, clock
        self._fetch = fetch or (lambda url, pol: get_json(url, pol))
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, url: str, *, refresh: bool = False) -> dict[str, Any]:
        """The key set at ``url``; ``refresh`` fetches anew unless it was fetched just now."""
        now = self.clock()
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None:
            age = now - cached[0]
            if age < (self.min_refresh if refresh else self.ttl):
                return cached[1]
        try:
            data = self._fetch(url, self.policy)
        except UserError as exc:
            raise _refuse(f"its key set could not be read: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise _refuse(f'the key set at {url[:200]} is not a JWK Set {{"keys": [...]}}.')
        with self._lock:
            self._cache[url] = (now, data)
        return data


def _refuse(reason: str) -> CdsAuthError:
    return CdsAuthError(f"the CDS client is not authenticated: {reason}")


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer`` header, or CdsAuthError saying what to send."""
    if not authorization:
        raise _refuse(
            "no Authorization header; send 'Authorization: Bearer <JWT>' signed with "
            "the client's private key."
        )
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _refuse("the Authorization header must be 'Bearer <JWT>'.")
    if len(token) > MAX_TOKEN_CHARS:
        raise _refuse(f"the token is longer than {MAX_TOKEN_CHARS} characters.")
    return token


def _header(token: str, policy: AuthPolicy) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _refuse("the bearer token is not a JSON Web Token.") from None
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise _refuse("unsigned tokens (alg 'none') are not accepted.")
    if alg not in policy.algorithms:
        raise _refuse(
            f"algorithm {alg[:20]!r} is not accepted; sign with {' or '.join(policy.algorithms)}."
        )
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise _refuse("the token header has no kid naming the signing key.")
    if "typ" in header and str(header["typ"]).upper() != "JWT":
        raise _refuse("the token header's typ must be 'JWT'.")
    return header


def _claims_unverified(token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _refuse("the token's claims cannot be read.") from None
    return claims


def _key_set(
    client: TrustedClient, header: dict[str, Any], keysets: KeySets, refresh: bool
) -> Mapping[str, Any]:
    jku = header.get("jku")
    if isinstance(jku, str) and jku in client.jku:
        return keysets.get(jku, refresh=refresh)
    if client.jwks_url:
        return keysets.get(client.jwks_url, refresh=refresh)
    if client.jwks is not None:
        return client.jwks
    raise _refuse(
        f"its jku is not on the allow-list for {client.issuer}, and no key set is configured."
    )


def _find_key(keyset: Mapping[str, Any], kid: str) -> dict[str, Any] | None:
    keys = keyset.get("keys")
    for key in keys[:MAX_KEYS] if isinstance(keys, list) else []:
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None


def _public_key(jwk: dict[str, Any], alg: str) -> Any:
    if jwk.get("alg") not in (None, alg):
        raise _refuse(f"key {jwk.get('kid')!r} is for {jwk.get('alg')!r}, not {alg}.")
    if jwk.get("use") not in (None, "sig"):
        raise _refuse(f"key {jwk.get('kid')!r} is not a signing key.")
    if "d" in jwk or "k" in jwk:
        raise _refuse(f"key {jwk.get('kid')!r} is not a public key.")
    try:
        return jwt.PyJWK(jwk, algorithm=alg).key
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError):
        raise _refuse(f"key {jwk.get('kid')!r} does not suit {alg}.") from None


_CLAIM_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "the token has expired."),
    (jwt.InvalidAudienceError, "the token's aud is not the address of the endpoint called."),
    (jwt.InvalidIssuerError, "the token's iss does not match."),
    (jwt.ImmatureSignatureError, "the token is issued in the future (check the client's clock)."),
    (jwt.InvalidSignatureError, "the signature does not verify with the client's key."),
    (jwt.InvalidIssuedAtError, "the token's iat is not a time."),
)


def verify_client(
    authorization: str | None,
    audiences: Sequence[str],
    policy: AuthPolicy,
    keysets: KeySets,
    replay: ReplayGuard,
) -> VerifiedClient:
    """Check the bearer JWT of one call; the verified client, or CdsAuthError with the reason.

    ``audiences`` are the addresses this endpoint answers to (one in practice; the feedback
    endpoint also accepts the service's own address). The ``jti`` is recorded only after the
    signature verified, so nobody can use up another client's token ids.
    """
    token = bearer_token(authorization)
    header = _header(token, policy)
    alg, kid = str(header["alg"]), str(header["kid"])
    issuer = _claims_unverified(token).get("iss")
    client = policy.clients.get(issuer) if isinstance(issuer, str) else None
    if client is None:
        shown = issuer[:200] if isinstance(issuer, str) else "missing"
        raise _refuse(f"issuer {shown!r} is not on the allow-list of CDS clients.")
    jwk = _find_key(_key_set(client, header, keysets, refresh=False), kid)
    if jwk is None:  # perhaps a new key: look once more, unless the set was fetched just now
        jwk = _find_key(_key_set(client, header, keysets, refresh=True), kid)
    if jwk is None:
        raise _refuse(f"no key {kid[:100]!r} in the key set of {client.issuer}.")
    try:
        claims = jwt.decode(
            token,
            _public_key(jwk, alg),
            algorithms=[alg],
            audience=list(audiences),
            issuer=client.issuer,
            leeway=policy.leeway,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.MissingRequiredClaimError as exc:
        raise _refuse(f"the token has no {exc.claim} claim.") from None
    except jwt.PyJWTError as exc:
        for kind, reason in _CLAIM_ERRORS:
            if isinstance(exc, kind):
                raise _refuse(reason) from None
        raise _refuse("the token cannot be verified.") from None
    exp, iat, jti = claims["exp"], claims["iat"], claims["jti"]
    if exp - iat > policy.max_lifetime:
        raise _refuse(f"the token lives longer than {policy.max_lifetime} seconds (exp - iat).")
    if not isinstance(jti, str) or not jti or len(jti) > 256:
        raise _refuse("the token's jti must be text of 1 to 256 characters.")
    seconds = max(1, int(exp - time.time()) + policy.leeway + 1)
    digest = hashlib.sha256(f"{client.issuer}\n{jti}".encode()).hexdigest()
    if not replay.first_use(digest, seconds):
        raise _refuse("this token was already used (jti seen before); send a new one.")
    tenant, subject = claims.get("tenant"), claims.get("sub")
    return VerifiedClient(
        client.issuer,
        kid,
        jti,
        tenant if isinstance(tenant, str) else "",
        subject if isinstance(subject, str) else "",
    )


__all__ = [
    "ALGORITHMS",
    "AuthPolicy",
    "KeySets",
    "MemoryReplayGuard",
    "ReplayGuard",
    "TrustedClient",
    "VerifiedClient",
    "bearer_token",
    "read_clients",
    "verify_client",
]
