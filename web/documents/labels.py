"""Plain names for this app's audit actions (added to ``audit.labels.LABELS`` at start-up)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DOCUMENT_LABELS: dict[str, Promise] = {
    "document.upload": _("added a record document"),
    "document.refused": _("tried to add a file that was refused"),
    "document.view": _("looked at a record document"),
    "document.delete": _("deleted a record document"),
    "document.accept": _("accepted values read from a record document"),
    "document.reject": _("turned down values read from a record document"),
    "document.redact": _("asked for a copy of a record document with personal details hidden"),
    "document.redaction_approve": _(
        "approved the copy with personal details hidden for the specialist reviewers"
    ),
}
