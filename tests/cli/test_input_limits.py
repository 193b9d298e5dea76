"""The command line on hostile case and FHIR files: exit code 2 and one sentence, quickly.

Before the bounded readers a 649-byte YAML alias bomb in ``extensions`` hung ``assess`` until
memory ran out, JSON nested 100,000 deep and a 4,301-digit number ended in a traceback.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.cli.test_cli import no_traceback, run
from tests.common.test_safeio import BOMB
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.integration

EXAMPLE = (EXAMPLES / "us_axi_cel_second_line_early_relapse.yaml").read_text(encoding="utf-8")
DEEP = (
    "the data is nested more than 64 levels deep. Crossroads reads records with far fewer "
    "levels; check that the file is the record you meant to send."
)


def _long(digits: int, where: str = "") -> str:
    at = f" ({where})" if where else ""
    return (
        f"a number has {digits:,} digits{at}; numbers may have at most 64 digits. Remove the "
        "number or write it as text in quotes."
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "bomb.yaml",
            EXAMPLE + BOMB,
            "the YAML holds more than 100,000 values once its aliases (*name) are expanded. "
            "Write the values out instead of repeating them with anchors and aliases.",
        ),
        ("deep.json", '{"extensions": ' + "[" * 100_000 + "]" * 100_000 + "}", DEEP),
        ("long.json", '{"schema": "crossroads.case/v1", "age": ' + "9" * 4300 + "}", _long(4300)),
        (
            "long.yaml",
            EXAMPLE + "extensions:\n  n: " + "9" * 4301 + "\n",
            _long(4301, f"line {EXAMPLE.count(chr(10)) + 2}"),
        ),
        (
            "twice.yaml",
            EXAMPLE + "patient:\n  sex: female\n",
            "the key 'patient' appears twice in one object "
            f"(line {EXAMPLE.count(chr(10)) + 1}); the second would silently replace the first. "
            "Keep one of them, with everything both held.",
        ),
    ],
    ids=[
        "yaml-alias-bomb",
        "json-nested-100000",
        "json-4300-digits",
        "yaml-4301-digits",
        "yaml-key-twice",
    ],
)
def test_case_file_beyond_the_limits_exits_2_with_one_sentence(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    result = run("assess", str(path))
    assert time.monotonic() - start < 30  # was: no answer until memory ran out
    no_traceback(result)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"error: {path}: {message}\n",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"resourceType": "Bundle", "entry": ' + "[" * 1000 + "]" * 1000 + "}", DEEP),
        ('{"resourceType": "Bundle", "total": ' + "9" * 4301 + "}", _long(4301)),
    ],
    ids=["nested-1000", "number-4301-digits"],
)
def test_fhir_import_beyond_the_limits_exits_2(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(text, encoding="utf-8")
    result = run("fhir", "import", str(path), "-o", str(tmp_path / "case.yaml"))
    no_traceback(result)
    assert (result.returncode, result.stderr) == (2, f"error: {path}: {message}\n")
    assert not (tmp_path / "case.yaml").exists()
