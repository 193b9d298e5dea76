"""Bounded GET of JSON from an address that arrived in a request, with a guard against
server-side request forgery (SSRF).

A CDS Hooks call names servers for Crossroads to read: ``fhirServer`` (and the ``next`` pages of
its searches), a ``jku`` key-set URL. Whoever sends the call chooses those addresses, so without a
guard they could make Crossroads read its own admin ports, a cloud metadata address or a
hospital's internal network on their behalf. Hence, for every request and every redirect:

- only ``https``; plain ``http`` only to loopback, and only when the policy allows it (local
  development and tests);
- no credentials in the URL;
- the host name is resolved once, every address it resolves to must be public (not private,
  loopback, link-local, shared, multicast or reserved) unless its network is allowed by the
  policy, and the connection goes to that vetted address (so a second, different DNS answer
  cannot slip past the check);
- a redirect is followed only to the same scheme, host and port, a few times at most;
- one deadline for the whole request, and a size limit on the answer, read in chunks.

Built on the standard library's ``http.client``: the only part that needs changing is where the
socket connects, and TLS still checks the certificate against the host name.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from crossroads.common.errors import (
    BadOptionError,
    InputLimitError,
    RemoteFetchError,
    UnsafeAddressError,
)
from crossroads.common.safeio import load_json

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """How far Crossroads goes when it reads an address it was given.

    ``timeout`` bounds one whole request (connection, redirects and body) in seconds;
    ``max_bytes`` bounds the answer. ``allow_loopback`` admits loopback addresses, over http
    too (local development and tests only). ``allowed_networks`` admits non-public networks an
    operator has chosen, e.g. a hospital FHIR server on ``10.20.0.0/16``.
    """

    timeout: float = 5.0
    max_bytes: int = 4 * 1024 * 1024
    max_redirects: int = 3
    allow_loopback: bool = False
    allowed_networks: tuple[Network, ...] = ()

    def __post_init__(self) -> None:
        if not 0 < self.timeout <= 120:
            raise BadOptionError(f"fetch timeout {self.timeout} must be between 0 and 120 s.")
        if self.max_bytes < 1024:
            raise BadOptionError(f"fetch size limit {self.max_bytes} must be at least 1024.")


def parse_networks(values: Iterable[str], setting: str = "networks") -> tuple[Network, ...]:
    """CIDR texts (``10.20.0.0/16``, ``fd00::/8``) as networks; BadOptionError names a bad one."""
    found: list[Network] = []
    for value in values:
        try:
            found.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise BadOptionError(
                f"{setting}: '{value}' is not a network; write it as 10.20.0.0/16."
            ) from None
    return tuple(found)


@dataclass(frozen=True)
class Target:
    """A URL that passed the guard: where to connect, and to which vetted address."""

    scheme: str
    host: str
    port: int
    address: str
    path: str  # path and query, as sent

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an absolute http(s) URL, or None when it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return (scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80))


def _allowed(address: Address, policy: FetchPolicy) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if any(address in network for network in policy.allowed_networks):
        return True
    if address.is_loopback:
        return policy.allow_loopback
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise RemoteFetchError(f"could not find the server {host} ({exc}).") from None
    seen: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in seen:
            seen.append(address)
    if not seen:
        raise RemoteFetchError(f"could not find the server {host}.")
    return seen


def _loopback_name(host: str) -> bool:
    """``localhost`` or a loopback address literal: the only hosts plain http may reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, policy: FetchPolicy) -> Target:
    """The vetted target of ``url``, or UnsafeAddressError saying why it is not called."""
    if not isinstance(url, str) or len(url) > 4096:
        raise UnsafeAddressError("the address is not text of a usable length.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeAddressError(f"'{url[:200]}' is not a valid address.") from None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise UnsafeAddressError(f"'{url[:200]}' is not an absolute https address.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeAddressError(f"{host}: addresses with credentials in them are not called.")
    port = port or (443 if scheme == "https" else 80)
    if scheme == "http" and not (policy.allow_loopback and _loopback_name(host)):
        raise UnsafeAddressError(f"{host}: only https addresses are called, not http.")
    addresses = _resolve(host, port)
    refused = [a for a in addresses if not _allowed(a, policy)]
    if refused:
        raise UnsafeAddressError(
            f"{host} is at {refused[0]}, a private, local or reserved address, which Crossroads "
            "does not call on a request's say-so (an operator can allow a network with "
            "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS)."
        )
    if scheme == "http" and not (policy.allow_loopback and all(a.is_loopback for a in addresses)):
        raise UnsafeAddressError(f"{host}: only https addresses are called, not http.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, str(addresses[0]), path)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the vetted address, whatever the host name would resolve to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As :class:`_PinnedHTTP`, with TLS checked against the host name (SNI and certificate)."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address
        self._tls = ssl.create_default_context()

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _left(deadline: float, host: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise RemoteFetchError(f"{host} did not answer in time.")
    return left


def _exchange(
    target: Target, headers: Mapping[str, str], policy: FetchPolicy, deadline: float
) -> tuple[int, str | None, bytes]:
    """One GET: status, Location header and body (bounded by size and the deadline)."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, _left(deadline, target.host))
    try:
        connection.request("GET", target.path, headers=dict(headers))
        response = connection.getresponse()
        if response.status in _REDIRECTS:
            return response.status, response.getheader("Location"), b""
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > policy.max_bytes:
            raise RemoteFetchError(f"{target.host} sent more than {policy.max_bytes} bytes.")
        body = bytearray()
        while True:
            if connection.sock is not None:
                connection.sock.settimeout(_left(deadline, target.host))
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            body += chunk
            if len(body) > policy.max_bytes:
                raise RemoteFetchError(f"{target.host} sent more than {policy.max_bytes} bytes.")
        return response.status, None, bytes(body)
    except TimeoutError:
        raise RemoteFetchError(f"{target.host} did not answer in time.") from None
    except (OSError, http.client.HTTPException) as exc:
        reason = type(exc).__name__ if not str(exc) else str(exc)[:200]
        raise RemoteFetchError(f"could not read {target.host} ({reason}).") from None
    finally:
        connection.close()


def get_json(url: str, policy: FetchPolicy, headers: Mapping[str, str] | None = None) -> Any:
    """GET ``url`` and parse the JSON answer, within the policy.

    UnsafeAddressError when the guard refuses the address or a redirect; RemoteFetchError when
    the server fails, is slow, sends too much or sends something that is not JSON. Messages name
    the host, never the headers (which may carry a bearer token).
    """
    sent = {"Accept": "application/fhir+json, application/json", "User-Agent": "Crossroads"}
    sent.update(headers or {})
    deadline = time.monotonic() + policy.timeout
    current = url
    for _ in range(policy.max_redirects + 1):
        target = check_url(current, policy)
        status, location, body = _exchange(target, sent, policy, deadline)
        if status in _REDIRECTS:
            following = urljoin(current, location or "")
            if not location or origin(following) != target.origin:
                raise UnsafeAddressError(
                    f"{target.host} redirected elsewhere; redirects to another host are not "
                    "followed."
                )
            current = following
            continue
        if status != 200:
            raise RemoteFetchError(f"{target.host} answered with HTTP status {status}.")
        try:
            return load_json(body.decode("utf-8-sig"), target.host)
        except (UnicodeDecodeError, json.JSONDecodeError, InputLimitError):
            raise RemoteFetchError(f"{target.host} did not answer with readable JSON.") from None
    raise RemoteFetchError(f"{url[:200]}: more than {policy.max_redirects} redirects.")


__all__ = ["FetchPolicy", "Target", "check_url", "get_json", "origin", "parse_networks"]
