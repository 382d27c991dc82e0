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
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from ..model import Cell, Directive, Document, FrontMatter, Item, MarkdownCell
from .cells import code_cell_from_fence, dialect_tabs, is_runnable_fence
from .directives import directive_name
from .front_matter import parse_front_matter
from .tree import Body, Source, build_body

_TEX_REF = re.compile(r"\\(eqref|ref)\{([^{}\s]+)\}")
_DIALECT_ROLE = re.compile(r":(label|eqlabel|eqref|numref|ref|cite|citet|citep|width|begin_tab):`([^`\n]+)`|:(end_tab):")
_PANDOC_CITE = re.compile(r"\[(-?@[\w:.#$%&+?<>~/-]*\w(?:\s*;\s*-?@[\w:.#$%&+?<>~/-]*\w)*)\]")


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


def _dialect_role(state: StateInline, silent: bool) -> bool:
    """Inline rule: the textbook dialect's `:eqref:`label``, `:numref:`, `:cite:`, `:label:` ..."""
    if state.src[state.pos] != ":" or (state.pos > 0 and state.src[state.pos - 1].isalnum()):
        return False
    match = _DIALECT_ROLE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("dialect_role", "", 0)
        token.meta = {"name": match.group(1) or match.group(3)}
        token.content = match.group(2) or ""
    state.pos = match.end()
    return True


def _pandoc_cite(state: StateInline, silent: bool) -> bool:
    """Inline rule: Pandoc / Quarto citations `[@key]`, `[@a; @b]`."""
    if state.src[state.pos] != "[" or state.src[state.pos + 1: state.pos + 2] not in ("@", "-"):
        return False
    match = _PANDOC_CITE.match(state.src, state.pos)
    if not match or state.src[match.end(): match.end() + 1] in ("(", "["):
        return False
    if not silent:
        token = state.push("pandoc_cite", "", 0)
        token.meta = {"keys": [k.strip().lstrip("-@") for k in match.group(1).split(";")]}
        token.content = match.group(0)
    state.pos = match.end()
    return True


_FENCE_LINE = re.compile(r"^\s*(```|~~~)", re.M)


def _guard_math_blocks(md: MarkdownIt) -> None:
    """A `$$` display may hold blank lines, but never a code fence: a display that would run through one
    was never closed, so its `$$` stays text (the tree reader warns about it) and the fence stays code."""
    rule = next(r for r in md.block.ruler.__rules__ if r.name == "math_block")
    inner = rule.fn

    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if not silent:
            before = len(state.tokens)
            if not inner(state, start, end, False):
                return False
            token = state.tokens[-1]
            if len(state.tokens) == before + 1 and _FENCE_LINE.search(token.content):
                state.tokens.pop()
                state.line = start
                return False
            return True
        return bool(inner(state, start, end, True))

    rule.fn = guarded
    md.block.ruler.__cache__ = None


def _relax_closing_dollar(md: MarkdownIt) -> None:
    """`$\\begin{bmatrix} a \\end{bmatrix} $`: a space before the closing dollar is accepted when the
    span holds a TeX command (Jupyter's MathJax reads it so); prose prices like `$5 and $10` stay text."""
    rule = next(r for r in md.inline.ruler.__rules__ if r.name == "math_inline")
    strict = rule.fn
    relaxed = math_inline_dollar(True, False, True)

    def inline(state: StateInline, silent: bool) -> bool:
        if strict(state, silent):
            return True
        start = state.pos
        if state.src[start:start + 2] == "$$" or not relaxed(state, True):
            return False
        text, end = state.src[start + 1:state.pos - 1], state.pos
        state.pos = start
        if not text or text[0].isspace() or "\\" not in text or "\n\n" in text:
            return False
        if silent:
            state.pos = end
            return True
        return bool(relaxed(state, False))

    rule.fn = inline
    md.inline.ruler.__cache__ = None


@functools.cache
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(dollarmath_plugin, allow_labels=True, allow_space=False, allow_digits=False, double_inline=True)
    _guard_math_blocks(md)
    _relax_closing_dollar(md)
    md.use(amsmath_plugin)
    md.use(myst_role_plugin)
    md.use(myst_block_plugin)
    md.use(colon_fence_plugin)
    md.inline.ruler.before("escape", "tex_ref", _tex_reference)
    md.inline.ruler.before("backticks", "dialect_role", _dialect_role)
    md.inline.ruler.before("link", "pandoc_cite", _pandoc_cite)
    return md


