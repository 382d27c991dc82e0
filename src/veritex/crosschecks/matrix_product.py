"""The rows of a written-out product `A x = [...]` against the product itself, at a small numeric instance.

Each row of the result, a sum of terms `a_{rc} x_c` with perhaps `\\cdots` between them, is evaluated with
the `\\cdots` standing for no term (the last written column follows the others), `a_{rc}` the entries of
a matrix of distinct integers and `x_c = c`, and compared with row r of the product, the sum over every
column. A row the instance cannot read (another letter, a term that is not one entry times one component,
a letter both row and column) is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veritex.math import ast

LEFT_SIDE = re.compile(r"\s*(?P<matrix>[A-Z])\s*(?:\\mathbf\{(?P<bold>[a-z])\}|\\boldsymbol\{(?P<sym>[a-z])\}|"
                       r"(?P<plain>[a-z]))\s*(?::=|=|\\coloneqq)")


@dataclass(frozen=True)
class RowValue:
    written: int  # the row as written, at the instance
    product: int  # row r of the product at the instance
    row: str  # the row index as written (`1`, `i`)
    instance: str  # the instance, in words: `a_{rc} = 3(r - 1) + c, x_c = c, 3 columns`

    @property
    def agrees(self) -> bool:
        return self.written == self.product


def product_letters(tex: str) -> tuple[str, str] | None:
    """(the matrix's entry letter, the vector's letter) when the formula starts `A x =` or `A x :=`."""
    match = LEFT_SIDE.match(tex)
    if match is None:
        return None
    vector = match.group("bold") or match.group("sym") or match.group("plain")
    return match.group("matrix").lower(), vector


def row_value(expr: ast.Expr, entry: str, vector: str) -> RowValue | None:
    r"""The row at the instance, or None when it is not a sum of entry-times-component terms whose
    components run 1, 2, ..., m (then perhaps `\cdots` and one last component in a letter)."""
    terms = _terms(expr)
    if terms is None:
        return None
    read = [None if t is None else _term(t, entry, vector) for t in terms]
    written_terms = [r for r in read if r is not None]
    if len(written_terms) != sum(t is not None for t in terms) or not written_terms:
        return None
    components = [x for _, _, x in written_terms]
    last_letter = not components[-1].isdigit()
    numbered = components[:-1] if last_letter else components
    if [int(x) if x.isdigit() else -1 for x in numbered] != list(range(1, len(numbered) + 1)):
        return None
    dots = [k for k, t in enumerate(terms) if t is None]
    if last_letter != bool(dots) or (dots and dots != [len(terms) - 2]):
        return None  # `\cdots` only just before the last component, and a letter only after it
    width = len(components)
    column = {str(c): c for c in range(1, len(numbered) + 1)} | ({components[-1]: width} if last_letter else {})
    rows = [r for r, _, _ in written_terms]
    row = max(set(rows), key=rows.count)
    if rows.count(row) * 2 <= len(rows) or any(c not in column for _, c, _ in written_terms):
        return None
    if any(r in column and not r.isdigit() for r in rows):
        return None  # a letter both a row and a column
    numbers = [int(r) for r in rows if r.isdigit()]
    height = max([*numbers, width, 1]) + 1
    row_number = {r: int(r) if r.isdigit() else height for r in rows}

    def entry_at(r: int, c: int) -> int:
        return (r - 1) * width + c

    written = sum(entry_at(row_number[r], column[c]) * column[x] for r, c, x in written_terms)
    product = sum(entry_at(row_number[row], c) * c for c in range(1, width + 1))
    instance = f"{entry}_{{rc}} = {width}(r - 1) + c and {vector}_c = c, {width} columns"
    return RowValue(written, product, row, instance)


def _terms(expr: ast.Expr) -> list[ast.Expr | None] | None:
    """The terms of a sum, `\\cdots` as None; None when a term is subtracted."""
    if isinstance(expr, ast.BinOp) and expr.op == "+":
        left, right = _terms(expr.left), _terms(expr.right)
        return None if left is None or right is None else left + right
    if isinstance(expr, ast.Dots):
        return [None]
    if isinstance(expr, ast.BinOp | ast.Neg) and not (isinstance(expr, ast.BinOp) and expr.op == "cdot"):
        return None
    return [expr]


def _term(term: ast.Expr, entry: str, vector: str) -> tuple[str, str, str] | None:
    """(row, column, component) of `a_{rc} x_c`, each a single character."""
    factors = term.factors if isinstance(term, ast.Juxt) else (
        (term.left, term.right) if isinstance(term, ast.BinOp) and term.op == "cdot" else ())
    if len(factors) != 2:
        return None
    a, x = factors
    a_index, x_index = _index(a, entry, 2), _index(x, vector, 1)
    if a_index is None or x_index is None:
        return None
    return a_index[0], a_index[1], x_index


def _index(node: ast.Expr, letter: str, length: int) -> str | None:
    if not (isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol) and node.base.name == letter
            and not node.base.accents):
        return None
    text = index_characters(node.index)
    return text if text is not None and len(text) == length else None


def index_characters(index: ast.Expr) -> str | None:
    """`i1` for the index of `a_{i1}` (or `a_{i,1}`): digits and plain single letters, else None."""
    parts = index.factors if isinstance(index, ast.Juxt) else index.items if isinstance(index, ast.Tuple) \
        else (index,)
    out = ""
    for p in parts:
        if isinstance(p, ast.Number) and p.value.isdigit():
            out += p.value
        elif isinstance(p, ast.Symbol) and len(p.name) == 1 and p.font is None and not p.accents:
            out += p.name
        else:
            return None
    return out
