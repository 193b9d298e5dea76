"""Each person's time zone: the one they chose, else one that follows from where they are.

Times are stored in UTC. A person in Shanghai who reads "02:00" without a label cannot tell
whether it is their night or someone else's afternoon, so every page shows times in the
person's zone and names the zone (``crossroads_web.middleware.TimeZoneMiddleware``).

The zone is the one chosen in the account settings. Until one is chosen it follows the country
of the person's case (its principal zone, the first the tz database lists for the country in
``zone.tab``; the browser's own zone when it lies in that country, so someone in Los Angeles is
not shown New York time), else the zone the browser reports, else UTC. Zone names and the
country table come from the ``tzdata`` package, so they match the zones ``zoneinfo`` knows.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.db.models import Q

# The cookie the site's script writes with the browser's zone (``Intl.DateTimeFormat``).
BROWSER_COOKIE = "browser_tz"
FALLBACK = "UTC"


@cache
def zone_names() -> tuple[str, ...]:
    """Every zone a person may choose: the canonical names, sorted (no legacy aliases)."""
    canonical = {zone for zones in country_zones().values() for zone in zones}
    return tuple(sorted(canonical | {FALLBACK}))


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """ISO 3166 country code to its zones, principal zone first, as ``zone.tab`` lists them."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            table.setdefault(parts[0].upper(), []).append(parts[2])
    return {code: tuple(zones) for code, zones in table.items()}


def valid_zone(name: object) -> str | None:
    """The name if ``zoneinfo`` knows it as a zone, else None (never raises)."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    if name not in available_timezones():
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def zone_for_country(country: str | None, browser: str | None = None) -> str | None:
    """The zone a country suggests: the browser's if it lies in that country, else the first."""
    zones = country_zones().get((country or "").strip().upper())
    if not zones:
        return None
    if browser in zones:
        return browser
    return zones[0]


def case_country(user: object) -> str | None:
    """The patient's country on the person's most recently changed case, if any is known.

    Patients own cases, caregivers hold grants and coordinators are assigned; staff who see
    many cases get no country (their own browser knows better).
    """
    from cases.models import CaseRecord  # the cases app imports accounts, not the reverse

    pk = getattr(user, "pk", None)
    role = getattr(user, "role", "")
    if pk is None:
        return None
    if role == "patient":
        rows = CaseRecord.objects.filter(owner_id=pk)
    elif role == "caregiver":
        rows = CaseRecord.objects.filter(
            Q(grants__caregiver_id=pk) & Q(grants__revoked_at__isnull=True)
        )
    else:
        return None
    for data in rows.order_by("-updated_at").values_list("data", flat=True)[:3]:
        patient = data.get("patient") if isinstance(data, dict) else None
        country = patient.get("country") if isinstance(patient, dict) else None
        if isinstance(country, str) and country.strip():
            return country
    return None


def zone_for(user: object, browser: str | None) -> str:
    """The zone to show this person's times in (see the module text for the order)."""
    chosen = valid_zone(getattr(user, "time_zone", ""))
    if chosen:
        return chosen
    browser = valid_zone(browser)
    if getattr(user, "is_authenticated", False):
        from_country = zone_for_country(case_country(user), browser)
        if from_country:
            return from_country
    return browser or FALLBACK


def offset_label(zone: str, when: dt.datetime | None = None) -> str:
    """The zone's offset from UTC at ``when`` (now by default): ``UTC+8``, ``UTC-4:30``, ``UTC``."""
    moment = when or dt.datetime.now(dt.UTC)
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: str, when: dt.datetime | None = None) -> str:
    """A zone as people read it next to a time: its name and offset, ``Asia/Shanghai, UTC+8``."""
    offset = offset_label(zone, when)
    return offset if zone == FALLBACK else f"{zone}, {offset}"
