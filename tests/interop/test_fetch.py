"""The guarded fetcher: what it refuses to call (SSRF), and its bounds on time, size, redirects.

Every test stays on this machine: refused addresses are refused before any connection (IP
literals and plain-http names need no DNS), and the rest talk to a server thread on loopback.
"""

from __future__ import annotations

import ipaddress
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.common.errors import BadOptionError, RemoteFetchError, UnsafeAddressError
from crossroads.interop.fetch import FetchPolicy, check_url, get_json, origin, parse_networks
from tests.interop.localserver import Answer, serve

pytestmark = pytest.mark.unit

LOCAL = FetchPolicy(allow_loopback=True, timeout=3.0)


def test_reads_json_from_loopback_when_the_policy_allows_it() -> None:
    with serve({"/fhir/Patient/1": {"resourceType": "Patient", "id": "1"}}) as server:
        data = get_json(server.url("/fhir/Patient/1"), LOCAL, {"Authorization": "Bearer t"})
    assert data == {"resourceType": "Patient", "id": "1"}
    assert server.seen == [("/fhir/Patient/1", "Bearer t")]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.smarthealthit.org:9080/Patient/1", "only https addresses are called"),
        ("http://127.0.0.1:9/x", "only https addresses are called"),  # loopback not allowed
        ("https://127.0.0.1/x", "is at 127.0.0.1, a private, local or reserved address"),
        ("https://10.0.0.1/fhir", "is at 10.0.0.1, a private"),
        ("https://172.16.5.4/fhir", "is at 172.16.5.4, a private"),
        ("https://192.168.1.1/fhir", "is at 192.168.1.1, a private"),
        ("https://169.254.169.254/latest/meta-data/", "is at 169.254.169.254, a private"),
        ("https://100.64.0.1/", "is at 100.64.0.1, a private"),
        ("https://0.0.0.0/", "is at 0.0.0.0, a private"),
        ("https://[::1]/", "is at ::1, a private"),
        ("https://[fe80::1]/", "is at fe80::1, a private"),
        ("https://[fd00::1]/", "is at fd00::1, a private"),
        ("https://[::ffff:10.0.0.1]/", "is at ::ffff:a00:1, a private"),
        ("https://224.0.0.1/", "is at 224.0.0.1, a private"),
        ("https://user:secret@ehr.example.org/fhir", "addresses with credentials in them"),
        ("ftp://ehr.example.org/fhir", "is not an absolute https address"),
        ("/fhir/Patient/1", "is not an absolute https address"),
        ("https://ehr.example.org:99999/", "is not a valid address"),
    ],
)
def test_unsafe_addresses_are_refused_before_any_connection(url: str, message: str) -> None:
    with pytest.raises(UnsafeAddressError, match="^.*" + message.replace("[", r"\[")):
        check_url(url, FetchPolicy())


def test_plain_http_to_a_named_host_is_refused_even_when_loopback_is_allowed() -> None:
    with pytest.raises(UnsafeAddressError, match="only https addresses are called, not http"):
        check_url("http://hooks.smarthealthit.org:9080/", LOCAL)


def test_an_operator_can_allow_a_private_network() -> None:
    policy = FetchPolicy(allowed_networks=parse_networks(["10.20.0.0/16"]))
    target = check_url("https://10.20.3.4:8443/fhir/Condition?patient=1", policy)
    assert (target.host, target.port, target.address, target.path) == (
        "10.20.3.4",
        8443,
        "10.20.3.4",
        "/fhir/Condition?patient=1",
    )
    with pytest.raises(UnsafeAddressError):
        check_url("https://10.21.0.1/", policy)
    with pytest.raises(UnsafeAddressError, match="only https"):
        check_url("http://10.20.3.4/", policy)


def test_bad_network_setting_is_named() -> None:
    with pytest.raises(BadOptionError) as raised:
        parse_networks(["10.0.0.0/8", "ten"], "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS")
    assert str(raised.value) == (
        "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS: 'ten' is not a network; write it as 10.20.0.0/16."
    )


@pytest.mark.parametrize(("timeout", "max_bytes"), [(0.0, 4096), (121.0, 4096), (5.0, 1023)])
def test_policy_bounds_are_checked(timeout: float, max_bytes: int) -> None:
    with pytest.raises(BadOptionError):
        FetchPolicy(timeout=timeout, max_bytes=max_bytes)


def test_policy_bounds_at_their_limits_are_accepted() -> None:
    assert FetchPolicy(timeout=120.0, max_bytes=1024).max_bytes == 1024


