"""Plain names for this app's audit actions (added to ``audit.labels.LABELS`` at start-up)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INTEROP_LABELS: dict[str, Promise] = {
    "cds.call": _("was answered by the CDS service"),
    "cds.feedback": _("told the CDS service what was done with a card"),
    "cds.open": _("opened a link from the health record system"),
    "fhir.export": _("downloaded the case as a FHIR Bundle"),
    "fhir.import": _("created the case from a FHIR Bundle"),
    "fhir.import_check": _("checked a FHIR Bundle before importing it"),
}
