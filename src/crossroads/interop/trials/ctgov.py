"""ClinicalTrials.gov API v2: reading study records from files, and an optional download.

Offline first: trial search reads saved API v2 JSON (one study per file, a file with
``{"studies": [...]}`` as the API returns a page, or a folder of either). ``download`` fetches
recruiting studies from the public API when a network exists, saves them in a cache folder, and
reuses a fresh cached copy instead of asking again. Without a network it says so plainly and
points to the offline files; nothing else in Crossroads depends on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from crossroads.common.errors import RegistryUnreachableError, StudyFileError
from crossroads.common.safeio import load_json
from crossroads.interop.trials.model import AgeLimit, AgeUnit, Intervention, Site, Study

API_BASE = "https://clinicaltrials.gov/api/v2"
REGISTRY = "ClinicalTrials.gov"
OPEN_FILTER = ("RECRUITING", "NOT_YET_RECRUITING")
_AGE = re.compile(r"^\s*(\d+)\s+([A-Za-z]+?)s?\s*$")
_UNITS: tuple[str, ...] = get_args(AgeUnit)


def parse_age(text: Any) -> AgeLimit | None:
    """``"18 Years"`` -> AgeLimit(18, "years"); ``"N/A"``, empty or odd text -> None."""
    if not isinstance(text, str):
        return None
    match = _AGE.match(text)
    if not match:
        return None
    unit = match.group(2).lower() + "s"
    if unit not in _UNITS:
        return None
    return AgeLimit(int(match.group(1)), unit, text.strip())  # type: ignore[arg-type]


def _module(protocol: dict[str, Any], name: str) -> dict[str, Any]:
    value = protocol.get(name)
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def parse_study(raw: Any, source: str = "") -> Study:
    """One API v2 study record -> Study; a record without an NCT id is a StudyFileError."""
    protocol = raw.get("protocolSection") if isinstance(raw, dict) else None
    ident = _module(protocol, "identificationModule") if isinstance(protocol, dict) else {}
    nct_id = ident.get("nctId")
    if not isinstance(protocol, dict) or not isinstance(nct_id, str):
        raise StudyFileError(
            f"{source}: a study record needs protocolSection.identificationModule.nctId; "
            "save records from the ClinicalTrials.gov API v2 (format=json)."
        )
    status = _module(protocol, "statusModule")
    design = _module(protocol, "designModule")
    conditions = _module(protocol, "conditionsModule")
    arms = _module(protocol, "armsInterventionsModule")
    eligibility = _module(protocol, "eligibilityModule")
    contacts = _module(protocol, "contactsLocationsModule")
    interventions = tuple(
        Intervention(
            str(i.get("type") or ""),
            str(i.get("name") or ""),
            _strings(i.get("otherNames")),
            str(i.get("description") or ""),
        )
        for i in arms.get("interventions") or []
        if isinstance(i, dict)
    )
    sites = tuple(
        Site(s.get("facility"), s.get("city"), s.get("country"), s.get("status"))
        for s in contacts.get("locations") or []
        if isinstance(s, dict)
    )
    updated = _module(status, "lastUpdatePostDateStruct").get("date")
    return Study(
        study_id=nct_id,
        registry=REGISTRY,
        title=str(ident.get("briefTitle") or ident.get("officialTitle") or nct_id),
        overall_status=status.get("overallStatus"),
        phases=_strings(design.get("phases")),
        study_type=design.get("studyType"),
        conditions=_strings(conditions.get("conditions")),
        keywords=_strings(conditions.get("keywords")),
        interventions=interventions,
        minimum_age=parse_age(eligibility.get("minimumAge")),
        maximum_age=parse_age(eligibility.get("maximumAge")),
        sex=eligibility.get("sex"),
        healthy_volunteers=eligibility.get("healthyVolunteers"),
        eligibility_text=str(eligibility.get("eligibilityCriteria") or ""),
        sites=sites,
        last_update=updated if isinstance(updated, str) else None,
        synthetic=bool(raw.get("_synthetic")),
        source=source,
    )


def _records(data: Any, source: str) -> Iterator[Any]:
    if isinstance(data, dict) and "studies" in data:
        studies = data["studies"]
        if not isinstance(studies, list):
            raise StudyFileError(f"{source}: 'studies' must be a list of study records.")
        yield from studies
    elif isinstance(data, dict) and "protocolSection" in data:
        yield data
    elif isinstance(data, list):
        yield from data
    else:
        raise StudyFileError(
            f"{source}: not a ClinicalTrials.gov API v2 study, page or list of studies; save "
            "records with format=json."
        )


def read_study_file(path: Path) -> list[Study]:
    source = str(path)
    try:
        data = load_json(path.read_text(encoding="utf-8-sig"), source)
    except OSError as exc:
        raise StudyFileError(f"{source}: cannot read the file ({exc.strerror}).") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StudyFileError(f"{source}: not JSON ({exc}).") from None
    return [parse_study(raw, source) for raw in _records(data, source)]


def study_files(paths: Iterable[Path]) -> list[Path]:
    """The JSON files named, and every ``*.json`` in the folders named (sorted, recursive)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob("*.json"))
        elif path.exists():
            files.append(path)
        else:
            raise StudyFileError(f"{path}: no such file or folder; give study files or a folder.")
    return files


