"""Every check of a knowledge-base release in one call: what ``crossroads kb check`` runs.

Each data area owns its checks next to its models; this module only gathers them, so that a new
area is one line here and the command and its test stay unchanged.
"""

from __future__ import annotations

import datetime as dt

from crossroads.kb import (
    about,
    alternatives,
    fhir_maps,
    lines,
    planning,
    regimens,
    review_data,
    scope,
    terms,
    trial_terms,
)
from crossroads.kb.base import KnowledgeBase
from crossroads.kb.bibliography import load_bibliography
from crossroads.kb.check import Finding, check, patient_facing, public_reference_findings


def check_release(kb: KnowledgeBase, today: dt.date | None = None) -> list[Finding]:
    """All findings about the release, every data area, errors first."""
    today = today or dt.date.today()
    found = check(kb, today)
    found += alternatives.findings(kb, today)
    found += planning.findings(kb, today=today)
    found += review_data.findings(kb, today=today)
    found += fhir_maps.findings(kb, today)
    found += trial_terms.findings(kb, today)
    found += regimens.findings(kb, today)
    found += terms.findings(kb, today)
    found += lines.findings(kb, today)
    found += public_reference_findings(patient_facing(kb), load_bibliography())
    found += scope.findings(kb, today)
    found += about.findings(kb, today)
    found.sort(key=lambda f: (f.level != "error", f.where))
    return found
