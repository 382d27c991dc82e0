"""Rebuilding a formula's tree with some nodes replaced.

The tree is made of frozen dataclasses, so a rewrite rebuilds every node above a change and shares
the rest. Equality of nodes ignores spans, which is what lets a definition's head match its uses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from veritex.math import ast

Rewrite = Callable[[ast.Node], ast.Node | None]
"""Returns a replacement for a node, or None to keep it and descend into its children."""


def rewrite(node: ast.Node, fn: Rewrite) -> ast.Node:
    """`node` with `fn` applied top-down; a replacement is not descended into again."""
    replaced = fn(node)
    if replaced is not None:
        return replaced
    changes: dict[str, object] = {}
    for f in dataclasses.fields(node):
        if f.name == "span":
            continue
        value = getattr(node, f.name)
        new = _rewrite_value(value, fn)
        if new is not value:
            changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node  # type: ignore[arg-type]


def _rewrite_value(value: object, fn: Rewrite) -> object:
    if isinstance(value, ast.Node):
        return rewrite(value, fn)
    if isinstance(value, tuple):
        items = tuple(_rewrite_value(v, fn) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def rewrite_expr(node: ast.Expr, fn: Rewrite) -> ast.Expr:
    out = rewrite(node, fn)
    assert isinstance(out, ast.Expr)
    return out
