"""The execution cache and the interpreter fingerprint: keys, hits, misses, damage and atomic writes."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeDoc

from veritex.cache import canonical, collecting
from veritex.cache import fingerprint as fingerprint_module
from veritex.cache.fingerprint import fingerprint
from veritex.model import CodeCell, Document, Position
from veritex.stages.cache import ExecutionCache

CELLS = ["x = 1\nprint(x)", "y = x + 1"]


def ran(doc: Document) -> Document:
    """Give `doc` the results a run would leave (written by hand: these tests need no kernel)."""
    for index, cell in enumerate(doc.code_cells()):
        cell.outputs = [{"output_type": "stream", "name": "stdout", "text": f"{index}\n"}]
        cell.execution_count = index + 1
        cell.metadata = {"veritex": {"status": "ok", "seconds": 0.01}}
    for node in doc.all_evals():
        node.value = {"text/plain": "2"}
    doc.environment = {"python": "3.11.0", "packages": {"numpy": "2.0"}}
    return doc


def untouched(doc: Document) -> bool:
    return all(c.outputs == [] and c.execution_count is None and c.metadata == {} for c in doc.code_cells()) \
        and all(e.value is None for e in doc.all_evals()) and doc.environment == {}


@pytest.fixture
def cache(tmp_path: Path) -> ExecutionCache:
    return ExecutionCache(tmp_path)


# -- keys --------------------------------------------------------------------------------------------


def test_prose_edits_keep_the_key_and_code_edits_change_it(make_doc: MakeDoc, cache: ExecutionCache) -> None:
    base = cache.key(make_doc(CELLS, evals=["y"]), {"formulas": []})
    assert cache.key(make_doc(CELLS, evals=["y"], prose="Entirely new prose."), {"formulas": []}) == base
    not_run = CodeCell("anything at all", Position("doc.md", 99), execute=False)
    assert cache.key(make_doc([*CELLS, not_run], evals=["y"]), {"formulas": []}) == base
    changed = [
        make_doc(["x = 2\nprint(x)", CELLS[1]], evals=["y"]),
        make_doc([*CELLS, "z = 3"], evals=["y"]),
        make_doc([CodeCell(CELLS[0], Position("doc.md", 10), tags=["raises-exception"]), CELLS[1]], evals=["y"]),
        make_doc(CELLS, evals=["y + 1"]),
        make_doc(CELLS, evals=["y"], seed=1),
        make_doc(CELLS, evals=["y"], timeout=5),
        make_doc(CELLS, evals=["y"], kernel="other"),
    ]
    keys = {cache.key(doc, {"formulas": []}) for doc in changed}
    keys.add(cache.key(make_doc(CELLS, evals=["y"]), {"formulas": [{"tex": "y = 2x"}]}))
    assert base not in keys and len(keys) == len(changed) + 1


# -- hits and misses ---------------------------------------------------------------------------------


def test_store_then_load_restores_the_run(make_doc: MakeDoc, cache: ExecutionCache) -> None:
    original = ran(make_doc(CELLS, evals=["y"]))
    key = cache.key(original)
    assert cache.store(key, original)
    fresh = make_doc(CELLS, evals=["y"], prose="Other prose.")
    assert cache.load(key, fresh)
    for before, after in zip(original.code_cells(), fresh.code_cells(), strict=True):
        assert (after.outputs, after.execution_count, after.metadata) == \
               (before.outputs, before.execution_count, before.metadata)
    assert [e.value for e in fresh.all_evals()] == [{"text/plain": "2"}]
    assert fresh.environment == original.environment


def test_a_missing_entry_is_a_miss(make_doc: MakeDoc, cache: ExecutionCache) -> None:
    doc = make_doc(CELLS)
    assert not cache.load(cache.key(doc), doc) and untouched(doc)


def test_runs_that_stopped_early_or_never_ran_are_not_kept(make_doc: MakeDoc, cache: ExecutionCache) -> None:
    never = make_doc(CELLS)
    assert not cache.store(cache.key(never), never)
    stopped = ran(make_doc(CELLS))
    list(stopped.code_cells())[1].metadata = {"veritex": {"status": "skipped"}}
    assert not cache.store(cache.key(stopped), stopped)
    assert not cache.root.exists() or not any(cache.root.iterdir())


def _damage_cases(text: str, key: str) -> dict[str, bytes]:
    entry = json.loads(text)
    flipped = json.loads(text)
    flipped["value"]["payload"]["cells"][0]["outputs"][0]["text"] = "tampered\n"
    old_schema = json.loads(text)
    old_schema["value"]["schema"] = 0
    wrong_shape_payload: dict[str, Any] = {"cells": "nope", "evals": [], "environment": {}, "data_files": {}}
    wrong_shape = dict(entry, value=dict(entry["value"], payload=wrong_shape_payload,
                                         checksum=hashlib.sha256(canonical(wrong_shape_payload).encode()).hexdigest()))
    return {
        "truncated": text.encode()[: len(text) // 2],
        "empty": b"",
        "binary": bytes(range(256)),
        "checksum mismatch": json.dumps(flipped).encode(),
        "other schema": json.dumps(old_schema).encode(),
        "other key": json.dumps(dict(entry, key="0" * 64)).encode(),
        "not an object": b"[1, 2, 3]",
        "a value of the wrong type": json.dumps(dict(entry, value=[1, 2])).encode(),
        "wrong shape": json.dumps(wrong_shape).encode(),
    }


def test_damaged_entries_are_misses_never_errors(make_doc: MakeDoc, cache: ExecutionCache) -> None:
    original = ran(make_doc(CELLS, evals=["y"]))
    key = cache.key(original)
    assert cache.store(key, original)
    good = cache.path(key).read_text()
    for name, damaged in _damage_cases(good, key).items():
        cache.path(key).write_bytes(damaged)
        doc = make_doc(CELLS, evals=["y"])
        with collecting() as notes:
            assert not cache.load(key, doc), name
            assert not cache.load(key, doc), name  # met twice, noted once
        assert untouched(doc), name
        assert list(notes.damaged) == [cache.path(key)], name
    cache.path(key).write_text(good)
    with collecting() as notes:
        assert cache.load(key, make_doc(CELLS, evals=["y"]))
    assert notes.message() is None


def test_an_entry_for_other_cells_is_a_miss(make_doc: MakeDoc, cache: ExecutionCache) -> None:
    """Even under a colliding key, an entry is only used for the cells it was made from."""
    original = ran(make_doc(CELLS))
    key = cache.key(original)
    cache.store(key, original)
    other = make_doc(["x = 1\nprint(x)", "y = x + 2"])
    assert not cache.load(key, other) and untouched(other)


# -- data files ----------------------------------------------------------------------------------------


def test_an_entry_holds_while_the_files_its_cells_read_are_unchanged(make_doc: MakeDoc, cache: ExecutionCache,
                                                                     tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,2\n")
    original = ran(make_doc(CELLS))
    original.data_files = ["data.csv", "scratch.txt"]  # scratch.txt: opened, but gone when the run ended
    key = cache.key(original)
    assert cache.store(key, original)
    with collecting() as notes:
        served = make_doc(CELLS)
        assert cache.load(key, served) and served.data_files == ["data.csv", "scratch.txt"]
        data.write_text("a,b\n1,3\n")  # same size, other bytes
        assert not cache.load(key, stale := make_doc(CELLS)) and untouched(stale)
        data.write_text("a,b\n1,2\n")
        assert cache.load(key, make_doc(CELLS))
        (tmp_path / "scratch.txt").write_text("now it exists")
        assert not cache.load(key, make_doc(CELLS))
        (tmp_path / "scratch.txt").unlink()
        data.unlink()
        assert not cache.load(key, make_doc(CELLS))  # a missing file is a miss
    assert notes.message() is None  # a changed data file is not damage


# -- atomic writes -----------------------------------------------------------------------------------


def test_writes_are_atomic(make_doc: MakeDoc, cache: ExecutionCache, monkeypatch: pytest.MonkeyPatch) -> None:
    first = ran(make_doc(CELLS))
    key = cache.key(first)
    assert cache.store(key, first)
    before = cache.path(key).read_bytes()

    def interrupted(src: str, dst: str) -> None:
        raise OSError("disk full")

    second = ran(make_doc(CELLS))
    next(second.code_cells()).outputs = [{"output_type": "stream", "name": "stdout", "text": "other\n"}]
    monkeypatch.setattr(os, "replace", interrupted)
    assert cache.store(key, second) is False  # a failed write is reported, not raised
    monkeypatch.undo()
    assert cache.path(key).read_bytes() == before  # readers still see the whole old entry
    assert sorted(p.name for p in cache.path(key).parent.iterdir()) == [f"{key}.json"]  # no temp file left behind
    assert cache.store(key, second)
    loaded = make_doc(CELLS)
    assert cache.load(key, loaded) and next(loaded.code_cells()).outputs[0]["text"] == "other\n"
    assert sorted(p.name for p in cache.path(key).parent.iterdir()) == [f"{key}.json"]


@pytest.mark.kernel
def test_a_real_run_round_trips(make_doc: MakeDoc, cache: ExecutionCache) -> None:
    from veritex.stages.execute import execute

    cells = ["import veritex as vt\nvt.expect(2 + 2, equals=4)", "from IPython.display import HTML\nHTML('<i>x</i>')",
             "print(missing)"]
    doc = make_doc(cells, evals=["1 + 1"], seed=3)
    execute(doc)
    key = cache.key(doc, {"formulas": []})
    assert cache.store(key, doc)
    again = make_doc(cells, evals=["1 + 1"], seed=3)
    assert cache.load(key, again)
    assert [c.outputs for c in again.code_cells()] == [c.outputs for c in doc.code_cells()]
    assert [c.metadata for c in again.code_cells()] == [c.metadata for c in doc.code_cells()]
    assert next(again.all_evals()).value == {"text/plain": "2"} and again.environment == doc.environment


# -- the fingerprint ---------------------------------------------------------------------------------


def test_fingerprint_is_stable() -> None:
    """Its cost (about a millisecond) is measured by bench/, not asserted here."""
    fingerprint_module._memo.clear()
    first = fingerprint()
    assert fingerprint() == first and len(first) == 64


def test_fingerprint_follows_installed_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "lib" / "site-packages"
    (site / "numpy-2.0.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(site)])
    before = fingerprint()
    (site / "numpy-2.0.0.dist-info").rename(site / "numpy-2.1.0.dist-info")
    os.utime(site, ns=(0, time.time_ns() + 10**9))  # some file systems keep coarse mtimes
    assert fingerprint() != before
