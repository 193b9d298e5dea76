"""Trial search for the case page: the core's search over the studies shipped with Crossroads.

The study records are read once per process (:func:`studies`); a search for one case only
compares, and its result is kept per case version, language and filter like the step results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel import Locale

from cases import results
from cases.models import CaseRecord
from crossroads.interop.trials import SearchOptions, StudySet, load_studies, search, search_data
from crossroads.interop.trials.countries import country_code
from crossroads.interop.trials.search import default_study_paths
from crossroads.kb.trial_terms import load_trial_terms

_STUDIES: list[StudySet] = []


def studies() -> StudySet:
    """The study records in the core's bundled data folder, read once per process."""
    if not _STUDIES:
        _STUDIES.append(load_studies(default_study_paths()))
    return _STUDIES[0]


def country_choices(lang: str) -> list[tuple[str, str]]:
    """Countries with at least one study site, as (code, name in the chosen language)."""
    codes = {
        code
        for study in studies().studies
        for site in study.sites
        if (code := country_code(site.country)) is not None
    }
    names = Locale.parse("zh_Hans" if lang.startswith("zh") else "en").territories
    return sorted(((code, str(names.get(code, code))) for code in codes), key=lambda c: c[1])


@dataclass(frozen=True)
class TrialFilter:
    country: str | None = None
    show_all: bool = False


def trial_page(record: CaseRecord, lang: str, chosen: TrialFilter) -> dict[str, Any]:
    """The search result as plain data, with each outcome's word in the chosen language.

    Raises the core's ``BadOptionError`` for a country that is not a two-letter code.
    """

    def make() -> dict[str, Any]:
        kb = results.kb()
        options = SearchOptions(
            country=chosen.country, show_all=chosen.show_all, today=results.today()
        )
        data = search_data(search(results.core_case(record), studies(), kb, options), kb, lang)
        terms = load_trial_terms(kb)
        for study in data["studies"]:
            study["status_text"] = next(
                (c["text"] for c in study["criteria"] if c["criterion"] == "status"), ""
            )
            study["counts_text"] = terms.phrase("trials.counts", lang, **study["counts"])
            for criterion in study["criteria"]:
                criterion["outcome_text"] = terms.phrase(
                    f"trials.outcome.{criterion['outcome']}", lang
                )
        data["synthetic_label"] = terms.phrase("trials.synthetic", lang)
        data["car_t_label"] = terms.phrase("trials.car_t", lang)
        data["records_text"] = terms.phrase("trials.records", lang, count=data["studies_read"])
        return data

    key = f"trials:{chosen.country or ''}:{int(chosen.show_all)}"
    return results.cached(record, key, lang, make)  # type: ignore[no-any-return]
