"""Syntax highlighting with Pygments: CSS classes in the page, line numbers from the source document.

Building a lexer compiles its regular expressions (about 0.1 s for Python), so a rebuild takes the
highlighted lines of every code block from a per-document cache when it can; Pygments itself is
imported only on a miss.
"""

from __future__ import annotations

import functools
import html
import threading
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import Store, digest

if TYPE_CHECKING:
    from pygments.lexer import Lexer

STYLE = "friendly"
CSS_SCOPE = ".vt-code"
# What the formatter is asked for: part of the cache key, so a change here is never served stale markup.
_FORMATTER_OPTIONS: dict[str, Any] = {"nowrap": True}
CACHE_FORMAT = 1


# Pygments loads lexer classes lazily through its module's __getattr__; two threads doing it at once
# (a build with -j 2) can see a half-loaded module and raise ImportError. One lookup at a time.
_LEXER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=64)
def _cached_lexer(language: str) -> Lexer:
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language or "text")
    except ClassNotFound:
        return TextLexer()


def lexer(language: str) -> Lexer:
    """The Pygments lexer of `language` (plain text when Pygments knows no such language), safe across threads."""
    with _LEXER_LOCK:
        return _cached_lexer(language.lower())


def _highlight(source: str, language: str) -> list[str]:
    if source.strip():
        with _LEXER_LOCK:  # the lazy loading of formatters races as the lexers' does
            from pygments import highlight
            from pygments.formatters import HtmlFormatter

            lexer = _cached_lexer(language.lower())
        code = highlight(source, lexer, HtmlFormatter(**_FORMATTER_OPTIONS))
    else:
        code = html.escape(source)
    lines = code.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@functools.cache
def pygments_version() -> str:
    import pygments  # the package alone: no lexer, no formatter

    return str(pygments.__version__)


class HighlightCache:
    """One entry per document in the cache's `highlight` namespace: (source, language, Pygments version,
    options) -> highlighted lines.

    A damaged entry is a miss (noted) and is rewritten; blocks no longer in the document are forgotten on save.
    """

    NAMESPACE = "highlight"

    def __init__(self, cache_dir: Path | None, document: Path) -> None:
        self.store = Store(cache_dir) if cache_dir else None
        self.key = self.store.key({"document": document.resolve()}) if self.store else ""
        self.path = self.store.path(self.NAMESPACE, self.key) if self.store else None
        self.entries = self._load(self.store) if self.store else {}
        self.used: set[str] = set()
        self.changed = False

    def _load(self, store: Store) -> dict[str, list[str]]:
        data = store.load(self.NAMESPACE, self.key)
        if data is None or data.get("format") != CACHE_FORMAT:
            return {}
        if not isinstance(data.get("entries"), dict):
            store.note(store.path(self.NAMESPACE, self.key), "not highlighted code")
            return {}
        return {str(k): v for k, v in data["entries"].items()
                if isinstance(v, list) and all(isinstance(line, str) for line in v)}

    def lines(self, source: str, language: str) -> list[str]:
        key = digest([pygments_version(), _FORMATTER_OPTIONS, language, source])
        self.used.add(key)
        found = self.entries.get(key)
        if found is None:
            found = self.entries[key] = _highlight(source, language)
            self.changed = True
        return list(found)

    def save(self) -> None:
        if self.store is None or (not self.changed and set(self.entries) <= self.used):
            return
        entries = {k: v for k, v in self.entries.items() if k in self.used}
        # One that cannot be written costs speed, never the page.
        self.store.save(self.NAMESPACE, self.key, {"format": CACHE_FORMAT, "entries": entries})


def prepare_block(source: str, language: str, cache: HighlightCache) -> None:
    """Highlight a block into `cache` ahead of `code_block` (which asks for exactly these lines)."""
    cache.lines(source.rstrip("\n"), language)


def highlight_lines(source: str, language: str, cache: HighlightCache | None = None) -> list[str]:
    """Highlighted HTML of each line of `source` (Pygments closes its spans at every line end)."""
    return cache.lines(source, language) if cache is not None else _highlight(source, language)


def code_block(source: str, language: str, *, first_line: int | None = None,
               marked: Collection[int] = (), cache: HighlightCache | None = None) -> str:
    """`<pre class="vt-code">` with one span per line; `first_line` numbers the lines as in the
    document (drawn by CSS, so copying the code copies no numbers), `marked` lines are flagged."""
    lines = highlight_lines(source.rstrip("\n"), language, cache)
    return _numbered(lines, language, first_line, marked)


def _numbered(lines: Iterable[str], language: str, first_line: int | None, marked: Collection[int]) -> str:
    parts = []
    for offset, line in enumerate(lines):
        number = first_line + offset if first_line is not None else None
        classes = "vt-line vt-line-marked" if number is not None and number in marked else "vt-line"
        data = f' data-line="{number}"' if number is not None else ""
        parts.append(f'<span class="{classes}"{data}>{line}\n</span>')
    numbered = " vt-numbered" if first_line is not None else ""
    lang = html.escape(language or "text")
    return f'<pre class="vt-code{numbered}" data-lang="{lang}"><code>{"".join(parts)}</code></pre>'


def pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    return str(HtmlFormatter(style=STYLE).get_style_defs(CSS_SCOPE))
