"""Markdown cells to HTML: markdown-it-py's renderer, plus rules for veritex's own tokens.

Formulas come out as the KaTeX markup the render stage stored on each `Math` node, equation
references as links to the numbered formula, `{eval}` roles as the value the kernel computed.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..model import InlineEval, Math, Reference, reference_text
from .badges import formula_verdicts, message_html
from .highlight import code_block as highlighted_block
from .state import PageState


@functools.cache
def _options() -> OptionsDict:
    return MarkdownIt("commonmark", {"html": True}).options


@functools.cache
def _renderer() -> ProseRenderer:
    # One renderer for every call: making one inspects all its methods, and rendering keeps its state
    # in `env`, not in the renderer.
    return ProseRenderer()


def render_tokens(tokens: list[Token], page: PageState) -> str:
    return _renderer().render(tokens, _options(), {"page": page})


def render_inline_text(tokens: Sequence[Token], page: PageState) -> str:
    """Inline tokens as HTML without element ids (for copies such as the table of contents)."""
    return _renderer().renderInline(tokens, _options(), {"page": page, "copy": True})


def _page(env: EnvType) -> PageState:
    page = env["page"]
    assert isinstance(page, PageState)
    return page


def _node(token: Token) -> Any:
    return (token.meta or {}).get("node")


def _raw_tex(tex: str, display: bool, message: str | None, element_id: str | None) -> str:
    """A formula KaTeX rejected (or that was never rendered): its TeX, marked."""
    title = f' title="{html.escape(message)}"' if message else ""
    ident = f' id="{element_id}"' if element_id else ""
    if display:
        note = f'<div class="vt-math-message">{message_html(message)}</div>' if message else ""
        return (f'<div class="vt-equation vt-math-error"{ident}><pre class="vt-tex"{title}>'
                f"{html.escape(tex)}</pre>{note}</div>\n")
    return f'<code class="vt-tex vt-math-error"{ident}{title}>{html.escape(tex)}</code>'


def fence_language(info: str) -> str:
    """`python norun` -> python; MyST `{code-cell} python` -> python."""
    words = info.strip().split()
    if words and words[0].startswith("{"):
        words = words[1:]
    return re.sub(r"[^\w+#.-]", "", words[0]) if words else ""


def _plain_text(children: Sequence[Token]) -> str:
    return "".join(c.content for c in children if c.type in ("text", "code_inline", "math_inline"))


class ProseRenderer(RendererHTML):
    """Rules are looked up by token type, so each method below renders the token of its name."""

    def renderToken(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        if not token.tag:  # a token type nobody renders: show its text rather than an empty tag
            return html.escape(token.content)
        return super().renderToken(tokens, idx, options, env)

    # Math -------------------------------------------------------------------------------------
    def math_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        math = _node(tokens[idx])
        if not isinstance(math, Math):
            return _raw_tex(tokens[idx].content, False, None, None)
        element_id = None if env.get("copy") else _page(env).math_id(math)
        if math.html is None:
            return _raw_tex(math.tex, False, math.error, element_id)
        ident = f' id="{element_id}"' if element_id else ""
        warnings = _page(env).warnings_for(math)
        if warnings:
            title = html.escape("; ".join(w.message for w in warnings))
            return f'<span class="vt-math vt-math-warning"{ident} title="{title}">{math.html}</span>'
        return f'<span class="vt-math"{ident}>{math.html}</span>'

    def math_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        math = _node(tokens[idx])
        if not isinstance(math, Math):
            return _raw_tex(tokens[idx].content, True, None, None)
        page = _page(env)
        element_id = page.math_id(math)
        if math.html is None:
            return _raw_tex(math.tex, True, math.error, element_id)
        number = f'<span class="vt-eqno">({math.number})</span>' if math.number is not None else ""
        verdicts = formula_verdicts(page.verdicts_for(math))
        warnings = "".join(f'<div class="vt-math-note">{message_html(w.message)}</div>'
                           for w in page.warnings_for(math))
        return (f'<div class="vt-equation" id="{element_id}"><div class="vt-equation-body">{math.html}</div>'
                f"{number}{verdicts}{warnings}</div>\n")

    math_block_label = math_block
    math_inline_double = math_inline
    amsmath = math_block

    # References and inline values -------------------------------------------------------------
    def eq_ref(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        ref = _node(tokens[idx])
        if not isinstance(ref, Reference):
            return html.escape(tokens[idx].content)
        ident = "" if env.get("copy") else f' id="{_page(env).ref_id(ref)}"'
        if ref.resolved is None:
            return (f'<span class="vt-ref vt-broken"{ident} title="unknown reference: no formula is labelled '
                    f'{html.escape(ref.target)}">({html.escape(ref.target)}?)</span>')
        text = html.escape(reference_text(ref.resolved, ref.role))
        return f'<a class="vt-ref"{ident} href="#{_page(env).math_id(ref.resolved)}">{text}</a>'

    def eval_role(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        node = _node(tokens[idx])
        if not isinstance(node, InlineEval):
            return html.escape(tokens[idx].content)
        ident = "" if env.get("copy") else f' id="{_page(env).eval_id(node)}"'
        expr = html.escape(node.expr)
        if node.error is not None:
            return (f'<code class="vt-eval vt-broken"{ident} title="{html.escape(node.error)}">'
                    f"{expr} ⚠</code>")
        if node.value is None:
            return f'<code class="vt-eval vt-pending"{ident} title="not evaluated: the code did not run">{expr}</code>'
        if "text/html" in node.value:
            return f'<span class="vt-eval"{ident} title="{expr}">{node.value["text/html"]}</span>'
        shown = html.escape(str(node.value.get("text/plain", "")))
        return f'<span class="vt-eval"{ident} title="{expr}">{shown}</span>'

    def myst_role(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        name = html.escape(str((token.meta or {}).get("name", "")))
        return f'<code class="vt-role" data-role="{name}">{html.escape(token.content)}</code>'

    # Blocks -----------------------------------------------------------------------------------
    def heading_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
        children = (inline.children or []) if inline is not None else []
        page = _page(env)
        element_id = page.heading(int(token.tag[1]), _plain_text(children), render_inline_text(children, page))
        return f'<{token.tag} id="{element_id}">'

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        return highlighted_block(token.content, fence_language(token.info), cache=_page(env).highlights) + "\n"

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return highlighted_block(tokens[idx].content, "text", cache=_page(env).highlights) + "\n"

    def myst_target(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        label = html.escape(tokens[idx].content)
        return f'<span class="vt-target" id="{label}"></span>\n'

    def myst_line_comment(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return ""

    def myst_block_break(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return "<hr>\n"

    def front_matter(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return ""
