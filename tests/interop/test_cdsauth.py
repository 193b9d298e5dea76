"""CDS client authentication: the signed JWT of CDS Hooks 2.0, refused in every way it can be
wrong, with local key pairs and key sets served from a dict or a loopback server."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from crossroads.common.errors import BadOptionError, CdsAuthError
from crossroads.interop.cdsauth import (
    AuthPolicy,
    KeySets,
    MemoryReplayGuard,
    TrustedClient,
    read_clients,
    verify_client,
)
from crossroads.interop.fetch import FetchPolicy
from tests.conftest import ROOT
from tests.interop.localserver import serve

pytestmark = pytest.mark.unit

ISS = "https://ehr.example.org/"
AUD = "https://crossroads.example.org/cds-services/crossroads-car-t"
EC_KEY = ec.generate_private_key(ec.SECP384R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_EC_KEY = ec.generate_private_key(ec.SECP384R1())
EXAMPLE = json.loads((ROOT / "tests/fixtures/cds-hooks/jwt-example.json").read_text("utf-8"))


def public_jwk(key: Any, kid: str, alg: str) -> dict[str, Any]:
    maker = ECAlgorithm if alg.startswith("ES") else RSAAlgorithm
    jwk: dict[str, Any] = maker.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


JWKS = {"keys": [public_jwk(EC_KEY, "ec-1", "ES384"), public_jwk(RSA_KEY, "rsa-1", "RS384")]}


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": ISS, "aud": AUD, "iat": now, "exp": now + 120, "jti": str(uuid.uuid4())}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def token(
    payload: dict[str, Any] | None = None,
    key: Any = EC_KEY,
    alg: str = "ES384",
    **header: Any,
) -> str:
    headers = {"kid": "ec-1" if alg.startswith("ES") else "rsa-1", "typ": "JWT", **header}
    headers = {k: v for k, v in headers.items() if v is not None}
    return jwt.encode(payload or claims(), key, algorithm=alg, headers=headers)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class Env:
    """One service's view: the allow-list, its key sets and its replay store."""

    def __init__(self, client: TrustedClient | None = None, **policy: Any) -> None:
        client = client or TrustedClient(ISS, jwks=JWKS)
        self.policy = AuthPolicy({client.issuer: client}, **policy)
        self.keysets = KeySets(FetchPolicy(allow_loopback=True, timeout=3.0))
        self.replay = MemoryReplayGuard()

    def check(self, value: str | None, audiences: tuple[str, ...] = (AUD,)) -> Any:
        return verify_client(value, audiences, self.policy, self.keysets, self.replay)

    def refused(self, value: str | None, audiences: tuple[str, ...] = (AUD,)) -> str:
        with pytest.raises(CdsAuthError) as raised:
            self.check(value, audiences)
        return str(raised.value).removeprefix("the CDS client is not authenticated: ")


def test_a_token_signed_with_es384_is_accepted() -> None:
    payload = claims(tenant="hospital-7", sub="ehr-client")
    client = Env().check(f"Bearer {token(payload)}")
    assert (client.issuer, client.key_id, client.jti, client.tenant, client.subject) == (
        ISS,
        "ec-1",
        payload["jti"],
        "hospital-7",
        "ehr-client",
    )


def test_a_token_signed_with_rs384_is_accepted_and_aud_may_be_a_list() -> None:
    value = token(claims(aud=["https://other.example/x", AUD]), RSA_KEY, "RS384")
    assert Env().check(f"bearer {value}").key_id == "rsa-1"


def test_the_specifications_example_token_verifies_but_has_expired() -> None:
    env = Env(TrustedClient(EXAMPLE["issuer"], jwks=EXAMPLE["jwks"]))
    reason = env.refused(f"Bearer {EXAMPLE['token']}", (EXAMPLE["audience"],))
    assert reason == "the token has expired."


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (
            None,
            "no Authorization header; send 'Authorization: Bearer <JWT>' signed with the "
            "client's private key.",
        ),
        (
            "",
            "no Authorization header; send 'Authorization: Bearer <JWT>' signed with the "
            "client's private key.",
        ),
        ("Basic dXNlcjpwdw==", "the Authorization header must be 'Bearer <JWT>'."),
        ("Bearer", "the Authorization header must be 'Bearer <JWT>'."),
        ("Bearer not-a-jwt", "the bearer token is not a JSON Web Token."),
        ("Bearer " + "a" * 9000, "the token is longer than 8192 characters."),
    ],
)
def test_missing_or_malformed_headers_are_refused(header: str | None, reason: str) -> None:
    assert Env().refused(header) == reason


