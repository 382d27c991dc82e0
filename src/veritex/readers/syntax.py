"""The Markdown syntax veritex reads: markdown-it-py's CommonMark with mdit-py-plugins (math, MyST roles,
blocks and colon fences, front matter) and veritex's own inline rules (TeX references, the textbook
dialect's roles, Pandoc citations), set up once per process."""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

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


_TEX_COMMAND = re.compile(r"\\[A-Za-z]")


def _relax_closing_dollar(md: MarkdownIt) -> None:
    """`$\\begin{bmatrix} a \\end{bmatrix} $`: a space before the closing dollar is accepted when the
    span holds a TeX command word (Jupyter's MathJax reads it so); prose prices like `$5 and $10` stay text,
    also with an escaped `\\$` between them."""
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
        if not text or text[0].isspace() or not _TEX_COMMAND.search(text) or "\n\n" in text:
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
