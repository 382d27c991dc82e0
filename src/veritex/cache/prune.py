"""Sizes, least-recently-used pruning and clearing of a cache folder.

Only what the store's layout names is touched: `<root>/<namespace>/<ab>/<64 hex digits>.json|.bin`,
the `.*.tmp` files a killed writer leaves beside them, and, in the folders earlier veritex versions used
(`exec`, `stamps`, `math`, `identities`, `writer`), their `.json` and `.cache` files named by hex digests.
A cache folder set by mistake to a folder of the user's own keeps every other file.

After a build, `cap.enforce_cap` decides whether this module is needed at all.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path
from typing import NamedTuple

from .layout import LEDGER, NAMESPACE, write_ledger

DEFAULT_MAX_SIZE = 2 * 1024**3
TEMP_AGE_SECONDS = 60.0  # a temporary file this old belongs to no live writer
_SHARD = re.compile(r"[0-9a-f]{2}\Z")
_ENTRY = re.compile(r"[0-9a-f]{64}\.(?:json|bin)\Z")
_TEMP = re.compile(r"\..+\.tmp\Z")
_LEGACY = {"exec", "stamps", "math", "identities", "writer"}
_LEGACY_NAME = re.compile(r"[0-9a-f]{16,64}(?:-[0-9a-f]{40})?\.(?:json|cache)\Z")  # hex digests only
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*\Z", re.IGNORECASE)


# Named tuples and a plain class, not dataclasses: a build imports this module, and making a dataclass
# costs about a millisecond.
class Entry(NamedTuple):
    namespace: str
    path: Path
    size: int
    used: float  # modification time: set when the entry is written or served


class Contents:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.temporary: list[Entry] = []

    @property
    def size(self) -> int:
        return sum(e.size for e in self.entries) + sum(t.size for t in self.temporary)

    def by_namespace(self) -> dict[str, tuple[int, int]]:
        """namespace -> (entries, bytes), namespaces sorted."""
        totals: dict[str, tuple[int, int]] = {}
        for entry in self.entries:
            count, size = totals.get(entry.namespace, (0, 0))
            totals[entry.namespace] = (count + 1, size + entry.size)
        return dict(sorted(totals.items()))


class Pruned(NamedTuple):
    entries: int
    temporary: int
    freed: int
    size: int  # what is left


def parse_size(text: str) -> int:
    """`2G`, `500M`, `1.5GiB`, `4096`: bytes (K, M, G and T are powers of 1024)."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"not a size: {text!r} (write e.g. 2G, 500M or 4096)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def format_size(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")


def scan(root: Path) -> Contents:
    """Every entry and temporary file under `root` (see the module's docstring for what counts)."""
    found = Contents()
    try:
        namespaces = [d for d in os.scandir(root) if d.is_dir(follow_symlinks=False) and NAMESPACE.match(d.name)]
    except OSError:
        return found
    for namespace in namespaces:
        legacy = namespace.name in _LEGACY
        for child in _entries_of(namespace.path):
            if child.is_dir(follow_symlinks=False):
                if _SHARD.match(child.name) or legacy:
                    for leaf in _entries_of(child.path):
                        _add(found, namespace.name, leaf, legacy)
            else:
                _add(found, namespace.name, child, legacy)
    return found


def _entries_of(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _add(found: Contents, namespace: str, leaf: os.DirEntry[str], legacy: bool) -> None:
    if not leaf.is_file(follow_symlinks=False):
        return
    temporary = _TEMP.match(leaf.name) is not None
    if not (temporary or _ENTRY.match(leaf.name) or legacy and _LEGACY_NAME.match(leaf.name)):
        return
    try:
        stat = leaf.stat(follow_symlinks=False)
    except OSError:
        return  # removed meanwhile
    entry = Entry(namespace, Path(leaf.path), stat.st_size, stat.st_mtime)
    (found.temporary if temporary else found.entries).append(entry)


def prune(root: Path, max_size: int, *, now: float | None = None) -> Pruned:
    """Remove temporary files older than a minute, then the least recently used entries until what is
    left is at most `max_size` bytes."""
    root = Path(root)
    now = time.time() if now is None else now
    contents = scan(root)
    removed_temporary = freed = 0
    for temp in contents.temporary:
        if now - temp.used >= TEMP_AGE_SECONDS and _remove(temp.path):
            removed_temporary += 1
            freed += temp.size
    size = sum(e.size for e in contents.entries)
    removed = 0
    for entry in sorted(contents.entries, key=lambda e: e.used):
        if size <= max_size:
            break
        if _remove(entry.path):
            removed += 1
            freed += entry.size
            size -= entry.size
    _remove_empty_folders(root, contents.entries + contents.temporary)
    write_ledger(root, size)
    return Pruned(removed, removed_temporary, freed, size)


def clear(root: Path) -> Pruned:
    """Remove every entry and temporary file (a writer still running just fails to keep its entry)."""
    root = Path(root)
    contents = scan(root)
    entries = [e for e in contents.entries if _remove(e.path)]
    temporary = [t for t in contents.temporary if _remove(t.path)]
    _remove_empty_folders(root, contents.entries + contents.temporary)
    (root / LEDGER).unlink(missing_ok=True)
    return Pruned(len(entries), len(temporary), sum(e.size for e in entries + temporary), 0)


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True


def _remove_empty_folders(root: Path, touched: list[Entry]) -> None:
    """The shard and namespace folders left empty (a folder that is not empty stays)."""
    folders = {e.path.parent for e in touched} | {e.path.parent.parent for e in touched}
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        if folder != root and root in folder.parents:
            with contextlib.suppress(OSError):
                folder.rmdir()
