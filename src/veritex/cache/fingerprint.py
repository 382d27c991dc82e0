"""A cheap fingerprint of the interpreter and its installed packages, for cache keys.

Installed distributions are read from the names of `*.dist-info` folders (they carry the version),
not through importlib.metadata, which opens every one of them: a few milliseconds instead of tens.
"""

from __future__ import annotations

import hashlib
import os
import sys

_SITE_DIRS = ("site-packages", "dist-packages")
# veritex's own code that decides verdicts: an edited checker must not serve verdicts cached by the old one.
_OWN_DIRS = ("runtime", "code_checks", "math", "derivations", "crosschecks")
_memo: dict[tuple[tuple[str, int], ...], str] = {}


def site_dirs() -> list[str]:
    return [p for p in sys.path if os.path.basename(p.rstrip(os.sep)) in _SITE_DIRS and os.path.isdir(p)]


def fingerprint() -> str:
    """sha256 over the Python version and the sorted `*.dist-info` names of `sys.path`'s site dirs.

    Memoized on the folders' modification times, which change whenever a package is installed or
    removed, so a long-running process never serves a stale fingerprint.
    """
    stamps = tuple((d, os.stat(d).st_mtime_ns) for d in site_dirs()) + _own_code_stamps()
    found = _memo.get(stamps)
    if found is None:
        names: list[str] = []
        for folder, _ in stamps:
            if folder.endswith(".py"):
                continue
            with os.scandir(folder) as entries:
                names.extend(e.name for e in entries if e.name.endswith(".dist-info"))
        digest = hashlib.sha256(sys.version.encode())
        digest.update("\n".join(sorted(names)).encode())
        for path, _ in stamps:
            if path.endswith(".py"):
                with open(path, "rb") as source:
                    digest.update(source.read())
        found = _memo[stamps] = digest.hexdigest()
    return found


def _own_code_stamps() -> tuple[tuple[str, int], ...]:
    """Modification times of veritex's verdict-making modules (about a millisecond)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stamps: list[tuple[str, int]] = []
    for sub in _OWN_DIRS:
        folder = os.path.join(root, sub)
        if os.path.isdir(folder):
            with os.scandir(folder) as entries:
                stamps.extend((e.path, e.stat().st_mtime_ns) for e in entries if e.name.endswith(".py"))
    return tuple(sorted(stamps))