def test_an_unsigned_token_alg_none_is_refused() -> None:
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': 'ec-1'})}.{_b64(claims())}."
    assert Env().refused(f"Bearer {unsigned}") == "unsigned tokens (alg 'none') are not accepted."


def test_a_token_signed_with_a_shared_secret_is_refused() -> None:
    """The classic confusion: HS256 "signed" with the client's public key as the secret."""
    pem = EC_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    forged = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': 'ec-1'})}.{_b64(claims())}.c2ln"
    assert Env().refused(f"Bearer {forged}") == (
        "algorithm 'HS256' is not accepted; sign with ES384 or RS384."
    )
    assert pem  # the secret an attacker would use is public; the algorithm check stops it


def test_an_algorithm_outside_the_policy_is_refused() -> None:
    es256 = ec.generate_private_key(ec.SECP256R1())
    assert Env().refused(f"Bearer {token(key=es256, alg='ES256')}") == (
        "algorithm 'ES256' is not accepted; sign with ES384 or RS384."
    )


def test_a_wrong_signature_is_refused() -> None:
    forged = token(key=OTHER_EC_KEY)  # same kid, another key
    assert Env().refused(f"Bearer {forged}") == (
        "the signature does not verify with the client's key."
    )


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from("ABCDEFGabcdefg0123_-"))
def test_changing_any_character_of_the_signature_is_refused(position: int, char: str) -> None:
    value = token()
    head, body, signature = value.split(".")
    spot = position % len(signature)
    if signature[spot] == char:
        return
    changed = signature[:spot] + char + signature[spot + 1 :]
    with pytest.raises(CdsAuthError):
        Env().check(f"Bearer {head}.{body}.{changed}")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            dict(iss="https://stranger.example/"),
            "issuer 'https://stranger.example/' is not on the allow-list of CDS clients.",
        ),
        (dict(iss=None), "issuer 'missing' is not on the allow-list of CDS clients."),
        (
            dict(aud="https://crossroads.example.org/cds-services/other"),
            "the token's aud is not the address of the endpoint called.",
        ),
        (dict(aud=None), "the token has no aud claim."),
        (dict(jti=None), "the token has no jti claim."),
        (dict(exp=None), "the token has no exp claim."),
        (dict(iat=None), "the token has no iat claim."),
        (dict(jti="x" * 257), "the token's jti must be text of 1 to 256 characters."),
    ],
)
def test_claims_that_are_wrong_or_missing_are_refused(changes: dict[str, Any], reason: str) -> None:
    # the claims are made when the test runs, not when it is collected: a token made at
    # collection would expire before a long run reaches it
    assert Env().refused(f"Bearer {token(claims(**changes))}") == reason


@pytest.mark.parametrize(
    ("exp_offset", "accepted"),
    [(-35, False), (-25, True), (5, True)],  # leeway 30 s
)
def test_expiry_is_checked_with_the_leeway(exp_offset: int, accepted: bool) -> None:
    now = int(time.time())
    value = f"Bearer {token(claims(iat=now - 100, exp=now + exp_offset))}"
    if accepted:
        assert Env().check(value).issuer == ISS
    else:
        assert Env().refused(value) == "the token has expired."


@pytest.mark.parametrize(("iat_offset", "accepted"), [(20, True), (45, False)])
def test_a_token_from_the_future_is_refused_beyond_the_leeway(
    iat_offset: int, accepted: bool
) -> None:
    now = int(time.time())
    value = f"Bearer {token(claims(iat=now + iat_offset, exp=now + iat_offset + 60))}"
    if accepted:
        assert Env().check(value).issuer == ISS
    else:
        assert Env().refused(value) == (
            "the token is issued in the future (check the client's clock)."
        )


