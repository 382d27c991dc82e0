"""`write_index`: the contents page of a built folder, one line per page with its verdict counts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write_text
from ..report import Report
from ..version import __version__


def write_index(report: Report, outdir: Path, title: str = "Documents", *, format_name: str = "html") -> Path | None:
    """Write `outdir/index.html` when the build made more than one page (a document named index wins);
    `format_name` is the format whose outputs are the pages."""
    built = [(d, d.outputs[format_name][0]) for d in report.documents if d.outputs.get(format_name)]
    target = outdir / "index.html"
    if len(built) < 2 or any(page == target for _, page in built):
        return None
    # Imported here: a build of one page (or an unchanged rebuild) never loads Jinja2 or Pygments.
    from .assets_copy import ASSETS_DIRNAME, ensure_assets
    from .html import CONTENT_SECURITY_POLICY, _environment

    ensure_assets(outdir)
    pages: list[dict[str, Any]] = []
    for doc, page in sorted(built, key=lambda built_page: str(built_page[1])):
        counts = doc.counts()
        pages.append({
            "href": Path(os.path.relpath(page, outdir)).as_posix(),
            "title": doc.title or doc.path.stem,
            "source": str(doc.path),
            "counts": {k: counts.get(k, 0) for k in ("verified", "refuted", "unchecked", "error", "warning")},
        })
    html = _environment().get_template("index.html.j2").render(
        title=title, pages=pages, version=__version__, assets=ASSETS_DIRNAME,
        csp=CONTENT_SECURITY_POLICY)
    atomic_write_text(target, html)
    return target
