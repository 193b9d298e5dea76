"""One cached loader for every data area, and an on-disk cache that is data, never code.

The knowledge-base cache used to be a pickle read without any check: a file planted in the cache
directory ran code when any command started. It is now JSON validated with the data models, and
a planted file of any kind is refused and the release rebuilt from its YAML files.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb import alternatives, base, fhir_maps, loader, planning, review_data, trial_terms
from crossroads.kb.base import DATA_DIR, KnowledgeBase, cache_path, fingerprint, load_kb

pytestmark = pytest.mark.unit
MARKER = "crossroads-pwned"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CROSSROADS_CACHE_DIR", str(folder))
    return folder / "crossroads"


class _Payload:
    """Pickled, this runs ``os.system`` when loaded: what an attacker would plant."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.target}",))


# -- the generic loader ---------------------------------------------------------------------------
def test_cached_builds_once_per_file_state(tmp_path: Path) -> None:
    path = tmp_path / "area.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    first = loader.cached("test-area", [path], build)
    again = loader.cached("test-area", [path], build)
    path.write_text("a: 22\n", encoding="utf-8")  # another size: another state
    changed = loader.cached("test-area", [path], build)
    other_release = loader.cached("test-area", [path], build, release="other")
    assert (first, again, changed, other_release) == (1, 1, 2, 3)


def test_a_pinned_block_looks_at_the_files_once_and_later_calls_see_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "area.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    with loader.pinned():
        first = loader.cached("pinned-area", [path], build)
        path.write_text("a: 22\n", encoding="utf-8")
        with loader.pinned():  # nested: the outer block's answers
            inner = loader.cached("pinned-area", [path], build)
        same = loader.cached("pinned-area", iter([path]), build)
        other = loader.cached("pinned-area", [path], build, release="other")
    after = loader.cached("pinned-area", [path], build)
    assert (first, inner, same, other, after) == (1, 1, 1, 2, 3)


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3)), max_size=12))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_pinned_answers_are_the_unpinned_answers_while_files_stay(
    tmp_path: Path, steps: list[tuple[bool, int]]
) -> None:
    """Whatever the order of calls in and out of pinned blocks, each gives what a call without
    pinning gives for the same file state (the files change only between blocks)."""
    path = tmp_path / "prop.yaml"
    loader.forget()
    for in_block, size in steps:
        path.write_text("x" * (size + 1), encoding="utf-8")
        expected = loader.cached("prop-area", [path], lambda: path.read_text(encoding="utf-8"))
        if in_block:
            with loader.pinned():
                got = loader.cached("prop-area", [path], lambda: "never built")
                again = loader.cached("prop-area", [path], lambda: "never built")
            assert got == again == expected
        else:
            assert loader.cached("prop-area", [path], lambda: "never built") == expected


def test_cached_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        loader.cached("test-area", [tmp_path / "gone.yaml"], lambda: 0)
    assert str(caught.value).startswith("gone.yaml: cannot read (")


def test_every_data_area_loads_through_the_one_loader() -> None:
    for module in (base, alternatives, planning, review_data, fhir_maps, trial_terms):
        names = vars(module)
        assert "cached" in names, module.__name__
        assert not {"_CACHE", "_LOADED"} & set(names), module.__name__


def test_areas_are_rebuilt_after_their_file_changes(kb: KnowledgeBase, data_copy: Path) -> None:
    first = review_data.load_review_data(kb, data_copy)
    assert review_data.load_review_data(kb, data_copy) is first
    packet = data_copy / "packet.yaml"
    packet.write_text(packet.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert review_data.load_review_data(kb, data_copy) is not first


# -- the on-disk cache ----------------------------------------------------------------------------
def test_cache_is_json_and_loads_the_same_knowledge_base(cache_dir: Path) -> None:
    built = load_kb(DATA_DIR, use_cache=False)
    key = fingerprint(DATA_DIR)
    base._write_cache(cache_path(key), built)
    restored = base._read_cache(cache_path(key), key)
    assert cache_path(key).parent == cache_dir
    assert cache_path(key).read_bytes().startswith(b'{"format":2,')
    assert restored is not None
    assert (restored.products, restored.facts, restored.phrases, restored.fingerprint) == (
        built.products,
        built.facts,
        built.phrases,
        key,
    )
    assert [c.criterion for c in restored.all_indications()] == [
        c.criterion for c in built.all_indications()
    ]


def test_planted_pickle_never_runs(cache_dir: Path, tmp_path: Path, data_copy: Path) -> None:
    key = fingerprint(data_copy)
    ran = tmp_path / MARKER
    cache_dir.mkdir(parents=True)
    payload = pickle.dumps(_Payload(ran))
    for name in (f"kb-{key}.json", f"kb-{key}.pickle"):  # the new name and the old one
        (cache_dir / name).write_bytes(payload)
    kb = load_kb(data_copy)
    assert not ran.exists()
    assert kb.fingerprint == key and len(kb.products) == 12
    assert cache_path(key).read_bytes().startswith(b'{"format":2,')  # replaced by a good copy


@pytest.mark.parametrize(
    "planted",
    [
        b"not json",
        b'{"format": 1}',
        b'{"format": 2, "fingerprint": "0000000000000000"}',
        b"[" * 100_000,
    ],
)
def test_planted_or_broken_cache_is_refused(cache_dir: Path, planted: bytes) -> None:
    key = fingerprint(DATA_DIR)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_path(key).write_bytes(planted)
    assert base._read_cache(cache_path(key), key) is None


def test_cache_with_a_wrong_fact_shape_is_refused(cache_dir: Path) -> None:
    built = load_kb(DATA_DIR, use_cache=False)
    key = fingerprint(DATA_DIR)
    base._write_cache(cache_path(key), built)
    text = cache_path(key).read_text(encoding="utf-8")
    cache_path(key).write_text(text.replace('"confidence":"L"', '"confidence":"X"', 1))
    assert base._read_cache(cache_path(key), key) is None


def test_cache_of_other_data_files_is_refused(cache_dir: Path) -> None:
    built = load_kb(DATA_DIR, use_cache=False)
    key = fingerprint(DATA_DIR)
    base._write_cache(cache_path(key), built)
    assert base._read_cache(cache_path(key), "ffffffffffffffff") is None
