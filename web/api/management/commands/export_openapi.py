"""``manage.py export_openapi [PATH]``: write the API's OpenAPI document (docs/openapi.json).

The committed document is what clients and the schema tests read; a test fails when it differs
from what the code serves, so run this after changing an endpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from api.api import openapi_text


class Command(BaseCommand):
    help = "Write the API's OpenAPI document."

    def add_arguments(self, parser: Any) -> None:
        default = Path(settings.ROOT_DIR) / "docs" / "openapi.json"
        parser.add_argument("path", nargs="?", default=str(default))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        path.write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
