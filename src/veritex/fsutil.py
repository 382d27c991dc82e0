"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    import tempfile  # here: a rebuild that writes nothing does not load it

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; pages must stay servable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


TEMPORARY_AGE_SECONDS = 60.0  # a temporary file this old belongs to no live writer (a killed build left it)
_SKIPPED = {".veritex-cache", ".git"}  # the cache prunes its own temporary files


def remove_stale_temporary(root: Path, *, age: float = TEMPORARY_AGE_SECONDS) -> int:
    """Remove the `.<name>.<random>.tmp` files `atomic_write_bytes` left under `root` when its process was
    killed; files younger than `age` seconds may belong to a build running now and stay. Returns how many."""
    import time

    removed = 0
    cutoff = time.time() - age
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIPPED]
        for name in files:
            if not (name.startswith(".") and name.endswith(".tmp")):
                continue
            path = os.path.join(folder, name)
            try:
                if os.stat(path).st_mtime < cutoff:
                    os.unlink(path)
                    removed += 1
            except OSError:
                continue  # gone already, or not ours to remove
    return removed
