"""Code as fancyvrb `Verbatim` with Pygments' LaTeX commands: highlighting that needs no minted, no
shell escape and no Python at LaTeX time. The style's definitions go in the preamble once.

Pygments is imported only on a miss: highlighted blocks are kept per document in the cache's
`latex-code` namespace, as the HTML writer keeps its own.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ...cache import Store, digest
from ..highlight import STYLE, lexer, pygments_version
from .escape import verbatim_safe

NAMESPACE = "latex-code"
# `breaklines` (fvextra) wraps a long line instead of running it off the page.
_OPTIONS = r"fontsize=\small,frame=leftline,framerule=0.6pt,rulecolor=\color{vtrule},breaklines"
CACHE_FORMAT = 1


def _verbatim(source: str, language: str, first_line: int | None) -> str:
    numbers = f",numbers=left,firstnumber={first_line},numbersep=6pt" if first_line is not None else ""
    options = f"{_OPTIONS}{numbers}"
    if not source.strip():
        return f"\\begin{{Verbatim}}[{options}]\n{verbatim_safe(source)}\n\\end{{Verbatim}}\n"
    code_lexer = lexer(language)  # first: it takes the lock under which Pygments' lazy modules load
    from pygments import highlight
    from pygments.formatters import LatexFormatter

    formatter = LatexFormatter(style=STYLE, verboptions=options)
    return str(highlight(source, code_lexer, formatter))


@functools.cache
def style_definitions() -> str:
    """The `\\PY` commands of the style (for the preamble)."""
    from pygments.formatters import LatexFormatter

    return str(LatexFormatter(style=STYLE).get_style_defs())


class LatexCode:
    """Highlighted blocks of one document, from the cache when they were highlighted before."""

    def __init__(self, cache_root: Path | None, document: Path) -> None:
        self.store = Store(cache_root) if cache_root is not None else None
        self.key = self.store.key({"document": document.resolve(), "latex": True}) if self.store else ""
        self.entries: dict[str, str] = {}
        if self.store is not None:
            data = self.store.load(NAMESPACE, self.key)
            if data is not None and data.get("format") == CACHE_FORMAT and isinstance(data.get("entries"), dict):
                self.entries = {k: v for k, v in data["entries"].items() if isinstance(v, str)}
        self.used: set[str] = set()
        self.changed = False

    def block(self, source: str, language: str, first_line: int | None = None) -> str:
        source = source.rstrip("\n")
        key = digest([pygments_version(), STYLE, _OPTIONS, language, first_line, source])
        self.used.add(key)
        found = self.entries.get(key)
        if found is None:
            found = self.entries[key] = _verbatim(source, language, first_line)
            self.changed = True
        return found

    def save(self) -> None:
        if self.store is None or (not self.changed and set(self.entries) <= self.used):
            return
        entries = {k: v for k, v in self.entries.items() if k in self.used}
        self.store.save(NAMESPACE, self.key, {"format": CACHE_FORMAT, "entries": entries})