@pytest.mark.parametrize(("lifetime", "accepted"), [(300, True), (301, False)])
def test_a_token_may_live_five_minutes_at_most(lifetime: int, accepted: bool) -> None:
    now = int(time.time())
    value = f"Bearer {token(claims(iat=now, exp=now + lifetime))}"
    if accepted:
        assert Env().check(value).issuer == ISS
    else:
        assert Env().refused(value) == "the token lives longer than 300 seconds (exp - iat)."


def test_a_replayed_token_is_refused() -> None:
    env, value = Env(), f"Bearer {token()}"
    env.check(value)
    assert env.refused(value) == "this token was already used (jti seen before); send a new one."


def test_the_same_jti_from_another_issuer_is_not_a_replay() -> None:
    other = "https://other-ehr.example.org/"
    env = Env()
    env.policy = AuthPolicy(
        {ISS: TrustedClient(ISS, jwks=JWKS), other: TrustedClient(other, jwks=JWKS)}
    )
    env.check(f"Bearer {token(claims(jti='same'))}")
    assert env.check(f"Bearer {token(claims(jti='same', iss=other))}").issuer == other


def test_a_forged_token_does_not_use_up_a_jti() -> None:
    env, payload = Env(), claims()
    env.refused(f"Bearer {token(payload, key=OTHER_EC_KEY)}")
    assert env.check(f"Bearer {token(payload)}").jti == payload["jti"]


def test_the_replay_store_forgets_after_the_time_it_was_given() -> None:
    now = [1000.0]
    guard = MemoryReplayGuard(clock=lambda: now[0])
    assert guard.first_use("a", 10) is True
    assert guard.first_use("a", 10) is False
    now[0] = 1009.9
    assert guard.first_use("a", 10) is False
    now[0] = 1010.0
    assert guard.first_use("a", 10) is True


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({"kid": None}, "the token header has no kid naming the signing key."),
        ({"kid": "nobody"}, "no key 'nobody' in the key set of https://ehr.example.org/."),
        ({"typ": "at+jwt"}, "the token header's typ must be 'JWT'."),
    ],
)
def test_header_fields_are_checked(header: dict[str, Any], reason: str) -> None:
    assert Env().refused(f"Bearer {token(None, EC_KEY, 'ES384', **header)}") == reason


def test_a_token_without_typ_is_accepted() -> None:
    assert Env().check(f"Bearer {token(typ=None)}").key_id == "ec-1"


@pytest.mark.parametrize(
    ("jwk_change", "reason"),
    [
        ({"alg": "ES512"}, "key 'ec-1' is for 'ES512', not ES384."),
        ({"use": "enc"}, "key 'ec-1' is not a signing key."),
        ({"d": "private"}, "key 'ec-1' is not a public key."),
        ({"kty": "RSA"}, "key 'ec-1' does not suit ES384."),
    ],
)
def test_unsuitable_keys_are_refused(jwk_change: dict[str, Any], reason: str) -> None:
    keys = {"keys": [{**public_jwk(EC_KEY, "ec-1", "ES384"), **jwk_change}]}
    env = Env(TrustedClient(ISS, jwks=keys))
    assert env.refused(f"Bearer {token()}") == reason


def test_an_allow_listed_jku_is_fetched() -> None:
    with serve({"/jwks": JWKS}) as server:
        env = Env(TrustedClient(ISS, jku=(server.url("/jwks"),)))
        assert env.check(f"Bearer {token(jku=server.url('/jwks'))}").issuer == ISS
        assert env.check(f"Bearer {token(jku=server.url('/jwks'))}").issuer == ISS
    assert server.paths == ["/jwks"]  # cached


def test_a_jku_not_on_the_allow_list_is_never_fetched() -> None:
    with serve({"/jwks": JWKS, "/evil": JWKS}) as server:
        env = Env(TrustedClient(ISS, jwks_url=server.url("/jwks")))
        assert env.check(f"Bearer {token(jku=server.url('/evil'))}").issuer == ISS
        alone = Env(TrustedClient(ISS, jku=(server.url("/jwks"),)))
        assert alone.refused(f"Bearer {token(jku=server.url('/evil'))}") == (
            "its jku is not on the allow-list for https://ehr.example.org/, and no key set is "
            "configured."
        )
    assert server.paths == ["/jwks"]


