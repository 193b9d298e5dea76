from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Record documents"

    def ready(self) -> None:
        """Plain names for this app's audit actions, like the interop app's."""
        from audit.labels import LABELS
        from documents.labels import DOCUMENT_LABELS

        for action, label in DOCUMENT_LABELS.items():
            LABELS.setdefault(action, label)