DEFAULT_TAB = "pytorch"


def read_markdown(text: str, path: Path | str, tab: str | None = None) -> Document:
    """Read a Markdown document into the model; code fences that run become code cells. `tab` picks the
    textbook dialect's code tab (over the front matter's `tab:`; default pytorch)."""
    items: list[Item] = []
    tokens = markdown_parser().parse(text)
    meta = FrontMatter()
    if tokens and tokens[0].type == "front_matter":
        meta = parse_front_matter(tokens[0].content, Source(text, str(path)).position(0), items)
        tokens = tokens[1:]
    src = Source(text, str(path), tab=tab or meta.tab or DEFAULT_TAB)
    cells = split_cells(tokens, src, items)
    return Document(path=Path(path), meta=meta, cells=cells, source_format="markdown", items=items)


def read_markdown_cell(text: str, src: Source, body: Body | None = None) -> tuple[MarkdownCell, list[Item]]:
    """One notebook markdown cell (no code-cell splitting: fences stay prose)."""
    items: list[Item] = []
    tokens = markdown_parser().parse(text)
    cell = _markdown_cell(tokens, src, items, body)
    return cell, items


def split_cells(tokens: list[Token], src: Source, items: list[Item]) -> list[Cell]:
    cells: list[Cell] = []
    pending: list[Token] = []
    body = Body()  # shared by the document's prose cells: directive names are warned about once
    tabs = dialect_tabs(tokens)
    spans: list[tuple[str, int]] = []  # `{x-start}` still open at the top level: (x, the cell holding it)

    def flush() -> None:
        if pending:
            cells.append(_markdown_cell(list(pending), src, items, body))
            pending.clear()

    for token in tokens:
        pair = directive_name(token.info) if token.level == 0 and token.type == "fence" else None
        if pair is not None and pair[0].endswith("-start"):
            spans.append((pair[0][: -len("-start")], len(cells)))
            pending.append(token)
        elif pair is not None and pair[0].endswith("-end") and spans and spans[-1][0] == pair[0][: -len("-end")]:
            name, opened_in = spans.pop()
            if opened_in == len(cells):
                pending.append(token)  # opened in this same prose cell: the tree closes it
                continue
            flush()  # the prose before the `-end` is the last cell inside
            _span_cells(cells, opened_in, name)
        elif token.level == 0 and token.type == "fence" and tabs is not None and tabs.is_input(token.info):
            cell = tabs.cell(token, src, items)
            if cell is not None:
                flush()
                cells.append(cell)
        elif token.level == 0 and token.type == "fence" and is_runnable_fence(token.info):
            flush()
            cells.append(code_cell_from_fence(token, src.position(token.map[0] if token.map else 0), items))
        elif token.level == 0 and token.type == "myst_block_break":
            flush()
        else:
            pending.append(token)
    flush()
    return cells


def _span_cells(cells: list[Cell], opened_in: int, name: str) -> None:
    """A `{name-start}` .. `{name-end}` pair with code cells between: the directive, left open at the end of
    its prose cell, holds the cells up to the `-end` (so a solution folds its code too)."""
    cell = cells[opened_in] if opened_in < len(cells) else None
    if not isinstance(cell, MarkdownCell):
        return
    last = cell.body[-1] if cell.body else None
    if isinstance(last, Directive) and last.name == name:
        last.span = len(cells) - opened_in - 1


def _markdown_cell(tokens: list[Token], src: Source, items: list[Item], shared: Body | None = None) -> MarkdownCell:
    first_line = next((t.map[0] for t in tokens if t.map), 0)
    last_line = max((t.map[1] for t in tokens if t.map), default=first_line)
    body = build_body(tokens, src, Body(unknown=shared.unknown) if shared else None)
    items.extend(body.items)
    return MarkdownCell(
        source="\n".join(src.lines[first_line:last_line]), position=src.position(first_line), body=body.blocks,
        math=body.math, references=body.references, evals=body.evals, citations=body.citations,
    )
