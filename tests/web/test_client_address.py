"""The caller's address behind a reverse proxy: believed only from a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from audit.actions import client_ip

pytestmark = pytest.mark.unit


def _request(remote: str, real: str | None = None) -> object:
    extra = {"REMOTE_ADDR": remote}
    if real is not None:
        extra["HTTP_X_REAL_IP"] = real
    return RequestFactory().get("/floor/", **extra)


@override_settings(CROSSROADS_TRUSTED_PROXIES=("127.0.0.1", "::1"))
@pytest.mark.parametrize(
    ("remote", "real", "expected"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on loopback tells the real one
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("127.0.0.1", None, "127.0.0.1"),  # no header: the proxy itself
        ("127.0.0.1", "not an address", "127.0.0.1"),  # a malformed header is not believed
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),  # a client cannot claim an address
    ],
)
def test_client_ip_believes_x_real_ip_only_from_a_trusted_proxy(
    remote: str, real: str | None, expected: str
) -> None:
    assert client_ip(_request(remote, real)) == expected  # type: ignore[arg-type]


@override_settings(CROSSROADS_TRUSTED_PROXIES=())
def test_client_ip_ignores_the_header_when_no_proxy_is_trusted() -> None:
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"  # type: ignore[arg-type]


def test_client_ip_refuses_a_malformed_connection_address() -> None:
    assert client_ip(_request("x" * 60)) is None  # type: ignore[arg-type]


def test_axes_counts_sign_in_failures_by_the_same_address() -> None:
    from django.conf import settings

    assert settings.AXES_CLIENT_IP_CALLABLE == "audit.actions.client_ip"
