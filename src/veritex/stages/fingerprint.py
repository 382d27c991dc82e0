"""A cheap fingerprint of the interpreter and its installed packages, for cache keys.

Installed distributions are read from the names of `*.dist-info` folders (they carry the version),
not through importlib.metadata, which opens every one of them: a few milliseconds instead of tens.
"""

from __future__ import annotations

import hashlib
import os
import sys

_SITE_DIRS = ("site-packages", "dist-packages")
_memo: dict[tuple[tuple[str, int], ...], str] = {}


def site_dirs() -> list[str]:
    return [p for p in sys.path if os.path.basename(p.rstrip(os.sep)) in _SITE_DIRS and os.path.isdir(p)]


def fingerprint() -> str:
    """sha256 over the Python version and the sorted `*.dist-info` names of `sys.path`'s site dirs.

    Memoized on the folders' modification times, which change whenever a package is installed or
    removed, so a long-running process never serves a stale fingerprint.
    """
    stamps = tuple((d, os.stat(d).st_mtime_ns) for d in site_dirs())
    found = _memo.get(stamps)
    if found is None:
        names: list[str] = []
        for folder, _ in stamps:
            with os.scandir(folder) as entries:
                names.extend(e.name for e in entries if e.name.endswith(".dist-info"))
        digest = hashlib.sha256(sys.version.encode())
        digest.update("\n".join(sorted(names)).encode())
        found = _memo[stamps] = digest.hexdigest()
    return found
