"""Options shared by the CLI commands: ``--today``, ``--lang`` and the ``-o`` output file."""

import datetime as dt
from pathlib import Path

import pytest

from crossroads.cli.commands.options import (
    Lang,
    language_for,
    output_target,
    parse_today,
    write_output,
)
from crossroads.common.errors import BadOptionError, UserError

pytestmark = pytest.mark.unit


def test_parse_today_without_a_value_leaves_the_default_to_the_command() -> None:
    assert parse_today(None) is None


def test_parse_today_reads_an_iso_date() -> None:
    assert parse_today("2026-11-30") == dt.date(2026, 11, 30)


def test_parse_today_refuses_a_day_format_with_exit_code_2() -> None:
    with pytest.raises(BadOptionError) as caught:
        parse_today("30/11/2026")
    assert str(caught.value) == "--today: '30/11/2026' is not a date; write YYYY-MM-DD."
    assert caught.value.exit_code == 2


def test_language_for_prefers_the_option_then_the_case_then_english() -> None:
    assert language_for(Lang.zh, "en") == "zh-Hans"
    assert language_for(None, "zh-Hans") == "zh-Hans"
    assert language_for(None, None) == "en"


def test_output_target_without_o_is_standard_output_for_text() -> None:
    assert output_target(None, Path("case.yaml"), pdf=False, example="x.pdf") is None


def test_output_target_dash_is_standard_output() -> None:
    # pytest captures standard output, so it is not a terminal here.
    assert output_target(Path("-"), Path("case.yaml"), pdf=True, example="x.pdf") is None


def test_output_target_refuses_a_pdf_without_o() -> None:
    with pytest.raises(BadOptionError) as caught:
        output_target(None, Path("case.yaml"), pdf=True, example="report.pdf")
    assert str(caught.value) == (
        "--format pdf: a PDF needs a file; add -o report.pdf (or -o - to send it down a pipe)."
    )


def test_output_target_refuses_the_case_file_itself(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    with pytest.raises(BadOptionError) as caught:
        output_target(tmp_path / "." / "case.yaml", case, pdf=False, example="x.pdf")
    assert str(caught.value).endswith(": that is the case file itself; choose another name.")


def test_output_target_names_another_file(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    assert output_target(target, tmp_path / "case.yaml", pdf=False, example="x.pdf") == target


def test_write_output_names_the_option_when_the_folder_is_missing(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "x.svg"
    with pytest.raises(UserError) as caught:
        write_output(target, b"<svg/>", "--svg")
    assert str(caught.value) == (
        f"--svg {target}: cannot write the file (No such file or directory); choose another place."
    )
