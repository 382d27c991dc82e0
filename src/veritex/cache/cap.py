"""The cache's size cap, applied after a build without loading the pruning code unless it must prune."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .layout import read_ledger, write_ledger
from .store import take_written

if TYPE_CHECKING:
    from .prune import Pruned


def enforce_cap(root: Path, max_size: int) -> Pruned | None:
    """After a build: prune the cache at `root` down to `max_size` bytes if what this process wrote may
    have taken it past that. `size.json` at the root holds the size the last walk found plus what builds
    wrote since, so the folder is walked only when that sum passes the cap (or is unknown); nothing at
    all is done when nothing was written, the unchanged rebuild's case."""
    root = Path(root)
    written = take_written(root)
    if written == 0:
        return None
    known = read_ledger(root)
    if known is not None and known + written <= max_size:
        write_ledger(root, known + written)
        return None
    from .prune import prune, scan

    if known is None and (size := scan(root).size) <= max_size:
        write_ledger(root, size)
        return None
    return prune(root, max_size)
