"""The production configuration on loopback: nginx (deploy/nginx/crossroads.conf) before gunicorn.

Used by the nginx test (tests/deploy/test_nginx.py) and the resilience bench
(scripts/bench_resilience.py), so both probe the committed file, not a copy. Everything lives in
one temporary folder: the rendered site file, a small main configuration standing in for
Debian's ``/etc/nginx/nginx.conf`` (pid, logs and temporary files in the folder, so no root is
needed), and a throw-away self-signed certificate. Each process is stopped by its own id.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
SITE = ROOT / "deploy" / "nginx" / "crossroads.conf"


def nginx_binary() -> str | None:
    """Debian's nginx, if installed (it lives in /usr/sbin, often not on a user's PATH)."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if os.access(found, os.X_OK) else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def render_site(values: Mapping[str, str]) -> str:
    """The committed site file with its ``@NAME@`` values filled in; all of them must be."""
    text = SITE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    body = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    if re.search(r"@[A-Z_]+@", body):
        raise ValueError("a @NAME@ value of deploy/nginx/crossroads.conf was not given")
    return text


def _main_conf(state: Path) -> str:
    temp = state / "tmp"
    paths = " ".join(
        f"{kind}_temp_path {temp / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers may write the temp folder
    return (
        f"{user}worker_processes auto;\npid {state / 'nginx.pid'};\n"
        f"error_log {state / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n  access_log off;\n  {paths}\n  uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"  scgi_temp_path {temp / 'scgi'};\n  include {state / 'crossroads.conf'};\n}}\n"
    )


def make_certificate(state: Path) -> tuple[Path, Path]:
    cert, key = state / "cert.pem", state / "key.pem"
    # ECDSA P-256, as certbot issues by default: its handshakes cost far less than RSA's.
    request = ("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256")
    request += ("-nodes", "-days", "1")
    subprocess.run(
        [*request, "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def client_tls() -> ssl.SSLContext:
    """TLS for talking to the throw-away certificate (not checked: it was made a moment ago)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def https(port: int, timeout: float = 10) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=client_tls())


def wait_for(port: int, path: str = "/floor/", seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn = https(port, timeout=2)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise RuntimeError(f"nothing answered {path} on port {port} within {seconds:.0f} s")


@dataclass(frozen=True)
class Proxy:
    port: int  # nginx's HTTPS port, the one clients use
    http_port: int
    state: Path


@contextmanager
def running_nginx(state: Path, upstream: str, heavy_upstream: str | None = None) -> Iterator[Proxy]:
    """nginx with the committed site file before ``upstream`` (and the heavy pool, which is
    ``upstream`` too when not given); stopped (by its id) after."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (state / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(state)
    proxy = Proxy(free_port(), free_port(), state)
    site = render_site(
        {
            "SERVER_NAME": "127.0.0.1 localhost",
            "HTTP_PORT": f"127.0.0.1:{proxy.http_port}",
            "HTTPS_PORT": f"127.0.0.1:{proxy.port}",
            "TLS_CERT": str(cert),
            "TLS_KEY": str(key),
            "UPSTREAM": upstream,
            "HEAVY_UPSTREAM": heavy_upstream or upstream,
        }
    )
    (state / "crossroads.conf").write_text(site, encoding="utf-8")
    (state / "nginx.conf").write_text(_main_conf(state), encoding="utf-8")
    command = [binary, "-p", str(state), "-c", str(state / "nginx.conf"), "-e", "stderr"]
    subprocess.run([*command, "-t", "-q"], check=True, capture_output=True)
    with (state / "nginx.log").open("wb") as log:
        server = subprocess.Popen([*command, "-g", "daemon off;"], stdout=log, stderr=log)
    try:
        yield proxy
    finally:
        server.terminate()
        server.wait(timeout=30)


def production_env(state: Path, port: int) -> dict[str, str]:
    """The app's production settings on a throw-away SQLite database in ``state``."""
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}},
        "DJANGO_SETTINGS_MODULE": "crossroads_web.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{state / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CROSSROADS_VAR_DIR": str(state / "var"),
        "CROSSROADS_BIND": f"127.0.0.1:{port}",
        # This checkout's core, even where the environment holds another copy of the package.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])
        ),
    }


@contextmanager
def running_gunicorn(env: Mapping[str, str], gunicorn: Path) -> Iterator[None]:
    """gunicorn with web/gunicorn.conf.py and ``env``; stopped (by its id) after."""
    state = Path(env["CROSSROADS_VAR_DIR"]).parent
    pool = env.get("CROSSROADS_POOL", "pages")
    with (state / f"gunicorn-{pool}.log").open("wb") as log:
        command = [str(gunicorn), "-c", "gunicorn.conf.py"]
        server = subprocess.Popen(command, cwd=WEB, env=dict(env), stdout=log, stderr=log)
    try:
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def running_pools(env: Mapping[str, str], gunicorn: Path) -> Iterator[tuple[str, str]]:
    """The two production pools (deploy/README.md): "pages" on ``env``'s CROSSROADS_BIND and
    "heavy" on a free port; yields both addresses for :func:`running_nginx`."""
    pages = env["CROSSROADS_BIND"]
    heavy = f"127.0.0.1:{free_port()}"
    heavy_env = {**env, "CROSSROADS_POOL": "heavy", "CROSSROADS_BIND": heavy}
    with running_gunicorn(env, gunicorn), running_gunicorn(heavy_env, gunicorn):
        for address in (pages, heavy):
            _wait_for_listener(address)
        yield pages, heavy


def _wait_for_listener(address: str, seconds: float = 60) -> None:
    """Until something accepts connections on ``host:port`` (gunicorn has started)."""
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listened on {address} within {seconds:.0f} s")
