"""Helpers on finished nodes and token text, shared by the construct families (no parsing here)."""

from __future__ import annotations

from veritex.math import ast
from veritex.math.commands import BIG_OPERATOR_WORDS


def word_of(text: str, *, opname: bool) -> str | None:
    """The identifier in a `\\text{...}` / `\\operatorname{...}` argument, or None."""
    if opname:
        for space in ("\\,", "\\!", "\\;", "\\:", "\\ "):
            text = text.replace(space, "")
        text = text.replace(" ", "")
    text = text.strip()
    if text and text.replace(" ", "").isascii() and text.replace(" ", "").isalnum() and \
            text[0].isalpha() and (" " not in text or text in BIG_OPERATOR_WORDS):
        return text
    if text and text.isdigit():
        return text
    return None


def callable_head(node: ast.Expr) -> ast.Symbol | None:
    """The name a call would apply: `f`, `f_\\theta`, `f'`, `\\hat{f}`."""
    if isinstance(node, ast.Prime):
        node = node.operand
    if isinstance(node, ast.Subscript):
        node = node.base
    return node if isinstance(node, ast.Symbol) else None


def is_capital_name(node: ast.Expr) -> bool:
    if isinstance(node, ast.Subscript):
        node = node.base
    return isinstance(node, ast.Symbol) and len(node.name) == 1 and node.name.isupper() and \
        node.name.isascii()


def with_accent(kind: str, node: ast.Expr, span: ast.Span) -> ast.Expr:
    """Fold an accent into the name it sits on (`\\hat{y}`, `\\hat{x_i}`, `\\hat{y}^{(i)}`)."""
    if isinstance(node, ast.Symbol):
        return ast.Symbol(node.name, node.font, (*node.accents, kind), span=span)
    if isinstance(node, ast.Subscript | ast.SuperIndex):
        base = with_accent(kind, node.base, node.base.span)
        if isinstance(base, ast.Symbol):
            if isinstance(node, ast.Subscript):
                return ast.Subscript(base, node.index, span=span)
            return ast.SuperIndex(base, node.index, node.bracket, span=span)
    return ast.Accent(kind, node, span=span)


def with_font(font: str, node: ast.Expr, span: ast.Span) -> ast.Expr:
    """Fold a font into every name it covers; fonts are typography, not structure."""
    if isinstance(node, ast.Symbol):
        if node.font is not None:
            return node
        return ast.Symbol(node.name, font, node.accents, span=span)
    if isinstance(node, ast.Subscript):
        return ast.Subscript(with_font(font, node.base, node.base.span), node.index, span=span)
    if isinstance(node, ast.SuperIndex):
        return ast.SuperIndex(with_font(font, node.base, node.base.span), node.index,
                              node.bracket, span=span)
    if isinstance(node, ast.Power):
        return ast.Power(with_font(font, node.base, node.base.span), node.exponent, span=span)
    if isinstance(node, ast.Transpose):
        return ast.Transpose(with_font(font, node.operand, node.operand.span), span=span)
    if isinstance(node, ast.Juxt):
        return ast.Juxt(tuple(with_font(font, f, f.span) for f in node.factors), span=span)
    if isinstance(node, ast.BinOp):
        return ast.BinOp(node.op, with_font(font, node.left, node.left.span),
                         with_font(font, node.right, node.right.span), span=span)
    if isinstance(node, ast.Neg):
        return ast.Neg(with_font(font, node.operand, node.operand.span), span=span)
    return ast.Styled(font, node, span=span)
