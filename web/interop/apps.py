from __future__ import annotations

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Interoperability"

    def ready(self) -> None:
        """Register the settings check and plain names for this app's audit actions."""
        from audit.labels import LABELS
        from interop import checks  # noqa: F401  (registers the check)
        from interop.labels import INTEROP_LABELS

        for action, label in INTEROP_LABELS.items():
            LABELS.setdefault(action, label)
