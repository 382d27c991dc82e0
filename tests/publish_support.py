"""Helpers the publishing tests share: how GitHub reads math in Markdown, modelled with markdown-it-py.

GitHub parses the Markdown first and typesets math afterwards, so in plain `$...$` the Markdown
inline rules (backslash escapes, emphasis, entities, HTML, links) have already acted on the TeX; its
code-span form ``$`...`$`` and ```` ```math ```` blocks reach MathJax untouched. The model: markdown-it-py
with GitHub's extensions (tables, strikethrough) parses the text; the formulas are read back from the
parsed tokens: ```` ```math ```` fences, code spans between `$` and `$`, and `$...$` found in the text that
is left after Markdown ran (dollarmath's rule for inline math, applied to that text: no space after the
opening `$` or before the closing one). An inline HTML tag ends a run of text: GitHub documents
`<span>$</span>` as the way to write a dollar outside math, one that never pairs with another.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

_INLINE_MATH = re.compile(r"\$(?=\S)(.+?)(?<=\S)\$")
_TAG = "\x03"  # where an inline HTML tag stood


def github_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _inline_text(children: list[Any]) -> tuple[str, list[str]]:
    """The text an inline run shows after Markdown ran (emphasis markers, escapes and tags gone),
    with code-span formulas (``$`..`$``) taken out as placeholders."""
    out: list[str] = []
    spans: list[str] = []
    for i, token in enumerate(children):
        if token.type == "text":
            out.append(token.content)
        elif token.type == "code_inline":
            before = out[-1] if out else ""
            after = children[i + 1].content if i + 1 < len(children) and children[i + 1].type == "text" else ""
            if before.endswith("$") and after.startswith("$"):
                out[-1] = before[:-1]
                out.append(f"\x00{len(spans)}\x00")
                spans.append(token.content)
                children[i + 1].content = after[1:]
            else:
                out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif token.type == "html_inline":
            out.append(_TAG)
    return "".join(out), spans


def github_formulas(markdown: str) -> list[str]:
    """Every formula GitHub would hand to MathJax, in order, as it would reach it."""
    found: list[str] = []
    for token in github_parser().parse(markdown):
        if token.type == "fence" and token.info.strip() == "math":
            found.append(token.content.rstrip("\n"))
        elif token.type == "inline" and token.children is not None:
            text, spans = _inline_text(list(token.children))
            pieces = re.split(r"\x00(\d+)\x00", text)
            for index, piece in enumerate(pieces):
                if index % 2:
                    found.append(spans[int(piece)])
                else:
                    found.extend(m.group(1).replace("\n", " ") for run in piece.split(_TAG)
                                 for m in _INLINE_MATH.finditer(run))
    return found


def jupyter_formulas(markdown: str) -> list[str]:
    """Formulas as Jupyter's Markdown renderers take them out before Markdown runs: `$$..$$`, then `$..$`
    (a `\\$` is a dollar sign)."""
    found: list[str] = []
    text = markdown.replace("\\$", "\x01")
    # Like Jupyter's `removeMath`, dollars inside code spans are text.
    text = re.sub(r"(`+)([^\n]*?[^`\n])\1(?!`)", lambda m: m.group(0).replace("$", "\x01"), text)
    for match in re.finditer(r"\$\$(.+?)\$\$|\$(.+?)\$", text, re.DOTALL):
        found.append((match.group(1) if match.group(1) is not None else match.group(2)).strip())
    return found
