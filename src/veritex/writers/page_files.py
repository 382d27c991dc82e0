"""The local files a page shows (`Document.local_files`), copied beside the page at the same relative
path, so that the page's own addresses keep working wherever the output folder goes."""

from __future__ import annotations

import os
from pathlib import Path

from ..fsutil import atomic_write_bytes
from ..model import Document


def copy_local_files(doc: Document, page_folder: Path) -> list[Path]:
    """Copy what is missing or changed; return every copy (the build's stamp watches them)."""
    copies: list[Path] = []
    source_folder = doc.path.parent
    for name in doc.local_files:
        source, copy = source_folder / name, Path(os.path.normpath(page_folder / name))
        try:
            if source.resolve() == copy.resolve():
                continue  # the page is written into the document's own folder
            stat = source.stat()
            try:
                done = copy.stat()
                fresh = done.st_size == stat.st_size and done.st_mtime_ns == stat.st_mtime_ns
            except OSError:
                fresh = False
            if not fresh:
                atomic_write_bytes(copy, source.read_bytes())
                os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        except OSError:
            continue  # gone since it was checked: the next build reports it
        copies.append(copy)
    return copies
