"""Report section "About this aid": who made it, who paid, conflicts, evidence grades, updates.

Short on purpose: the report gives the facts a certification reviewer and a reader need (IPDASi
v4 C3, C4, C6 and the disclosure items) in a few lines; the web page /about/ has the rest (how it
was tested, its limits). The words come from ``kb/data/about.yaml`` via :mod:`crossroads.kb.about`.
"""

from __future__ import annotations

from typing import Any

from crossroads.kb.about import about_data
from crossroads.render.sections import ReportInput, format_day


def about_section(src: ReportInput) -> dict[str, Any]:
    """Always shown: authorship, funding, conflicts, evidence grades, updates, reading level."""
    data = about_data(src.kb, src.lang, lambda day: format_day(day, src.lang))
    keep = (
        "title",
        "headings",
        "made_by",
        "funding",
        "conflicts",
        "grades_intro",
        "grades",
        "update_policy",
        "reading_level",
    )
    colon = "：" if src.lang.startswith("zh") else ": "  # Chinese takes the full-width colon
    return {**{key: data[key] for key in keep}, "colon": colon}