def test_a_new_key_is_found_by_fetching_the_key_set_again_but_not_too_often() -> None:
    now = [0.0]
    with serve({"/jwks": {"keys": [public_jwk(EC_KEY, "ec-1", "ES384")]}}) as server:
        env = Env(TrustedClient(ISS, jwks_url=server.url("/jwks")))
        env.keysets = KeySets(
            FetchPolicy(allow_loopback=True, timeout=3.0), min_refresh=30, clock=lambda: now[0]
        )
        assert env.check(f"Bearer {token()}").key_id == "ec-1"
        rotated = token(key=OTHER_EC_KEY, kid="ec-2")
        server.routes["/jwks"] = {"keys": [public_jwk(OTHER_EC_KEY, "ec-2", "ES384")]}
        now[0] = 10.0  # too soon to fetch again
        assert env.refused(f"Bearer {rotated}") == (
            "no key 'ec-2' in the key set of https://ehr.example.org/."
        )
        now[0] = 31.0
        assert env.check(f"Bearer {rotated}").key_id == "ec-2"
    assert server.paths == ["/jwks", "/jwks"]


def test_a_key_set_that_cannot_be_read_is_a_refusal_with_the_reason() -> None:
    with serve() as server:
        env = Env(TrustedClient(ISS, jwks_url=server.url("/missing")))
        assert env.refused(f"Bearer {token()}") == (
            "its key set could not be read: 127.0.0.1 answered with HTTP status 404."
        )
        server.routes["/missing"] = {"keys": "none"}
        assert env.refused(f"Bearer {token()}") == (
            f'the key set at {server.url("/missing")} is not a JWK Set {{"keys": [...]}}.'
        )


def test_the_allow_list_is_read_from_its_settings_form() -> None:
    clients = read_clients(
        [
            {"iss": ISS, "jwks_url": "https://ehr.example.org/jwks"},
            {"iss": "https://b.example/", "jwks": JWKS, "jku": ["https://b.example/k"]},
        ]
    )
    assert clients == {
        ISS: TrustedClient(ISS, "https://ehr.example.org/jwks"),
        "https://b.example/": TrustedClient(
            "https://b.example/", jwks=JWKS, jku=("https://b.example/k",)
        ),
    }
    assert read_clients(None) == {} == read_clients([])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"iss": ISS}, "CROSSROADS_CDS_CLIENTS must be a JSON list of clients."),
        (["x"], "CROSSROADS_CDS_CLIENTS entry 1 must be an object with iss and jwks_url or jwks."),
        ([{"iss": ""}], "CROSSROADS_CDS_CLIENTS entry 1: iss must be non-empty text."),
        ([{"iss": ISS}], f"CROSSROADS_CDS_CLIENTS entry 1: give jwks_url, jwks or jku for {ISS}."),
        (
            [{"iss": ISS, "jwks_url": "ehr/jwks"}],
            "CROSSROADS_CDS_CLIENTS entry 1: jwks_url: 'ehr/jwks' is not an absolute http(s) "
            "address.",
        ),
        (
            [{"iss": ISS, "jwks": {"k": 1}}],
            'CROSSROADS_CDS_CLIENTS entry 1: jwks must be a key set, {"keys": [...]}.',
        ),
        ([{"iss": ISS, "jku": "x"}], "CROSSROADS_CDS_CLIENTS entry 1: jku must be a list of URLs."),
        ([{"iss": ISS, "secret": "x"}], "CROSSROADS_CDS_CLIENTS entry 1: unknown field 'secret'."),
        (
            [{"iss": ISS, "jwks": JWKS}, {"iss": ISS, "jwks": JWKS}],
            f"CROSSROADS_CDS_CLIENTS entry 2: issuer {ISS} is listed twice.",
        ),
    ],
)
def test_a_wrong_allow_list_is_named_entry_and_field(data: Any, message: str) -> None:
    with pytest.raises(BadOptionError) as raised:
        read_clients(data)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "changes",
    [{"algorithms": ("HS256",)}, {"algorithms": ()}, {"leeway": 301}, {"max_lifetime": 0}],
)
def test_a_policy_that_would_weaken_the_checks_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(BadOptionError):
        AuthPolicy({}, **changes)
