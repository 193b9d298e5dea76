"""Bad case files get one clear message naming the field and the fix."""

from pathlib import Path

import pytest

from crossroads.common.errors import CaseFileError
from crossroads.record.case import Case
from crossroads.record.load import case_from_data, load_case

pytestmark = pytest.mark.unit


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    return [str(p) for p in info.value.problems]


def test_minimal_case_is_all_unknown(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, "schema: crossroads.case/v1\n"))
    assert case.lines is None
    assert case.diagnosis.disease is None
    assert case.fitness.ecog is None


def test_empty_file_is_refused(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "  \n")) == [
        "the file is empty. Start from `crossroads case new`."
    ]


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    text = "schema: crossroads.case/v1\ndiagnosis:\n  disease: [lbcl\n"
    (message,) = problems(write(tmp_path, text))
    assert message.startswith("line 4, column 1: YAML syntax error:")
    assert message.endswith("Check indentation and colons.")


def test_json_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    (message,) = problems(write(tmp_path, '{"schema": "crossroads.case/v1",\n "x": }', "c.json"))
    assert message == "line 2, column 7: JSON syntax error: Expecting value."


def test_top_level_list_is_refused(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "- a\n- b\n")) == [
        "a case file must be a set of fields (`schema:`, `diagnosis:`, ...)."
    ]


def test_bad_date_names_field_and_format(tmp_path: Path) -> None:
    text = "lines:\n  - start: 2024-13\n"
    assert problems(write(tmp_path, text)) == [
        "lines[0].start: month 13 does not exist; use 01 to 12"
    ]


def test_impossible_date_order_is_refused(tmp_path: Path) -> None:
    text = "lines:\n  - start: '2024-08'\n    end: '2024-03'\n"
    assert problems(write(tmp_path, text)) == ["lines[0]: end (2024-03) is before start (2024-08)"]


def test_wrong_type_names_the_field(tmp_path: Path) -> None:
    text = "fitness:\n  ecog: two\n  active_infection: maybe\n"
    assert problems(write(tmp_path, text)) == [
        "fitness.ecog: must be a whole number.",
        "fitness.active_infection: must be true or false.",
    ]


def test_out_of_range_value_says_the_limit(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "fitness: {ecog: 7}\n")) == ["fitness.ecog: must be 4 or less."]


def test_unknown_field_suggests_the_close_one(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "diagnosys: {disease: lbcl}\n")) == [
        "diagnosys: is not a field of the case format. Did you mean 'diagnosis'?"
    ]


def test_wrong_choice_lists_the_choices(tmp_path: Path) -> None:
    (message,) = problems(write(tmp_path, "lines:\n  - best_response: partial\n"))
    assert message == (
        "lines[0].best_response: must be one of: 'CR', 'PR', 'SD' or 'PD'. You wrote 'partial'."
    )


def test_age_must_match_birth_date(tmp_path: Path) -> None:
    text = "patient: {birth_date: '1967-05-12', age_years: 40}\nassessment_date: '2025-03-01'\n"
    assert problems(write(tmp_path, text)) == [
        "patient.age_years (40) does not match birth_date (1967-05-12) on 2025-03-01, "
        "which gives 57; correct one of them"
    ]


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_bytes("notes: caf\xe9\n".encode("latin-1"))
    assert problems(path) == ["the file is not UTF-8 text. Save it as UTF-8."]


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    (message,) = problems(tmp_path / "nope.yaml")
    assert message == "cannot read the file (No such file or directory)."


def test_round_trip_keeps_the_public_format() -> None:
    data = {
        "schema": "crossroads.case/v1",
        "diagnosis": {"disease": "lbcl", "diagnosed": "2024-03"},
        "lines": [{"regimen": "R-CHOP", "start": "2024-04", "end": "2024-08"}],
    }
    case = case_from_data(data)
    assert isinstance(case, Case)
    assert case_from_data(case.to_data()) == case
    assert case.to_data()["lines"] == [
        {"regimen": "R-CHOP", "kind": "systemic", "start": "2024-04", "end": "2024-08"}
    ]
