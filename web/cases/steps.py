"""The core's results for each step page: one small adapter per journey step.

Every function returns plain data from the core's own ``*_data`` functions (the same data the
command line prints), or None when the core cannot work that step out for this record (a
:class:`CrossroadsError`, logged), so the page shows the step's fields and leaves that part out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from cases import results
from cases.models import CaseRecord
from crossroads.common.errors import CrossroadsError
from crossroads.kb.citations import plain_tree
from crossroads.kb.places import country_jurisdiction
from crossroads.kb.planning import planning_for
from crossroads.render.grid import add_icon_svgs
from crossroads.render.svg import timeline_svg
from crossroads.steps.actions import action_plan as core_action_plan
from crossroads.steps.actions import actions_data
from crossroads.steps.compare import compare, grid_data
from crossroads.steps.review import review_data
from crossroads.steps.scope import ask_instead_data
from crossroads.steps.summary import summary_data
from crossroads.steps.timeline import build_timeline, timeline_data

T = TypeVar("T")

log = logging.getLogger(__name__)


def _safely(what: str, case: CaseRecord, make: Callable[[], T]) -> T | None:
    """Run one core step; a problem with one step must not take the whole page down."""
    try:
        return make()
    except CrossroadsError as exc:
        log.warning("case %s: %s not available: %s", case.pk, what, exc.code)
        return None


def records_to_request(case: CaseRecord, lang: str) -> list[dict[str, Any]]:
    """Records the person does not hold (or is unsure of), phrased as they would ask for them."""
    data = results.readiness(case, lang)
    if data is None:
        return []
    return [
        {"name": item["name"], "ask": item["ask"], "state": item["state"]}
        for item in data["items"]
        if item["group"] == "records" and item["state"] != "known"
    ]


def option_grid(case: CaseRecord, lang: str) -> dict[str, Any] | None:
    def make() -> dict[str, Any]:
        kb = results.kb()
        grid = compare(results.core_case(case), kb, results.classification(case))
        return add_icon_svgs(plain_tree(grid_data(grid, kb, lang), lang))

    return results.cached(case, "grid", lang, lambda: _safely("grid", case, make))  # type: ignore[no-any-return]


def timeline_place(case: CaseRecord, wanted: str | None) -> str:
    """The place whose timeline to show: the one asked for, else where treatment would be."""
    chosen = results.jurisdictions(case)
    if wanted in chosen:
        return wanted
    country = (case.data.get("logistics") or {}).get("treatment_country")
    eu = planning_for(results.kb()).checklists.eu_countries
    place = country_jurisdiction(country if isinstance(country, str) else None, eu)
    return place if place in chosen else chosen[0]


def timeline(case: CaseRecord, lang: str, place: str) -> dict[str, Any] | None:
    def make() -> dict[str, Any]:
        kb = results.kb()
        tl = build_timeline(results.core_case(case), kb, place, today=results.today())
        out: dict[str, Any] = plain_tree(timeline_data(tl, kb, lang), lang)
        out["svg"] = timeline_svg(out, kb)
        return out

    return results.cached(case, f"timeline-{place}", lang, lambda: _safely("timeline", case, make))  # type: ignore[no-any-return]


def ask_instead(case: CaseRecord, lang: str) -> dict[str, Any] | None:
    """For a disease outside CAR-T, the questions to ask instead of a CAR-T timeline; else None."""

    def make() -> dict[str, Any] | None:
        data = ask_instead_data(results.classification(case), results.kb(), lang)
        return None if data is None else plain_tree(data, lang)

    return results.cached(case, "ask_instead", lang, lambda: _safely("scope", case, make))  # type: ignore[no-any-return]


def review(case: CaseRecord, lang: str) -> dict[str, Any] | None:
    def make() -> dict[str, Any]:
        data = review_data(
            results.core_case(case), results.kb(), results.classification(case), lang
        )
        return plain_tree(data, lang)  # type: ignore[no-any-return]

    return results.cached(case, "review", lang, lambda: _safely("review", case, make))  # type: ignore[no-any-return]


def summary(case: CaseRecord, lang: str) -> dict[str, Any] | None:
    def make() -> dict[str, Any]:
        data = summary_data(
            results.core_case(case), results.kb(), results.classification(case), lang
        )
        return plain_tree(data, lang)  # type: ignore[no-any-return]

    return results.cached(case, "summary", lang, lambda: _safely("summary", case, make))  # type: ignore[no-any-return]


def decision_check(case: CaseRecord, lang: str) -> dict[str, Any] | None:
    """The decision-readiness check: ready, or the list of what is still open."""
    data = summary(case, lang)
    if data is None:
        return None
    check = data["readiness"]
    return {"ready": bool(check["ready"]), "open": [item["text"] for item in check["open"]]}


def action_plan(case: CaseRecord, lang: str) -> list[dict[str, Any]] | None:
    def make() -> list[dict[str, Any]]:
        kb, today = results.kb(), results.today()
        planned = core_action_plan(results.core_case(case), kb, results.classification(case), today)
        return list(plain_tree(actions_data(planned, kb, today, lang)["actions"], lang))

    return results.cached(case, "plan", lang, lambda: _safely("actions", case, make))  # type: ignore[no-any-return]


def step_context(
    case: CaseRecord, number: int, lang: str, place: str | None = None
) -> dict[str, Any]:
    """Extra results shown on a step page, beside its form."""
    context: dict[str, Any] = {"assessment": results.assessment(case, lang)}
    if number == 1:
        context["records_to_request"] = records_to_request(case, lang)
    elif number == 3:
        context["grid"] = option_grid(case, lang)
    elif number == 4:
        ask = ask_instead(case, lang)
        if ask is not None:  # a disease outside CAR-T: no CAR-T timeline, logistics or bridging
            context["ask_instead"] = ask
            return context
        shown = timeline_place(case, place)
        context["timeline"] = timeline(case, lang, shown)
        context["timeline_places"] = results.jurisdictions(case)
        context["timeline_place"] = shown
        context["timeline_place_links"] = [
            (p, results.phrase(f"ui.jurisdiction.{p}", lang)) for p in context["timeline_places"]
        ]
        context["readiness"] = results.readiness(case, lang)
    elif number == 5:
        context["review"] = review(case, lang)
        # The step view keeps only those the person may read (drafts are the coordinator's).
        context["review_requests"] = list(
            case.review_requests.prefetch_related("reviewers", "answers__reviewer")
            .select_related("consensus_by")
            .order_by("-id")
        )
    elif number == 6:
        data = summary(case, lang)
        context["summary"] = data
        context["decision_check"] = decision_check(case, lang)
        context["decided"] = case.web.get("decided")
        context["plan"] = action_plan(case, lang)
    return context
