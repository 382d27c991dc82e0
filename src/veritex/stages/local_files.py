"""The local files a page shows (`![](plot.png)`, `<img src="plot.png">` in raw HTML): found, checked and
listed in `Document.local_files`, so that the writers copy them beside the page and the page still shows
them when it is opened elsewhere. A missing file is an error at its line; a path that leaves the project
folder (the folder the build was given, or the document's own) is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..model import Document, HtmlBlock, HtmlInline, Image, Item, Node, Paragraph, Position, walk

_HTML_SRC = re.compile(r"""<(?:img|source)\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def project_root(source: Path, relative: Path) -> Path:
    """The folder the build was given for `source` (`relative` is its path under that folder)."""
    depth = len(relative.parts)
    return source.parents[depth - 1] if depth > 0 else source.parent


def _addresses(nodes: Sequence[Node], fallback: Position) -> Iterator[tuple[str, Position]]:
    where = fallback
    for node in walk(nodes):
        position = getattr(node, "position", None)
        if isinstance(node, Paragraph | HtmlBlock) and position is not None:
            where = position
        if isinstance(node, Image):
            yield node.src, where
        elif isinstance(node, HtmlBlock | HtmlInline):
            for match in _HTML_SRC.finditer(node.html):
                yield next(g for g in match.groups() if g is not None), where


def _local(address: str) -> str | None:
    """The relative file path an address names, or None for a URL, a data: URL, an anchor."""
    parts = urlsplit(address.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None  # http:, data:, attachment: (inlined by the notebook reader), #anchor, //host
    return unquote(parts.path)


def find_local_files(doc: Document, root: Path) -> None:
    """Fill `doc.local_files` (paths relative to the document's folder) and report problems."""
    folder = doc.path.parent
    top = root.resolve()
    found: list[str] = []
    for cell in doc.markdown_cells():
        for address, where in _addresses(cell.body, cell.position):
            name = _local(address)
            if name is None or name in found:
                continue
            path = PurePosixPath(name)
            resolved = (folder / path).resolve()
            if path.is_absolute() or not resolved.is_relative_to(top):
                doc.add(Item("document", "error", f"`{address}` is outside the project folder {root}: a page "
                             "takes only files under it along; move the file into the project", where))
                continue
            if not resolved.is_file():
                doc.add(Item("document", "error", f"`{address}` is not found (looked for {folder / path}); "
                             "fix the path or add the file", where))
            found.append(name)  # a missing one too: the build's stamp notices when it appears
    doc.local_files = found
