"""Report section for supportive care: TCM, herbs and supplements, always as complementary only.

Every time these appear the report says they support treatment and never replace it, and asks
the person to tell the treating team (ground rule); cautions come only from cited knowledge-base
entries, matched by the supportive module.
"""

from __future__ import annotations

from typing import Any

from crossroads.render.sections import ReportInput
from crossroads.steps.supportive import supportive_data


def _source(cited: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": cited["source"],
        "as_of": cited["as_of"],
        "confidence": cited["confidence"],
        "uncertain": cited["uncertain"],
        "flag": None,
        "references": cited.get("references", []),
    }


def supportive_section(src: ReportInput) -> dict[str, Any]:
    """What the person takes besides treatment, with the standing lines and any cautions."""
    data = supportive_data(src.case, src.kb, src.lang)
    cited = [data["complementary_only"], data["tell_team"], *data["general_cautions"]]
    cited += [c for entry in data["entries"] for c in entry["cautions"]]
    return {
        "complementary_only": data["complementary_only"]["text"],
        "tell_team": data["tell_team"]["text"],
        "entries": [
            {
                "name": e["name"],
                "purpose": e["purpose"],
                "told": e["told_treating_team"],
                "tell_team": e["tell_team"],
                "cautions": [c["text"] for c in e["cautions"]],
            }
            for e in data["entries"]
        ],
        "none_recorded": data["none_recorded"],
        "general": [
            {"text": c["text"], "uncertain": c["uncertain"]} for c in data["general_cautions"]
        ],
        "sources": [_source(c) for c in cited],
    }


def supportive_handover_section(src: ReportInput) -> dict[str, Any] | None:
    """The same for the home doctor, left out when the person takes nothing besides treatment."""
    if not src.case.supportive_care:
        return None
    return supportive_section(src)
