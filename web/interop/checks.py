"""Start-up check of the CDS Hooks settings, so a typo fails ``manage.py check``, not a call."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from crossroads.common.errors import BadOptionError
from crossroads.interop.cdsauth import AuthPolicy, read_clients
from crossroads.interop.cdshooks import FetchLimits
from crossroads.interop.fetch import FetchPolicy, parse_networks
from crossroads.kb import JURISDICTIONS


@register()
def cds_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    places = list(getattr(settings, "CROSSROADS_CDS_JURISDICTIONS", JURISDICTIONS))
    unknown = [p for p in places if p not in JURISDICTIONS]
    if unknown or not places:
        errors.append(
            Error(
                f"CROSSROADS_CDS_JURISDICTIONS: {', '.join(unknown) or 'empty'} is not a place "
                f"Crossroads knows.",
                hint=f"Use a comma-separated list of {', '.join(JURISDICTIONS)}.",
                id="interop.E001",
            )
        )
    base = getattr(settings, "CROSSROADS_CDS_BASE_URL", "") or ""
    if base and not base.startswith(("http://", "https://")):
        errors.append(
            Error(
                f"CROSSROADS_CDS_BASE_URL: '{base}' is not an absolute address.",
                hint="Write it with the scheme, e.g. https://crossroads.example.org",
                id="interop.E002",
            )
        )
    errors += _cds_security()
    return errors


def _cds_security() -> list[Error]:
    """The client allow-list, the token limits and the fetch limits, as the core reads them."""
    errors: list[Error] = []
    checks = (
        (
            "interop.E003",
            lambda: AuthPolicy(
                read_clients(getattr(settings, "CROSSROADS_CDS_CLIENTS", [])),
                leeway=int(getattr(settings, "CROSSROADS_CDS_JWT_LEEWAY", 30)),
                max_lifetime=int(getattr(settings, "CROSSROADS_CDS_JWT_MAX_LIFETIME", 300)),
            ),
            "List clients as JSON: "
            '[{"iss": "https://ehr.example.org", "jwks_url": "https://ehr.example.org/jwks"}].',
        ),
        (
            "interop.E004",
            lambda: FetchPolicy(
                timeout=float(getattr(settings, "CROSSROADS_CDS_FETCH_TIMEOUT", 5)),
                allowed_networks=parse_networks(
                    getattr(settings, "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS", ()),
                    "CROSSROADS_CDS_FETCH_ALLOWED_NETWORKS",
                ),
            ),
            "Give networks as CIDR (10.20.0.0/16) and a timeout of 1 to 120 seconds.",
        ),
        (
            "interop.E005",
            lambda: FetchLimits(
                int(getattr(settings, "CROSSROADS_CDS_FETCH_MAX_PAGES", 10)),
                int(getattr(settings, "CROSSROADS_CDS_FETCH_MAX_RESOURCES", 5000)),
            ),
            "Set CROSSROADS_CDS_FETCH_MAX_PAGES and _MAX_RESOURCES to 1 or more.",
        ),
    )
    for code, build, hint in checks:
        try:
            build()
        except BadOptionError as exc:
            errors.append(Error(str(exc), hint=hint, id=code))
    return errors
