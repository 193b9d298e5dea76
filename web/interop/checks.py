"""Start-up check of the CDS Hooks settings, so a typo fails ``manage.py check``, not a call."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

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
    return errors
