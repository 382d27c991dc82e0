"""The one key function of every veritex cache: sha256 over canonical JSON, full hex digest.

Canonical JSON: object keys sorted, no whitespace, non-ASCII kept as UTF-8. Values that JSON lacks have
one defined form each, tagged so that they never collide with a plain string or list:
tuples are lists; a `Path` is `{"$path": its POSIX form}`; bytes are `{"$bytes": their sha256}`; a set is
`{"$set": its members' canonical forms, sorted}`; a date or datetime is `{"$date": its ISO form}`.
Anything else raises TypeError: a key must never depend on a `repr` that may hold a memory address.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from pathlib import PurePath
from typing import Any

from ..version import __version__
from .fingerprint import fingerprint


def _tagged(value: Any) -> Any:
    if isinstance(value, PurePath):
        return {"$path": value.as_posix()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": hashlib.sha256(value).hexdigest()}
    if isinstance(value, set | frozenset):
        return {"$set": sorted(canonical(member) for member in value)}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"a cache key cannot hold a {type(value).__name__}")


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_tagged)


def canonical(value: Any) -> str:
    """The canonical JSON text of `value` (see the module's docstring)."""
    return _ENCODER.encode(value)


def digest(value: Any) -> str:
    """sha256 of `value`'s canonical JSON: for what an entry holds inside (its key already names the
    version and the environment)."""
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


_RECHECK_SECONDS = 1.0
_recent: list[tuple[float, str]] = []  # (when, environment): the last one worked out


def environment() -> str:
    """veritex's version and the interpreter's fingerprint: what every key is made under. Worked out at
    most once a second (a quarter of a millisecond each time), so that the caches of one build share it
    and a long-running process still sees a package installed meanwhile."""
    now = time.monotonic()
    if _recent and now - _recent[0][0] < _RECHECK_SECONDS:
        return _recent[0][1]
    found = f"{__version__}:{fingerprint()}"
    _recent[:] = [(now, found)]
    return found


def make_key(inputs: Any, environment_id: str | None = None) -> str:
    """The key of an entry made from `inputs`: the full sha256 hex digest of the canonical JSON of the
    inputs together with `environment_id` (default: `environment()`)."""
    env = environment() if environment_id is None else environment_id
    return digest({"environment": env, "inputs": inputs})
