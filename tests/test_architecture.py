"""Shape rules: layers point one way, and the public API stays small and sorted."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import crossroads

pytestmark = pytest.mark.unit
SRC = Path(crossroads.__file__).parent

# Each folder is one layer; a module may import only from its own layer or a lower one
# (conventions.md §1). The folder a module lives in says its layer, so a newcomer can tell where
# a new module belongs by what it needs.
LAYERS = [
    "common",  # errors, dates as intervals, three-valued values, YAML reading, messages
    "record",  # the case record and its loading
    "logic",  # the criteria language and the facts derived from a case
    "kb",  # the knowledge base (data, models, checks)
    "engine",  # classification per jurisdiction, codes, explanations
    # record documents read into proposals: uses the knowledge base's terminology (above kb) and
    # may check a drafted case with the engine; steps (the records checklist) and the web app use it
    "records",
    "steps",  # one module or package per journey step
    "interop",  # FHIR, ClinicalTrials.gov, CDS Hooks
    "screen",  # population screening: reads records through interop, runs the rules set-based
    "render",  # text, Markdown, HTML, PDF, ICS, SVG
    "cli",  # the command line
    "",  # the package itself: crossroads/__init__.py and __main__.py
]
SUBPACKAGES = {name for name in LAYERS if name}


def _layer(module: str) -> int:
    """The layer of a dotted module name relative to ``crossroads`` ("" is the package)."""
    head = module.split(".")[0] if "." in module or module in SUBPACKAGES else ""
    if head not in LAYERS:
        raise AssertionError(f"module {module!r} is not in a layer folder: see LAYERS")
    return LAYERS.index(head)


def _imports(path: Path) -> set[str]:
    """Every ``crossroads`` module the file imports, in any of the three import forms."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "crossroads":
            # `from crossroads import steps` is the subpackage; `from crossroads import Case`
            # is the public API in crossroads/__init__.py, the top layer.
            found |= {a.name if a.name in SUBPACKAGES else "" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crossroads."):
            found.add((node.module or "").removeprefix("crossroads."))
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("crossroads.") if a.name != "crossroads" else ""
                for a in node.names
                if a.name == "crossroads" or a.name.startswith("crossroads.")
            }
    return found


def _modules() -> list[tuple[str, Path]]:
    return [
        (str(p.relative_to(SRC).with_suffix("")).replace("/", "."), p) for p in SRC.rglob("*.py")
    ]


@pytest.mark.parametrize(("module", "path"), _modules(), ids=lambda v: str(v))
def test_layers_point_one_way(module: str, path: Path) -> None:
    own = _layer("" if module in {"__init__", "__main__"} else module)
    for imported in _imports(path):
        assert _layer(imported) <= own, f"{module} (layer {own}) imports {imported}"


def test_every_module_is_in_a_layer_folder() -> None:
    loose = [m for m, _ in _modules() if "." not in m and m not in {"__init__", "__main__"}]
    assert loose == []


def test_layer_check_catches_every_import_form(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import crossroads\n"
        "import crossroads.kb.base\n"
        "from crossroads import Case, steps\n"
        "from crossroads.engine.classify import classify\n"
    )
    assert _imports(probe) == {"", "kb.base", "steps", "engine.classify"}
    assert _layer("common.errors") < _layer("kb") < _layer("steps.timeline") < _layer("")


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
