"""The core's results for each step page: one small adapter per journey step.

Every function returns plain data from the core's own ``*_data`` functions (the same data the
command line prints), or None when this build of the core does not have that step yet, so the
page shows the step's fields and leaves that part out.
"""

from __future__ import annotations

import logging
from typing import Any

from cases import results
from cases.models import CaseRecord
from crossroads.common.errors import CrossroadsError
from crossroads.kb.places import country_jurisdiction
from crossroads.kb.planning import planning_for

log = logging.getLogger(__name__)


def _safely(what: str, case: CaseRecord, make: Any) -> Any:
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
    compare = results.optional("crossroads.steps.compare", "compare")
    grid_data = results.optional("crossroads.steps.compare", "grid_data")
    if compare is None or grid_data is None:
        return None

    def make() -> dict[str, Any]:
        kb = results.kb()
        grid = compare(results.core_case(case), kb, results.classification(case))
        return grid_data(grid, kb, lang)  # type: ignore[no-any-return]

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
    build = results.optional("crossroads.steps.timeline", "build_timeline")
    data = results.optional("crossroads.steps.timeline", "timeline_data")
    svg = results.optional("crossroads.render.svg", "timeline_svg")
    if build is None or data is None:
        return None

    def make() -> dict[str, Any]:
        kb = results.kb()
        tl = build(results.core_case(case), kb, place, today=results.today())
        out: dict[str, Any] = data(tl, kb, lang)
        out["svg"] = svg(out, kb) if svg is not None else None
        return out

    return results.cached(case, f"timeline-{place}", lang, lambda: _safely("timeline", case, make))  # type: ignore[no-any-return]


def review(case: CaseRecord, lang: str) -> dict[str, Any] | None:
    review_data = results.optional("crossroads.steps.review", "review_data")
    if review_data is None:
        return None

    def make() -> dict[str, Any]:
        return review_data(  # type: ignore[no-any-return]
            results.core_case(case), results.kb(), results.classification(case), lang
        )

    return results.cached(case, "review", lang, lambda: _safely("review", case, make))  # type: ignore[no-any-return]


def summary(case: CaseRecord, lang: str) -> dict[str, Any] | None:
    summary_data = results.optional("crossroads.steps.summary", "summary_data")
    if summary_data is None:
        return None

    def make() -> dict[str, Any]:
        return summary_data(  # type: ignore[no-any-return]
            results.core_case(case), results.kb(), results.classification(case), lang
        )

    return results.cached(case, "summary", lang, lambda: _safely("summary", case, make))  # type: ignore[no-any-return]


def decision_check(case: CaseRecord, lang: str) -> dict[str, Any] | None:
    """The decision-readiness check: ready, or the list of what is still open."""
    data = summary(case, lang)
    if data is None:
        return None
    check = data["readiness"]
    return {"ready": bool(check["ready"]), "open": [item["text"] for item in check["open"]]}


def action_plan(case: CaseRecord, lang: str) -> list[dict[str, Any]] | None:
    plan = results.optional("crossroads.steps.actions", "action_plan")
    actions_data = results.optional("crossroads.steps.actions", "actions_data")
    if plan is None or actions_data is None:
        return None

    def make() -> list[dict[str, Any]]:
        kb, today = results.kb(), results.today()
        planned = plan(results.core_case(case), kb, results.classification(case), today)
        return list(actions_data(planned, kb, today, lang)["actions"])

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
        shown = timeline_place(case, place)
        context["timeline"] = timeline(case, lang, shown)
        context["timeline_places"] = results.jurisdictions(case)
        context["timeline_place"] = shown
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