_PRIVATE = st.one_of(
    st.integers(0, 2**24 - 1).map(lambda n: ipaddress.IPv4Address((10 << 24) + n)),
    st.integers(0, 2**20 - 1).map(lambda n: ipaddress.IPv4Address((172 << 24) + (16 << 16) + n)),
    st.integers(0, 2**16 - 1).map(lambda n: ipaddress.IPv4Address((192 << 24) + (168 << 16) + n)),
    st.integers(0, 2**16 - 1).map(lambda n: ipaddress.IPv4Address((169 << 24) + (254 << 16) + n)),
    st.integers(0, 2**24 - 1).map(lambda n: ipaddress.IPv4Address((127 << 24) + n)),
)


@settings(max_examples=200, deadline=None)
@given(_PRIVATE, st.sampled_from(["https", "http"]))
def test_no_private_or_loopback_ipv4_address_is_ever_called(
    address: ipaddress.IPv4Address, scheme: str
) -> None:
    for host in (str(address), f"[::ffff:{address}]"):
        with pytest.raises(UnsafeAddressError):
            check_url(f"{scheme}://{host}/fhir", FetchPolicy())


def test_origin_of_addresses() -> None:
    assert origin("https://EHR.example.org/fhir") == ("https", "ehr.example.org", 443)
    assert origin("http://localhost:8080/x") == ("http", "localhost", 8080)
    assert origin("ehr.example.org/fhir") is None
    assert origin("https://ehr.example.org:x/") is None


def test_a_redirect_on_the_same_host_is_followed() -> None:
    with serve() as server:
        server.routes["/old"] = Answer(302, headers={"Location": "/new"})
        server.routes["/new"] = {"ok": True}
        assert get_json(server.url("/old"), LOCAL) == {"ok": True}
    assert server.paths == ["/old", "/new"]


def test_a_redirect_to_another_host_is_refused() -> None:
    with serve() as server:
        port = server.base.rsplit(":", 1)[1]
        server.routes["/old"] = Answer(302, headers={"Location": f"http://localhost:{port}/new"})
        with pytest.raises(UnsafeAddressError, match="redirected elsewhere"):
            get_json(server.url("/old"), LOCAL)
    assert server.paths == ["/old"]


def test_redirects_are_bounded() -> None:
    with serve() as server:
        for n in range(5):
            server.routes[f"/r{n}"] = Answer(302, headers={"Location": f"/r{n + 1}"})
        with pytest.raises(RemoteFetchError, match="more than 3 redirects"):
            get_json(server.url("/r0"), LOCAL)
    assert server.paths == ["/r0", "/r1", "/r2", "/r3"]


def test_an_answer_over_the_size_limit_is_refused() -> None:
    policy = FetchPolicy(allow_loopback=True, max_bytes=2048)
    with serve() as server:
        server.routes["/declared"] = Answer(body=b"[" + b"1," * 2000 + b"1]")
        server.routes["/undeclared"] = Answer(
            body=b"[" + b"1," * 2000 + b"1]", headers={"Content-Length": ""}
        )
        server.routes["/fits"] = Answer(body=b"[" + b"1," * 1000 + b"1]")
        with pytest.raises(RemoteFetchError, match="sent more than 2048 bytes"):
            get_json(server.url("/declared"), policy)
        with pytest.raises(RemoteFetchError, match="sent more than 2048 bytes"):
            get_json(server.url("/undeclared"), policy)  # counted while reading
        assert len(get_json(server.url("/fits"), policy)) == 1001


def test_a_slow_server_is_given_up_on_at_the_deadline() -> None:
    policy = FetchPolicy(allow_loopback=True, timeout=0.5)
    with serve({"/slow": Answer(json={}, delay=2.0)}) as server:
        started = time.monotonic()
        with pytest.raises(RemoteFetchError, match="did not answer in time"):
            get_json(server.url("/slow"), policy)
        assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Answer(500, json={"resourceType": "OperationOutcome"}), "answered with HTTP status 500."),
        (Answer(401, json={}), "answered with HTTP status 401."),
        (Answer(body=b"<html>login</html>"), "did not answer with readable JSON."),
        (Answer(body=b'{"a": 1, "a": 2}'), "did not answer with readable JSON."),
    ],
)
def test_failures_of_the_server_are_plain_errors(answer: Answer, message: str) -> None:
    with (
        serve({"/x": answer}) as server,
        pytest.raises(RemoteFetchError, match=f"^127.0.0.1 {message}$"),
    ):
        get_json(server.url("/x"), LOCAL)


def test_a_closed_port_is_a_plain_error() -> None:
    with serve() as server:
        url = server.url("/x")
    with pytest.raises(RemoteFetchError, match=r"^could not read 127.0.0.1 \("):
        get_json(url, LOCAL)
