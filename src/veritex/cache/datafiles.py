"""The data files a document's cells read: their hashes, recorded with a run, decide whether it still holds.

Names are relative to the document's folder, as `Document.data_files` lists them. A file that is gone or
unreadable has no hash, so a run that read it is never served again until it is back as it was.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_BLOCK = 1 << 20


def file_hash(path: Path) -> str | None:
    """sha256 of the file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(_BLOCK):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def hashes(folder: Path, names: Iterable[str]) -> dict[str, str | None]:
    """name -> sha256 of `folder / name` (None when unreadable), names sorted."""
    return {name: file_hash(folder / name) for name in sorted(set(names))}


def unchanged(folder: Path, recorded: Any) -> bool:
    """Every recorded file still has its recorded hash (a file recorded as unreadable must still be;
    a damaged record is a change)."""
    if not isinstance(recorded, Mapping):
        return False
    return all(isinstance(name, str) and isinstance(sha, str | None) and file_hash(folder / name) == sha
               for name, sha in recorded.items())


def stamps(folder: Path, names: Iterable[str]) -> dict[str, list[Any]]:
    """name -> [size, modification time in ns, sha256]: a rebuild compares sizes and times first and
    hashes only a file whose stat changed."""
    out: dict[str, list[Any]] = {}
    for name in sorted(set(names)):
        path = folder / name
        try:
            stat = os.stat(path)
        except OSError:
            out[name] = [None, None, None]
            continue
        out[name] = [stat.st_size, stat.st_mtime_ns, file_hash(path)]
    return out


def stamps_hold(folder: Path, recorded: Any) -> bool:
    """The files behind `stamps(...)` are as they were: same size and time, or else the same bytes."""
    if not isinstance(recorded, Mapping):
        return False
    for name, stamp in recorded.items():
        if not (isinstance(name, str) and isinstance(stamp, list) and len(stamp) == 3):
            return False
        size, mtime, sha = stamp
        try:
            stat = os.stat(folder / name)
        except OSError:
            if sha is not None:
                return False  # gone: the document runs again
            continue
        moved = sha is None or (stat.st_size, stat.st_mtime_ns) != (size, mtime)
        if moved and file_hash(folder / name) != sha:
            return False
    return True
