"""The case key in calendar event ids: a keyed hash with this installation's secret.

An unsalted hash of a name and birth date can be reversed by trying candidates; with a secret of
the installation it cannot, yet the same installation keeps giving the same ids.
"""

from __future__ import annotations

import copy
import hashlib
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from crossroads.common.errors import InstallationKeyError
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case
from crossroads.record.load import case_from_data
from crossroads.render.ics import timeline_ics
from crossroads.steps.timeline import build_timeline, case_key, installation_key, key_file
from tests.conftest import TODAY

pytestmark = pytest.mark.unit

KEY_A = "a" * 40
KEY_B = "b" * 40
CASE: dict[str, Any] = {
    "patient": {
        "name": "Testy McTestface",
        "birth_date": "1969-04-22",
        "record_numbers": [{"system": "MRN", "value": "H-123456"}],
    },
    "diagnosis": {"disease": "lbcl", "subtype": "dlbcl_nos", "diagnosed": "2025-10"},
    "lines": [{"regimen": "R-CHOP", "start": "2025-11", "end": "2026-03", "best_response": "CR"}],
    "disease_status": {"state": "relapsed", "last_progression": "2026-09"},
}


def _case() -> Case:
    return case_from_data(copy.deepcopy(CASE))


def _unsalted(case: Case) -> str:
    """The key as the old code made it: a truncated SHA-256 of the identity fields."""
    identity = {
        "name": "Testy McTestface",
        "birth": "1969-04-22",
        "numbers": ["H-123456"],
        "diagnosed": "2025-10",
        "disease": "lbcl",
    }
    text = json.dumps(identity, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@pytest.fixture
def no_env_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No secret in the environment; the per-user config folder is a fresh temporary folder."""
    monkeypatch.delenv("CROSSROADS_SECRET_KEY", raising=False)
    monkeypatch.delenv("CROSSROADS_KEY_FILE", raising=False)
    monkeypatch.setenv("CROSSROADS_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def _uids(kb: KnowledgeBase, case: Case) -> list[str]:
    tl = build_timeline(case, kb, "US", start="2026-12-01", today=TODAY)
    return [str(e["uid"]) for e in Calendar.from_ical(timeline_ics(tl, kb)).walk("VEVENT")]


def test_case_key_same_key_gives_same_uid(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSROADS_SECRET_KEY", KEY_A)
    first = _uids(kb, _case())
    again = _uids(kb, _case())
    assert first == again
    assert first[0] == f"{case_key(_case(), KEY_A.encode())}-us-referral@crossroads"


def test_case_key_different_key_gives_different_uid(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSROADS_SECRET_KEY", KEY_A)
    with_a = _uids(kb, _case())
    monkeypatch.setenv("CROSSROADS_SECRET_KEY", KEY_B)
    with_b = _uids(kb, _case())
    assert len(with_a) == len(with_b) == 12
    assert not set(with_a) & set(with_b)


def test_case_key_is_not_the_old_unsalted_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    case = _case()
    old = _unsalted(case)
    assert case_key(case, KEY_A.encode()) != old
    monkeypatch.setenv("CROSSROADS_SECRET_KEY", KEY_A)
    assert case_key(case) != old
    assert len(case_key(case)) == 16


def test_case_key_is_an_hmac_of_the_identity_fields() -> None:
    import hmac

    text = json.dumps(
        {
            "birth": "1969-04-22",
            "diagnosed": "2025-10",
            "disease": "lbcl",
            "name": "Testy McTestface",
            "numbers": ["H-123456"],
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    expected = hmac.new(KEY_A.encode(), text.encode(), hashlib.sha256).hexdigest()[:16]
    assert case_key(_case(), KEY_A.encode()) == expected


def test_key_file_made_on_first_use_owner_only_and_reused(no_env_key: Path) -> None:
    path = key_file()
    assert path == no_env_key / "secret.key"
    assert not path.exists()
    first = installation_key()
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(first) == 64
    assert installation_key() == first
    assert case_key(_case()) == case_key(_case(), first)


def test_key_file_differs_between_installations(
    no_env_key: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    one = case_key(_case())
    monkeypatch.setenv("CROSSROADS_CONFIG_DIR", str(tmp_path / "other"))
    assert case_key(_case()) != one


def test_key_file_env_names_the_file(
    no_env_key: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "given.key"
    path.write_text(KEY_B + "\n", encoding="utf-8")
    monkeypatch.setenv("CROSSROADS_KEY_FILE", str(path))
    assert installation_key() == KEY_B.encode()
    assert not (no_env_key / "secret.key").exists()


def test_env_key_wins_over_the_file(no_env_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSROADS_SECRET_KEY", KEY_A)
    assert installation_key() == KEY_A.encode()
    assert not (no_env_key / "secret.key").exists()


def test_short_key_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSROADS_SECRET_KEY", "short")
    with pytest.raises(InstallationKeyError) as caught:
        installation_key()
    assert str(caught.value) == (
        "CROSSROADS_SECRET_KEY: the secret key has 5 characters; it needs at least 32. Set "
        "CROSSROADS_SECRET_KEY to a longer random value, or delete the key file so that "
        "Crossroads makes a new one."
    )


def test_unusable_config_folder_is_a_project_error(
    no_env_key: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CROSSROADS_CONFIG_DIR", str(blocker / "crossroads"))
    with pytest.raises(InstallationKeyError) as caught:
        installation_key()
    assert str(caught.value).startswith(f"{blocker / 'crossroads' / 'secret.key'}: cannot read")
    assert str(caught.value).endswith(
        "Set CROSSROADS_SECRET_KEY, or CROSSROADS_KEY_FILE to a file Crossroads may write."
    )
