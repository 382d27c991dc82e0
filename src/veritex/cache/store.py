"""The cache folder: one layout, atomic writes, damaged entries as misses, use recorded for pruning.

Layout: `<root>/<namespace>/<first two hex digits>/<key>.json` (or `.bin`), where the key comes from
`keys.make_key`. An entry is written to a temporary file in its own folder and then renamed over the
old one, so a reader sees a whole entry or none; a writer killed halfway leaves only a `.*.tmp` file,
which `prune` removes once it is a minute old. A hit sets the entry's modification time, which is what
least-recently-used pruning orders by.

A JSON entry is `{"key": <key>, "value": <value>}`. An entry that cannot be read back (empty, truncated,
not JSON, another key, a value of the wrong type) is a miss, and is noted once per build: the builder
collects the notes (`collecting`) and reports them as one warning of the document that met them.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write_bytes
from .keys import environment, make_key
from .layout import NAMESPACE

_ENTRY_NAME = re.compile(r"[a-z][a-z0-9-]*/[0-9a-f]{2}/[0-9a-f]{64}\.(?:json|bin)\Z")


class Notes:
    """What a build noticed about the cache: damaged entries (one note per entry), and the entries it
    used, which a later build that skips the document marks as used again."""

    def __init__(self) -> None:
        self.damaged: dict[Path, str] = {}  # entry -> why it was not used
        self.used: set[Path] = set()
        self._lock = threading.Lock()

    def add(self, path: Path, reason: str) -> None:
        with self._lock:
            self.damaged.setdefault(path, reason)

    def message(self) -> str | None:
        """One sentence for the report, or None when nothing was noticed."""
        if not self.damaged:
            return None
        shown = "; ".join(f"{_where(path)}: {reason}" for path, reason in list(self.damaged.items())[:3])
        more = f" (and {len(self.damaged) - 3} more)" if len(self.damaged) > 3 else ""
        count = len(self.damaged)
        noun = "entry was" if count == 1 else "entries were"
        return f"{count} damaged cache {noun} ignored and rebuilt: {shown}{more}"


def _where(path: Path) -> str:
    """`namespace 0123456789ab` (the key's first digits) rather than the whole path."""
    return f"{path.parent.parent.name} {path.stem[:12]}"


_notes: contextvars.ContextVar[Notes | None] = contextvars.ContextVar("veritex_cache_notes", default=None)
_written_lock = threading.Lock()
_written: dict[Path, int] = {}  # cache root -> bytes written by this process since the last `take_written`


@contextlib.contextmanager
def collecting() -> Iterator[Notes]:
    """Collect the notes of the cache work done inside the block (in this thread or task)."""
    notes = Notes()
    token = _notes.set(notes)
    try:
        yield notes
    finally:
        _notes.reset(token)


def begin_notes() -> Notes:
    """Collect notes from here on in the current context: for work split across calls that share one
    `contextvars.Context` (a document built in two halves), where a `with collecting()` cannot span."""
    notes = Notes()
    _notes.set(notes)
    return notes


def current_notes() -> Notes | None:
    return _notes.get()


def take_written(root: Path) -> int:
    """Bytes this process wrote under `root` since the last call (what the size cap is checked after)."""
    with _written_lock:
        return _written.pop(Path(root), 0)


class Store:
    """The entries under one cache root. Cheap to make: nothing is read until an entry is asked for."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._environment: str | None = None

    def key(self, inputs: Any) -> str:
        """`keys.make_key` with this store's environment, worked out once."""
        if self._environment is None:
            self._environment = environment()
        return make_key(inputs, self._environment)

    def path(self, namespace: str, key: str, suffix: str = ".json") -> Path:
        if not NAMESPACE.match(namespace):
            raise ValueError(f"not a cache namespace: {namespace!r}")
        return self.root / namespace / key[:2] / f"{key}{suffix}"

    # -- JSON entries --------------------------------------------------------------------------------

    def load(self, namespace: str, key: str, kind: type | tuple[type, ...] = dict) -> Any:
        """The value stored under `key`, or None: a missing entry is a quiet miss, a damaged one a noted
        miss. `kind` is the type the value must have."""
        path = self.path(namespace, key)
        data = self._read(path)
        if data is None:
            return None
        try:
            entry = json.loads(data)
        except ValueError:  # also UnicodeDecodeError
            self.note(path, "empty" if not data.strip() else "not JSON (truncated or overwritten)")
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
            self.note(path, "not an entry of this key")
            return None
        value = entry["value"]
        if not isinstance(value, kind):
            self.note(path, f"holds a {type(value).__name__} where a {_names(kind)} belongs")
            return None
        return value

    def save(self, namespace: str, key: str, value: Any) -> bool:
        """Store `value` (JSON) under `key`, atomically; False when the cache cannot be written (which
        costs speed, never the build)."""
        try:
            text = json.dumps({"key": key, "value": value}, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):  # a value JSON cannot hold is not kept
            return False
        return self._write(self.path(namespace, key), text.encode("utf-8"))

    # -- binary entries ------------------------------------------------------------------------------

    def load_bytes(self, namespace: str, key: str) -> bytes | None:
        """The bytes stored under `key` or None; whether they are whole is the caller's to check
        (and to `note` when they are not)."""
        path = self.path(namespace, key, ".bin")
        data = self._read(path)
        if data is not None and not data:
            self.note(path, "empty")
            return None
        return data

    def save_bytes(self, namespace: str, key: str, data: bytes) -> bool:
        return self._write(self.path(namespace, key, ".bin"), data)

    # -- shared --------------------------------------------------------------------------------------

    def note(self, path: Path, reason: str) -> None:
        """Record that the entry at `path` was damaged (its caller treats it as a miss)."""
        notes = _notes.get()
        if notes is not None:
            notes.add(path, reason)

    def used(self) -> list[str]:
        """The entries under this root read or written so far in the current build, relative to the root."""
        notes = _notes.get()
        if notes is None:
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in list(notes.used) if self.root in p.parents)

    def touch(self, entries: Any) -> None:
        """Mark entries (as `used` names them) used now: what a build that skips a document still relies on."""
        if not isinstance(entries, list):
            return
        for name in entries:
            if isinstance(name, str) and _ENTRY_NAME.match(name):
                with contextlib.suppress(OSError):
                    os.utime(self.root / name)

    def _used(self, path: Path) -> None:
        notes = _notes.get()
        if notes is not None:
            notes.used.add(path)

    def _read(self, path: Path) -> bytes | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:  # a folder in its place, no permission
            self.note(path, f"cannot be read ({exc.strerror or exc})")
            return None
        with contextlib.suppress(OSError):  # a read-only cache still serves its entries
            os.utime(path)
        self._used(path)
        return data

    def _write(self, path: Path, data: bytes) -> bool:
        try:
            atomic_write_bytes(path, data)
        except OSError:
            return False
        with _written_lock:
            _written[self.root] = _written.get(self.root, 0) + len(data)
        self._used(path)
        return True


def _names(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)
