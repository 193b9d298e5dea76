"""Shape rules: layers point one way, and the public API stays small and sorted."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import crossroads

pytestmark = pytest.mark.unit
SRC = Path(crossroads.__file__).parent

# Each module may import only from modules of a lower or equal layer (conventions.md §1).
LAYERS = [
    {"errors", "dates", "values", "yamlio", "messages"},
    {"case", "load", "template"},
    {"rules", "facts"},
    {"kb"},
    {"codes", "classify", "explain"},
    # step modules (one per journey step) and the standards at the edge
    {
        "assess",
        "compare",
        "timeline",
        "readiness",
        "review",
        "deid",
        "summary",
        "supportive",
        "actions",
        "fhir",
        "trials",
        "i18n",
        "cdshooks",
    },
    {"render"},
    {"interview", "cli", "commands", "__init__", "__main__"},
]


def _layer(module: str) -> int:
    head = module.split(".")[0]
    for i, names in enumerate(LAYERS):
        if head in names:
            return i
    raise AssertionError(f"module {module!r} is not placed in a layer: add it to LAYERS")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("crossroads.")
        ):
            found.add(node.module.removeprefix("crossroads."))
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("crossroads.")
                for a in node.names
                if a.name.startswith("crossroads.")
            }
    return found


def _modules() -> list[tuple[str, Path]]:
    return [
        (str(p.relative_to(SRC).with_suffix("")).replace("/", "."), p) for p in SRC.rglob("*.py")
    ]


@pytest.mark.parametrize(("module", "path"), _modules(), ids=lambda v: str(v))
def test_layers_point_one_way(module: str, path: Path) -> None:
    own = _layer(module if not module.endswith("__init__") or "." in module else "__init__")
    for imported in _imports(path):
        assert _layer(imported) <= own, f"{module} (layer {own}) imports {imported}"


def test_core_never_imports_django() -> None:
    for _, path in _modules():
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path


def test_public_api_is_small_and_sorted() -> None:
    assert crossroads.__all__ == sorted(crossroads.__all__)
    assert crossroads.__all__ == [
        "Case",
        "Classification",
        "CrossroadsError",
        "KnowledgeBase",
        "UserError",
        "assess_file",
        "assessment_data",
        "case_from_data",
        "check_codes",
        "classify",
        "load_case",
        "load_kb",
        "parse_jurisdictions",
        "prepare_case",
    ]
    for name in crossroads.__all__:
        assert hasattr(crossroads, name)