# -- download ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    """A search on the API's ``/studies`` endpoint (condition, intervention, open studies)."""

    condition: str
    intervention: str = "CAR-T OR chimeric antigen receptor"
    statuses: tuple[str, ...] = OPEN_FILTER
    page_size: int = 100

    def params(self) -> dict[str, str]:
        return {
            "format": "json",
            "query.cond": self.condition,
            "query.intr": self.intervention,
            "filter.overallStatus": "|".join(self.statuses),
            "pageSize": str(self.page_size),
        }


def build_url(query: Query, page_token: str | None = None, base_url: str = API_BASE) -> str:
    params = query.params()
    if page_token:
        params["pageToken"] = page_token
    return f"{base_url.rstrip('/')}/studies?{urllib.parse.urlencode(params)}"


def cache_path(query: Query, cache_dir: Path) -> Path:
    """Where the studies of one query are kept: the same query always maps to the same file."""
    key = json.dumps(query.params(), sort_keys=True)
    return cache_dir / f"ctgov-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def default_cache_dir() -> Path:
    base = os.environ.get("CROSSROADS_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) / "crossroads" if base else Path.home() / ".cache" / "crossroads"
    return root / "trials"


@dataclass(frozen=True)
class Saved:
    path: Path
    count: int
    from_cache: bool
    fetched: str = ""
    pages: int = field(default=0, compare=False)


def _fresh(path: Path, max_age: dt.timedelta, now: dt.datetime) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fetched = dt.datetime.fromisoformat(data["fetched"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if now - fetched <= max_age and isinstance(data.get("studies"), list) else None


def _get(url: str, timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(
            request, timeout=timeout
        ) as response:  # only http(s): checked above
            data = load_json(response.read().decode("utf-8"), REGISTRY)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        host = urllib.parse.urlsplit(url).netloc
        raise RegistryUnreachableError(
            f"could not reach ClinicalTrials.gov at {host} ({reason}). There may be no network "
            "here. Trial search still works offline with saved study files: "
            "crossroads trials CASE --studies FOLDER"
        ) from None
    except json.JSONDecodeError:
        raise RegistryUnreachableError(f"{url}: the registry did not answer with JSON.") from None
    if not isinstance(data, dict):
        raise RegistryUnreachableError(f"{url}: unexpected answer from the registry.")
    return data


def download(
    query: Query,
    cache_dir: Path,
    *,
    base_url: str = API_BASE,
    max_pages: int = 5,
    timeout: float = 20.0,
    max_age: dt.timedelta = dt.timedelta(days=7),
    now: dt.datetime | None = None,
) -> Saved:
    """Fetch the query's studies (following ``nextPageToken``) into the cache, or reuse it."""
    if not base_url.startswith(("http://", "https://")):
        raise RegistryUnreachableError(
            f"{base_url}: the registry address must start with http(s)://"
        )
    now = now or dt.datetime.now(dt.UTC)
    target = cache_path(query, cache_dir)
    cached = _fresh(target, max_age, now)
    if cached is not None:
        return Saved(target, len(cached["studies"]), True, str(cached["fetched"]))
    studies: list[Any] = []
    token: str | None = None
    pages = 0
    while pages < max_pages:
        page = _get(build_url(query, token, base_url), timeout)
        pages += 1
        studies += page.get("studies") or []
        token = page.get("nextPageToken")
        if not token:
            break
    record = {"query": query.params(), "fetched": now.isoformat(), "studies": studies}
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)
    return Saved(target, len(studies), False, now.isoformat(), pages)
