"""Markdown reader: CommonMark via markdown-it-py, with math, MyST and Quarto cell syntax as plugins.

Math is tokenised by mdit-py-plugins before emphasis and escapes run, so `$a_i * b_j$` keeps its
underscores and stars. Inline math follows Pandoc's rule (no space inside the dollars, no digit right
after the closing one), so a "$5 and $10" price pair stays prose.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from ..model import Cell, Document, FrontMatter, Item, MarkdownCell
from .cells import code_cell_from_fence, is_runnable_fence
from .front_matter import parse_front_matter
from .tree import Source, build_body

_TEX_REF = re.compile(r"\\(eqref|ref)\{([^{}\s]+)\}")


def _tex_reference(state: StateInline, silent: bool) -> bool:
    """Inline rule: `\\eqref{label}` / `\\ref{label}` written in prose."""
    if state.src[state.pos] != "\\":
        return False
    match = _TEX_REF.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("tex_ref", "", 0)
        token.meta = {"role": match.group(1), "target": match.group(2)}
        token.content = match.group(0)
    state.pos = match.end()
    return True


@functools.cache
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(dollarmath_plugin, allow_labels=True, allow_space=False, allow_digits=False)
    md.use(amsmath_plugin)
    md.use(myst_role_plugin)
    md.use(myst_block_plugin)
    md.inline.ruler.before("escape", "tex_ref", _tex_reference)
    return md


def read_markdown(text: str, path: Path | str) -> Document:
    """Read a Markdown document into the model; code fences that run become code cells."""
    src = Source(text, str(path))
    items: list[Item] = []
    tokens = markdown_parser().parse(text)
    meta = FrontMatter()
    if tokens and tokens[0].type == "front_matter":
        meta = parse_front_matter(tokens[0].content, src.position(0), items)
        tokens = tokens[1:]
    cells = split_cells(tokens, src, items)
    return Document(path=Path(path), meta=meta, cells=cells, source_format="markdown", items=items)


def read_markdown_cell(text: str, src: Source) -> tuple[MarkdownCell, list[Item]]:
    """One notebook markdown cell (no code-cell splitting: fences stay prose)."""
    items: list[Item] = []
    tokens = markdown_parser().parse(text)
    cell = _markdown_cell(tokens, src, items)
    return cell, items


def split_cells(tokens: list[Token], src: Source, items: list[Item]) -> list[Cell]:
    cells: list[Cell] = []
    pending: list[Token] = []

    def flush() -> None:
        if pending:
            cells.append(_markdown_cell(list(pending), src, items))
            pending.clear()

    for token in tokens:
        if token.level == 0 and token.type == "fence" and is_runnable_fence(token.info):
            flush()
            cells.append(code_cell_from_fence(token, src.position(token.map[0] if token.map else 0), items))
        elif token.level == 0 and token.type == "myst_block_break":
            flush()
        else:
            pending.append(token)
    flush()
    return cells


def _markdown_cell(tokens: list[Token], src: Source, items: list[Item]) -> MarkdownCell:
    first_line = next((t.map[0] for t in tokens if t.map), 0)
    last_line = max((t.map[1] for t in tokens if t.map), default=first_line)
    body = build_body(tokens, src)
    return MarkdownCell(
        source="\n".join(src.lines[first_line:last_line]), position=src.position(first_line), body=body.blocks,
        math=body.math, references=body.references, evals=body.evals,
    )
