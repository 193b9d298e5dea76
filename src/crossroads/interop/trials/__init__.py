"""Clinical-trial search: read registry study records, explain each criterion for a case.

Offline first: study records come from files (ClinicalTrials.gov API v2 JSON); a download
command fills a cache when a network exists. China's registry (ChiCTR) has no machine-readable
export Crossroads could read yet, so its studies appear only when they are also registered on
ClinicalTrials.gov.
"""

from crossroads.interop.trials.render import render_text, search_data
from crossroads.interop.trials.search import (
    SearchOptions,
    SearchResult,
    StudySet,
    load_studies,
    search,
)

__all__ = [
    "SearchOptions",
    "SearchResult",
    "StudySet",
    "load_studies",
    "render_text",
    "search",
    "search_data",
]
