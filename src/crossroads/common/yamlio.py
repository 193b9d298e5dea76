"""One YAML loader for case files and knowledge-base files.

Safe loading with the C parser where available, and dates kept as text: PyYAML would turn
``2025-02-30`` into a crash and ``2024-08-15`` into a date object, while Crossroads parses every
date itself (partial dates included) and reports an impossible one against its field.
"""

from __future__ import annotations

from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc]
    """Safe loader that leaves timestamps as strings."""


def _timestamp_as_text(loader: Any, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_yaml(text: str) -> Any:
    """Parse YAML text safely; raises ``yaml.YAMLError`` on bad syntax."""
    return yaml.load(text, Loader=Loader)
