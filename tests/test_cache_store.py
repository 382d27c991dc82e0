"""The one cache package: the key function, the layout, atomic writes, damaged entries, LRU pruning, the
size cap and `veritex cache info|prune|clear`."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner

from veritex.cache import Store, canonical, collecting, digest, keys, make_key
from veritex.cache import prune as prune_module
from veritex.cache.cap import enforce_cap
from veritex.cache.prune import clear, format_size, parse_size, prune, scan
from veritex.cache.store import take_written
from veritex.cli import main

# -- the key function --------------------------------------------------------------------------------


def test_canonical_json_is_sorted_compact_and_defined_for_every_value_it_takes() -> None:
    assert canonical({"b": 1, "a": [1, 2.5, None, True]}) == '{"a":[1,2.5,null,true],"b":1}'
    assert canonical({"x": (1, 2)}) == canonical({"x": [1, 2]})  # a tuple is a list
    assert canonical("é") == '"é"'
    assert canonical(PurePosixPath("a/b.csv")) == '{"$path":"a/b.csv"}'
    assert canonical(b"abc") == '{"$bytes":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}'
    assert canonical({"b", "a"}) == canonical(frozenset({"a", "b"})) == '{"$set":["\\"a\\"","\\"b\\""]}'
    assert canonical(datetime.date(2024, 5, 1)) == '{"$date":"2024-05-01"}'
    # A tagged value never equals the plain string or list it is made of.
    assert canonical(PurePosixPath("a")) != canonical("a") and canonical(b"") != canonical("")
    with pytest.raises(TypeError):
        canonical({"x": object()})  # no repr, which may hold a memory address, ever reaches a key


def test_keys_are_full_digests_independent_of_dict_order_and_stable_across_processes() -> None:
    one = make_key({"a": 1, "b": [1, 2]}, "env")
    assert len(one) == 64 and int(one, 16) >= 0
    assert make_key({"b": [1, 2], "a": 1}, "env") == one
    assert make_key({"a": 1, "b": [2, 1]}, "env") != one
    script = "from veritex.cache import make_key; print(make_key({'b': [1, 2], 'a': 1}, 'env'))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == one
    assert digest([1, "x"]) != digest([1, "y"]) and len(digest(None)) == 64


def test_the_version_and_the_environment_fingerprint_are_in_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = {"cells": ["x = 1"]}
    base = make_key(inputs)
    assert make_key(inputs) == base == Store("anywhere").key(inputs)
    monkeypatch.setattr(keys, "__version__", "99.0")
    monkeypatch.setattr(keys, "_recent", [])  # as a second later
    newer = make_key(inputs)
    monkeypatch.setattr(keys, "fingerprint", lambda: "another interpreter")
    monkeypatch.setattr(keys, "_recent", [])
    other = make_key(inputs)
    assert len({base, newer, other}) == 3


def test_the_key_function_imports_nothing_heavy() -> None:
    script = ("import sys; from veritex.cache import Store; from veritex.cache.prune import prune; "
              "Store('x').key({'a': 1}); "
              "print(sorted(m for m in ('jinja2', 'markdown_it', 'sympy', 'pygments', 'rich', 'jupyter_client', "
              "'veritex.stages', 'veritex.writers', 'veritex.readers', 'importlib.metadata') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- the layout and atomic writes ----------------------------------------------------------------------


def test_entries_live_under_namespace_and_the_first_two_digits(tmp_path: Path) -> None:
    store = Store(tmp_path)
    key = store.key("doc.md")
    assert store.save("math", key, {"a": [1]})
    assert store.path("math", key) == tmp_path / "math" / key[:2] / f"{key}.json"
    assert store.load("math", key) == {"a": [1]}
    assert store.save_bytes("templates", key, b"\x00code")
    assert (tmp_path / "templates" / key[:2] / f"{key}.bin").read_bytes() == b"\x00code"
    assert store.load_bytes("templates", key) == b"\x00code"
    with collecting() as notes:
        assert store.load("exec", key) is None and store.load_bytes("exec", key) is None  # absent: quiet
    assert notes.message() is None
    with pytest.raises(ValueError):
        store.path("../outside", key)


def test_a_reader_never_sees_half_an_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path)
    key = store.key("k")
    store.save("exec", key, {"old": True})
    seen: list[tuple[Any, bytes]] = []
    replace = os.replace

    def watching(src: str, dst: str) -> None:
        # Just before the rename: the entry is still the whole old one, the new one is whole in its temp file.
        seen.append((store.load("exec", key), Path(src).read_bytes()))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", watching)
    big = {"new": "x" * 1_000_000}
    assert store.save("exec", key, big)
    (before, temporary), = seen
    assert before == {"old": True}
    assert json.loads(temporary)["value"] == big
    assert store.load("exec", key) == big


def test_a_killed_writer_leaves_only_a_temporary_file_that_prune_removes_after_a_minute(tmp_path: Path) -> None:
    key = Store(tmp_path).key("k")
    script = (
        "import os, sys\nfrom veritex.cache import Store\n"
        "os.replace = lambda src, dst: os._exit(9)  # killed between the write and the rename\n"
        f"Store(sys.argv[1]).save('exec', {key!r}, {{'x': 'y' * 100000}})\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True)
    assert done.returncode == 9
    store = Store(tmp_path)
    with collecting() as notes:
        assert store.load("exec", key) is None
    assert notes.message() is None  # nothing is visible under the entry's name
    (temporary,) = scan(tmp_path).temporary
    assert temporary.path.parent == store.path("exec", key).parent and temporary.path.name.endswith(".tmp")
    assert prune(tmp_path, parse_size("2G")).temporary == 0  # it may belong to a writer still running
    assert temporary.path.exists()
    old = time.time() - 61
    os.utime(temporary.path, (old, old))
    assert prune(tmp_path, parse_size("2G")).temporary == 1
    assert not temporary.path.exists() and not (tmp_path / "exec").exists()


# -- damaged entries ---------------------------------------------------------------------------------


DAMAGE: dict[str, Any] = {
    "empty": b"",
    "truncated JSON": None,  # half of the good entry
    "garbage bytes": bytes(range(256)) * 4,
    "wrong type": "wrong type",
}


def damage(path: Path, kind: str) -> None:
    good = path.read_bytes()
    if kind == "truncated JSON":
        path.write_bytes(good[: len(good) // 2])
    elif kind == "wrong type":
        key = json.loads(good)["key"]
        path.write_text(json.dumps({"key": key, "value": [1, 2, 3]}))
    else:
        path.write_bytes(DAMAGE[kind])


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_entry_is_a_miss_noted_once(tmp_path: Path, kind: str) -> None:
    store = Store(tmp_path)
    key = store.key("k")
    store.save("math", key, {"format": 1})
    damage(store.path("math", key), kind)
    with collecting() as notes:
        assert store.load("math", key) is None
        assert store.load("math", key) is None
    assert list(notes.damaged) == [store.path("math", key)]
    message = notes.message()
    assert message is not None and message.startswith("1 damaged cache entry was ignored and rebuilt: math ")
    assert store.save("math", key, {"format": 1}) and store.load("math", key) == {"format": 1}


def test_notes_stay_with_the_build_that_made_them(tmp_path: Path) -> None:
    store = Store(tmp_path)
    key = store.key("k")
    store.save("math", key, {})
    store.path("math", key).write_bytes(b"")
    store.load("math", key)  # outside any build: nobody to tell, and no error
    with collecting() as outer:
        with collecting() as inner:
            store.load("math", key)
        assert outer.message() is None and inner.message() is not None


# -- pruning and the size cap -----------------------------------------------------------------------


def _entries(store: Store, namespace: str, count: int, size: int, start: float) -> list[Path]:
    paths = []
    for index in range(count):
        key = store.key([namespace, index])
        store.save_bytes(namespace, key, b"x" * size)
        path = store.path(namespace, key, ".bin")
        os.utime(path, (start + index, start + index))
        paths.append(path)
    return paths


def test_prune_removes_the_least_recently_used_first(tmp_path: Path) -> None:
    store = Store(tmp_path)
    start = time.time() - 1000
    paths = _entries(store, "math", 6, 1000, start)
    # Serving the oldest entry makes it the most recently used one.
    assert store.load_bytes("math", paths[0].stem) == b"x" * 1000
    done = prune(tmp_path, 3500)
    assert (done.entries, done.freed, done.size) == (3, 3000, 3000)
    assert [p.exists() for p in paths] == [True, False, False, False, True, True]
    assert prune(tmp_path, 3500).entries == 0


def test_the_cap_is_checked_after_a_build_without_walking_the_folder_when_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    take_written(tmp_path)
    paths = _entries(store, "exec", 5, 1000, time.time() - 100)
    assert take_written(tmp_path) == 5000
    _entries(store, "math", 1, 10, time.time())
    assert enforce_cap(tmp_path, 2000) is not None  # first check: walked, pruned
    assert sum(p.exists() for p in paths) == 1 and scan(tmp_path).size <= 2000

    def walk(root: Path) -> None:
        raise AssertionError("the folder was walked")

    monkeypatch.setattr(prune_module, "scan", walk)
    assert enforce_cap(tmp_path, 2000) is None  # nothing written: nothing read
    store.save("exec", store.key("small"), {})
    assert enforce_cap(tmp_path, 2000) is None  # written, but the ledger says it is far under the cap


def test_sizes_are_read_and_written_in_powers_of_1024() -> None:
    assert parse_size("2G") == 2 * 1024**3 and parse_size("500M") == 500 * 1024**2
    assert parse_size("1.5GiB") == 3 * 1024**3 // 2 and parse_size("4096") == 4096 and parse_size("10kb") == 10240
    with pytest.raises(ValueError):
        parse_size("lots")
    assert format_size(512) == "512 B" and format_size(3 * 1024**2 // 2) == "1.5 MiB"


def test_only_the_cache_layout_is_ever_removed(tmp_path: Path) -> None:
    """A cache folder set by mistake to a folder of the user's keeps every file that is not an entry."""
    store = Store(tmp_path)
    _entries(store, "math", 2, 10, time.time())
    mine = [tmp_path / "notes.json", tmp_path / "math" / "mine.json", tmp_path / "data" / "ab" / "x.json"]
    for path in mine:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    assert clear(tmp_path).entries == 2
    assert all(path.exists() for path in mine)


