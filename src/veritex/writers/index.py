"""`write_index`: the contents page of a built folder, one line per page with its verdict counts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .. import __version__
from ..fsutil import atomic_write_text
from ..report import Report


def write_index(report: Report, outdir: Path, title: str = "Documents") -> Path | None:
    """Write `outdir/index.html` when the build made more than one page (a document named index wins)."""
    built = [d for d in report.documents if d.output is not None]
    target = outdir / "index.html"
    if len(built) < 2 or any(d.output == target for d in built):
        return None
    # Imported here: a build of one page (or an unchanged rebuild) never loads Jinja2 or Pygments.
    from .assets_copy import ASSETS_DIRNAME, ensure_assets
    from .html import _environment

    ensure_assets(outdir)
    pages: list[dict[str, Any]] = []
    for doc in sorted(built, key=lambda d: str(d.output)):
        assert doc.output is not None
        counts = doc.counts()
        pages.append({
            "href": Path(os.path.relpath(doc.output, outdir)).as_posix(),
            "title": doc.title or doc.path.stem,
            "source": str(doc.path),
            "counts": {k: counts.get(k, 0) for k in ("verified", "refuted", "unchecked", "error", "warning")},
        })
    html = _environment().get_template("index.html.j2").render(
        title=title, pages=pages, version=__version__, assets=ASSETS_DIRNAME)
    atomic_write_text(target, html)
    return target
