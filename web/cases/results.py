"""What the core says about a case, for the step pages: one adapter per core module.

The web app computes nothing clinical itself: it calls the same functions as the command line,
so both show the same results. It imports them directly: the web app ships with the core it was
written for, so a missing core function is an error at start-up, not a part silently left out.

Results are cached per process by case version, language and day, so reading a page again does
not recompute them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.utils import timezone

from cases.models import CaseRecord
from crossroads.common.errors import CrossroadsError
from crossroads.engine.classify import Classification, classify
from crossroads.engine.codes import check_codes
from crossroads.kb import JURISDICTIONS, Jurisdiction, KnowledgeBase, load_kb
from crossroads.kb.citations import plain_tree
from crossroads.kb.places import known_jurisdictions
from crossroads.kb.planning import planning_for
from crossroads.record.case import Case
from crossroads.render.data import assessment_data
from crossroads.steps.readiness import readiness as core_readiness
from crossroads.steps.readiness import readiness_data

log = logging.getLogger(__name__)
UI_LABELS = ("product", "indication", "status", "why", "source", "questions", "missing")
_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_SIZE = 512


_KB: list[KnowledgeBase] = []


def kb() -> KnowledgeBase:
    """The knowledge base, loaded once per process (a new release needs a restart).

    ``load_kb`` itself checks the data files' dates on every call; a page asks for the
    knowledge base many times, so the web app keeps the first one.
    """
    if not _KB:
        _KB.append(load_kb())
    return _KB[0]


_DAY: ContextVar[dt.date | None] = ContextVar("results_day", default=None)


def today() -> dt.date:
    """The date results are worked out for: today, unless :func:`dated` fixes it."""
    return _DAY.get() or timezone.localdate()


@contextmanager
def dated(day: dt.date) -> Iterator[None]:
    """Work out results as of ``day`` inside the block (the readability figures are dated the
    knowledge base's release, so they do not move from one day to the next)."""
    token = _DAY.set(day)
    try:
        yield
    finally:
        _DAY.reset(token)


def _cached(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = make()
    _CACHE[key] = value
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def _key(record: CaseRecord, what: str, lang: str = "") -> tuple[Any, ...]:
    return (what, record.pk, record.version, record.updated_at, lang, today(), kb().fingerprint)


def cached(record: CaseRecord, what: str, lang: str, make: Callable[[], Any]) -> Any:
    """A result for this version of the case, computed once per process."""
    return _cached(_key(record, what, lang), make)


def jurisdictions(record: CaseRecord) -> list[Jurisdiction]:
    return list(known_jurisdictions(record.web.get("jurisdictions")))


def core_case(record: CaseRecord) -> Case:
    """The stored record with drug names turned into codes, as the rules need them."""
    return _cached(_key(record, "case"), lambda: check_codes(record.case(), kb()))  # type: ignore[no-any-return]


def classification(record: CaseRecord) -> Classification:
    def make() -> Classification:
        return classify(core_case(record), kb(), jurisdictions(record), today())

    return _cached(_key(record, "classification"), make)  # type: ignore[no-any-return]


def assessment(record: CaseRecord, lang: str) -> dict[str, Any] | None:
    """The step-2 result as plain data in one language (None if the record cannot be read)."""

    def make() -> dict[str, Any] | None:
        try:
            data = assessment_data(classification(record), kb(), lang)
        except CrossroadsError as exc:
            log.warning("case %s: cannot classify: %s", record.pk, exc.code)
            return None
        for place, info in data["jurisdictions"].items():
            info["place_name"] = phrase(f"ui.jurisdiction.{place}", lang)
            for product in info["products"]:
                product["status_label"] = phrase(f"status.{product['status']}", lang)
        return plain_tree({**data, **ui_phrases(lang)}, lang)  # type: ignore[no-any-return]

    return _cached(_key(record, "assessment", lang), make)  # type: ignore[no-any-return]


def ui_phrases(lang: str) -> dict[str, dict[str, str]]:
    """Place names and headings from the core's phrase catalogue, so that a page, the command
    line and a report name a place (and head a column or a list) with the same words."""
    return {
        "place_names": {j: phrase(f"ui.jurisdiction.{j}", lang) for j in JURISDICTIONS},
        "labels": {k: phrase(f"ui.{k}", lang) for k in UI_LABELS},
    }


def readiness(record: CaseRecord, lang: str) -> dict[str, Any] | None:
    """Checklist and per-step completeness from ``crossroads.steps.readiness``."""

    def make() -> dict[str, Any] | None:
        try:
            data = readiness_data(core_readiness(core_case(record), kb(), today()), kb(), lang)
            return plain_tree(data, lang)  # type: ignore[no-any-return]
        except CrossroadsError as exc:
            log.warning("case %s: no readiness: %s", record.pk, exc.code)
            return None

    return _cached(_key(record, "readiness", lang), make)  # type: ignore[no-any-return]


def phrase(key: str, lang: str) -> str:
    return kb().phrase(key, lang)


def checklist_ready_values() -> dict[str, bool]:
    """For each checklist item of the core, the field value that means "in place"."""
    return {item.id: item.ready_when for item in planning_for(kb()).checklists.items}