def test_entries_of_the_earlier_layout_are_counted_and_pruned(tmp_path: Path) -> None:
    legacy = [tmp_path / "exec" / f"{'a' * 64}.json", tmp_path / "writer" / "templates" / f"{'c' * 16}-{'d' * 40}.cache",
              tmp_path / "identities" / "documents" / f"{'b' * 24}.json"]
    for path in legacy:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    assert len(scan(tmp_path).entries) == 3
    assert prune(tmp_path, 0).entries == 3 and not any(p.exists() for p in legacy)


# -- the command ---------------------------------------------------------------------------------------


def test_cache_info_prune_and_clear(tmp_path: Path) -> None:
    root = tmp_path / "site" / ".veritex-cache"
    store = Store(root)
    old = time.time() - 1000
    _entries(store, "math", 3, 1000, old)
    _entries(store, "exec", 2, 5000, old + 10)
    runner = CliRunner()
    info = runner.invoke(main, ["cache", "info", "-o", str(tmp_path / "site")])
    assert info.exit_code == 0, info.output
    lines = info.output.splitlines()
    assert lines[0] == f"Cache: {root}"
    assert lines[1].split() == ["exec", "2", "entries", "9.8", "KiB"]
    assert lines[2].split() == ["math", "3", "entries", "2.9", "KiB"]
    assert lines[3].split() == ["total", "5", "entries", "12.7", "KiB"]

    pruned = runner.invoke(main, ["cache", "prune", "--cache-dir", str(root), "--max-size", "10K"])
    assert pruned.exit_code == 0 and pruned.output.startswith("Removed 3 entries and 0 temporary files")
    assert [n for n, _ in scan(root).by_namespace().items()] == ["exec"]  # the math entries were older
    bad = runner.invoke(main, ["cache", "prune", "--cache-dir", str(root), "--max-size", "lots"])
    assert bad.exit_code == 2 and "not a size" in bad.output

    cleared = runner.invoke(main, ["cache", "clear", "--cache-dir", str(root)])
    assert cleared.exit_code == 0 and cleared.output.startswith("Removed 2 entries")
    assert scan(root).entries == []
    empty = runner.invoke(main, ["cache", "info", "--cache-dir", str(root)])
    assert empty.output.splitlines()[-1].split() == ["total", "0", "entries", "0", "B"]
