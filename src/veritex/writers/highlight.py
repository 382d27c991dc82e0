"""Syntax highlighting with Pygments: CSS classes in the page, line numbers from the source document."""

from __future__ import annotations

import functools
import html
from collections.abc import Collection

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

STYLE = "friendly"
CSS_SCOPE = ".vt-code"


@functools.lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer:
    try:
        return get_lexer_by_name(language or "text")
    except ClassNotFound:
        return TextLexer()


def highlight_lines(source: str, language: str) -> list[str]:
    """Highlighted HTML of each line of `source` (Pygments closes its spans at every line end)."""
    formatter = HtmlFormatter(nowrap=True)
    code = highlight(source, _lexer(language.lower()), formatter) if source.strip() else html.escape(source)
    lines = code.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def code_block(source: str, language: str, *, first_line: int | None = None,
               marked: Collection[int] = ()) -> str:
    """`<pre class="vt-code">` with one span per line; `first_line` numbers the lines as in the
    document (drawn by CSS, so copying the code copies no numbers), `marked` lines are flagged."""
    lines = highlight_lines(source.rstrip("\n"), language)
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
    return str(HtmlFormatter(style=STYLE).get_style_defs(CSS_SCOPE))
