"""Trial search results as plain data (JSON, ``crossroads.trials/v1``) and as plain text.

Every criterion line says what the study says, what this case has, and the outcome in words
(not only a symbol). Made-up example records say so on every line they appear.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from crossroads.interop.trials.eligibility import CriterionResult
from crossroads.interop.trials.search import SearchResult, StudyResult
from crossroads.kb import KnowledgeBase
from crossroads.kb.trial_terms import TrialTerms, load_trial_terms

TRIALS_SCHEMA_ID = "crossroads.trials/v1"
_MARK = {"match": "✓", "fail": "✗", "unknown": "?"}
_MAX_COUNTRIES = 4


def _status(terms: TrialTerms, status: str | None, lang: str) -> str:
    key = f"trials.status.{status}"
    if key in terms.data.phrases:
        return terms.phrase(key, lang)
    return terms.phrase("trials.status.other", lang, status=status or "?")


def _sites(result: StudyResult, terms: TrialTerms, lang: str) -> str:
    sites = result.study.sites
    if not sites:
        return terms.phrase("trials.no_sites", lang)
    counts = Counter(s.country or "?" for s in sites)
    parts = []
    for country, _ in counts.most_common(_MAX_COUNTRIES):
        cities = list(dict.fromkeys(s.city for s in sites if s.country == country and s.city))
        shown = ", ".join(cities[:3]) + (" …" if len(cities) > 3 else "")
        parts.append(f"{country} ({shown})" if shown else country)
    more = len(counts) - _MAX_COUNTRIES
    return "; ".join(parts) + (f"; +{more}" if more > 0 else "")


def _marks(lang: str) -> tuple[str, str]:
    """The colon and the semicolon of the language (full-width in Chinese)."""
    return ("：", "；") if lang.startswith("zh") else (": ", "; ")


def _unit(kb: KnowledgeBase, fact: str, lang: str) -> str:
    unit = kb.facts[fact].unit
    return unit.get(lang) if unit else ""


def explain(
    criterion: CriterionResult,
    result: SearchResult,
    kb: KnowledgeBase,
    terms: TrialTerms,
    lang: str,
) -> str:
    """One criterion in plain words: what the study says and what this case has."""
    unknown = terms.phrase("trials.unknown_value", lang)
    colon, semi = _marks(lang)
    case_word = terms.phrase("trials.case", lang) + colon
    name = criterion.criterion
    if name == "status":
        return _status(terms, criterion.study_says or None, lang)
    if name == "condition":
        disease = kb.code_name(result.disease, lang) if result.disease else ""
        if criterion.note == "case_unknown":
            return terms.phrase("trials.condition.case_unknown", lang)
        if criterion.note == "unread":
            return terms.phrase("trials.condition.unread", lang, unread=criterion.study_says)
        key = "trials.condition.covers" if criterion.note == "covers" else "trials.condition.other"
        return terms.phrase(key, lang, conditions=criterion.study_says, disease=disease)
    if name == "age":
        years = _unit(kb, "age_years", lang)
        value = f"{criterion.case_has} {years}" if criterion.case_has else unknown
        if criterion.note == "range":
            said = terms.phrase(
                "trials.age.range", lang, low=criterion.values[0], high=criterion.values[1]
            )
        elif criterion.note == "min":
            said = terms.phrase("trials.age.min", lang, low=criterion.values[0])
        else:
            said = terms.phrase("trials.age.max", lang, high=criterion.values[0])
        return f"{said}{semi}{case_word}{value}"
    if name == "sex":
        said = terms.phrase(f"trials.sex.{criterion.study_says}", lang)
        return f"{said}{semi}{case_word}{criterion.case_has or unknown}"
    said = terms.phrase("trials.study_says", lang)
    if name == "prior_lines":
        lines = _unit(kb, "prior_lines", lang)
        count = f"{criterion.case_has} {lines}" if criterion.case_has else unknown
        counted = terms.phrase("trials.lines.counted", lang, count=count)
        return f"{said}{colon}“{criterion.study_says}”{semi}{case_word}{counted}"
    had = kb.phrase("value.none", lang) if criterion.case_has == "none" else criterion.case_has
    value = terms.phrase("trials.car_t.case", lang, value=had or unknown)
    return f"{said}{colon}“{criterion.study_says}”{semi}{case_word}{value}"


def _study_data(
    result: StudyResult, search: SearchResult, kb: KnowledgeBase, terms: TrialTerms, lang: str
) -> dict[str, Any]:
    study = result.study
    return {
        "id": study.study_id,
        "registry": study.registry,
        "title": study.title,
        "synthetic": study.synthetic,
        "status": study.overall_status,
        "phases": list(study.phases),
        "car_t": bool(result.profile.car_t_words),
        "car_t_words": list(result.profile.car_t_words),
        "car_t_interventions": list(result.profile.car_t_interventions),
        "conditions": list(study.conditions),
        "countries": list(study.countries()),
        "sites": len(study.sites),
        "criteria": [
            {
                "criterion": c.criterion,
                "label": terms.phrase(f"trials.criterion.{c.criterion}", lang),
                "outcome": c.outcome,
                "study_says": c.study_says,
                "case_has": c.case_has or None,
                "text": explain(c, search, kb, terms, lang),
            }
            for c in result.criteria
        ],
        "counts": {k: result.count(k) for k in ("match", "unknown", "fail")},
        "source": study.source,
    }


def search_data(search: SearchResult, kb: KnowledgeBase, lang: str = "en") -> dict[str, Any]:
    """The search result as JSON-ready data (``crossroads.trials/v1``)."""
    terms = load_trial_terms(kb)
    return {
        "schema": TRIALS_SCHEMA_ID,
        "lang": lang,
        "disease": search.disease,
        "studies_read": search.total,
        "order": terms.phrase("trials.sorted", lang),
        "studies": [_study_data(r, search, kb, terms, lang) for r in search.shown],
        "hidden": {
            "closed": search.hidden_closed,
            "not_about_this_disease_or_car_t": search.hidden_other,
            "do_not_fit": search.hidden_fail,
            "outside_place_or_phase": search.outside_place,
        },
        "notice": [terms.phrase("trials.ask_team", lang), kb.phrase("not_replace", lang)],
    }


def render_text(search: SearchResult, kb: KnowledgeBase, lang: str = "en") -> str:
    """The search result as plain text for the terminal."""
    terms = load_trial_terms(kb)
    lines = [terms.phrase("trials.title", lang), terms.phrase("trials.sorted", lang), ""]
    if not search.shown:
        lines += [terms.phrase("trials.none", lang), ""]
    for n, result in enumerate(search.shown, start=1):
        study = result.study
        lines.append(f"{n}. {study.study_id}  {study.title}")
        if study.synthetic:
            lines.append(f"   [{terms.phrase('trials.synthetic', lang)}]")
        kind = terms.phrase(
            "trials.car_t" if result.profile.car_t_words else "trials.not_car_t", lang
        )
        if result.profile.car_t_words:
            kind += f" ({', '.join(result.profile.car_t_interventions[:3])})"
        phases = "/".join(study.phases) or "—"
        lines.append(f"   {_status(terms, study.overall_status, lang)} · {phases} · {kind}")
        colon = _marks(lang)[0]
        lines.append(f"   {terms.phrase('trials.sites', lang)}{colon}{_sites(result, terms, lang)}")
        for c in result.criteria:
            label = terms.phrase(f"trials.criterion.{c.criterion}", lang)
            outcome = terms.phrase(f"trials.outcome.{c.outcome}", lang)
            text = explain(c, search, kb, terms, lang)
            lines.append(f"   {_MARK[c.outcome]} {label} [{outcome}]{colon}{text}")
        counts = {k: result.count(k) for k in ("match", "unknown", "fail")}
        lines += [f"   {terms.phrase('trials.counts', lang, **counts)}", ""]
    hidden = search.hidden_closed + search.hidden_other + search.hidden_fail
    if hidden:
        lines.append(
            terms.phrase(
                "trials.hidden",
                lang,
                closed=search.hidden_closed,
                other=search.hidden_other,
                fail=search.hidden_fail,
            )
        )
    lines += [
        terms.phrase("trials.records", lang, count=search.total),
        terms.phrase("trials.ask_team", lang),
        kb.phrase("not_replace", lang),
    ]
    return "\n".join(lines) + "\n"
