"""Where things are under a cache root: namespaces of entries, and the size ledger at the top."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

from ..fsutil import atomic_write_bytes

LEDGER = "size.json"  # at the root: the cache's size as far as builds know it
NAMESPACE = re.compile(r"[a-z][a-z0-9-]*\Z")


def read_ledger(root: Path) -> int | None:
    try:
        size = json.loads((root / LEDGER).read_bytes())["bytes"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return size if isinstance(size, int) and size >= 0 else None


def write_ledger(root: Path, size: int) -> None:
    if root.is_dir():
        with contextlib.suppress(OSError):  # the next build walks the folder instead
            atomic_write_bytes(root / LEDGER, json.dumps({"bytes": size}).encode())
