"""What each name of a document is, for checking identities over whole matrices and vectors: a matrix or a
vector of known dimensions (declared `A \\in \\mathbb{R}^{n \\times m}`, written out as a `bmatrix` of
scalars, a product of known arrays, or named in prose as a diagonal matrix or a matrix of eigenvectors), a
scalar (an entry of a matrix written out, a declared real), or unknown. Nothing here imports NumPy.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from veritex.math import ast
from veritex.model import Math

from ..derivations.definitions import head_key as _head_key


@functools.lru_cache(maxsize=4096)
def head_key(node: ast.Expr) -> ast.Expr:
    """`definitions.head_key`, remembered: a sample asks for the same few names thousands of times."""
    return _head_key(node)


Dim = int | str  # a size written out, or a size named by a letter (`n`)


@dataclass(frozen=True)
class Kind:
    """A matrix (or a column vector: `cols == 1`) and what the document says about its entries."""

    rows: Dim
    cols: Dim
    diagonal: bool = False  # written with zeros off the diagonal, or called diagonal in prose
    invertible: bool = False  # a matrix of eigenvectors, or used inverted

    @property
    def vector(self) -> bool:
        return self.cols == 1


@dataclass
class Definition:
    """`name = body` (or `name_t = body` for each `t`: `parameter`), displayed at `order`."""

    order: int
    body: ast.Expr
    parameter: ast.Symbol | None
    place: str  # its label, or `the formula at line N`
    line: int = 0


@dataclass
class ArrayNames:
    kinds: dict[ast.Expr, Kind] = field(default_factory=dict)  # by name, a family by its base
    scalars: set[ast.Expr] = field(default_factory=set)  # names known to be numbers
    definitions: dict[ast.Expr, list[Definition]] = field(default_factory=dict)  # in document order
    first_use: dict[ast.Expr, int] = field(default_factory=dict)  # the first formula each name appears in
    indices: set[ast.Expr] = field(default_factory=set)  # letters used to index a family (`t` in `y_t`)
    # matrices the prose gives a property random draws do not have (symmetric, orthogonal, stochastic...):
    # an identity that fails for them may rely on it, so it is never refuted
    constrained: set[str] = field(default_factory=set)
    ambiguous: set[ast.Expr] = field(default_factory=set)  # names written out at more than one size

    def kind(self, node: ast.Expr) -> Kind | None:
        key = head_key(node)
        if key in self.scalars:
            return None  # `Q_{21}`, an entry of the matrix `Q` written out
        if key in self.kinds:
            return self.kinds[key]
        family = family_of(node)
        return self.kinds.get(family[0]) if family is not None else None


def family_of(node: ast.Expr) -> tuple[ast.Expr, ast.Expr] | None:
    """(the family's key, the index) of `y_t`, `y^*_{t+1}`, `y_0`: a name with one index that is a letter,
    a whole number, or a letter plus or minus a whole number."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol)):
        return None
    index = node.index
    if isinstance(index, ast.BinOp) and index.op in "+-" and isinstance(index.left, ast.Symbol) \
            and isinstance(index.right, ast.Number):
        return head_key(node.base), index
    if isinstance(index, ast.Symbol) and len(index.name.lstrip("\\")) == 1 and index.font is None:
        return head_key(node.base), index
    if isinstance(index, ast.Number) and index.value.isdigit():
        return head_key(node.base), index
    return None


def is_name(node: ast.Expr) -> bool:
    return isinstance(node, ast.Symbol) and node.font not in ("op", "text") or family_of(node) is not None \
        or isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol)


_PROPERTY = re.compile(r"\$\s*(?:\\math\w+\{|\\boldsymbol\{)?\\?(\w+)\}?\s*\$[^.$]{0,80}?"
                      r"(symmetric|orthogonal|orthonormal|positive\s+(?:semi-?)?definite|idempotent|projection|"
                      r"unitary|hermitian|triangular|nilpotent|stochastic|markov|permutation|rotation|singular|"
                      r"normali[sz]ed|unit\s+(?:length|norm)|commut)", re.IGNORECASE)
_DIAGONAL = re.compile(r"\$\s*\\?(\w+)\s*\$\s+is\s+a\s+diagonal\s+matrix")
_EIGENVECTORS = re.compile(r"columns\s+of\s+\$\s*\\?(\w+)\s*\$\s+are\s+(?:the\s+)?(?:linearly independent\s+)?"
                           r"eigenvectors")


def read_names(formulas: list[tuple[Math, ast.Formula, int, str]], prose: str) -> ArrayNames:
    """The kinds of the names in `formulas` (each with its order and place), then what the prose says."""
    names = ArrayNames()
    for math, formula, order, place in formulas:
        for decl in formula.shapes:
            for target in decl.targets:
                key = head_key(target)
                names.first_use.setdefault(key, order)
                dims = [d for d in map(_dim, decl.dims) if d is not None]
                if len(dims) != len(decl.dims):
                    continue  # `\mathbb{R}^{n+1}`: a size this reading does not draw
                if len(dims) == 1:
                    names.kinds.setdefault(key, Kind(dims[0], 1))
                elif len(dims) == 2:
                    names.kinds.setdefault(key, Kind(dims[0], dims[1]))
                elif not decl.dims and decl.domain == "R":
                    names.scalars.add(key)
        for node in _walk_formula(formula):
            if isinstance(node, ast.Matrix):
                for row in node.rows:
                    for entry in row:
                        names.scalars.update(_entry_names(entry))
            if isinstance(node, ast.Subscript) and family_of(node) is not None:
                names.indices.update(head_key(s) for s in node.index.walk() if isinstance(s, ast.Symbol))
            if isinstance(node, ast.Symbol | ast.Subscript) and is_name(node):
                key = family_of(node)[0] if family_of(node) is not None else head_key(node)  # type: ignore[index]
                names.first_use.setdefault(key, order)
        if not math.display:
            continue
        for statement in formula.statements:
            if len(statement.sides) < 2 or statement.relations[0] not in ("=", "def"):
                continue
            target, body = statement.sides[0], statement.sides[1]
            _define(names, target, body, order, place, math.position.line if math.position is not None else 0)
    names.scalars -= set(names.kinds)  # a block matrix's blocks are not scalars
    for match in _PROPERTY.finditer(prose):
        names.constrained.add(match.group(1))
    for match in _DIAGONAL.finditer(prose):
        _mark(names, match.group(1), diagonal=True)
    for match in _EIGENVECTORS.finditer(prose):
        _mark(names, match.group(1), invertible=True)
    return names


def _walk_formula(formula: ast.Formula) -> list[ast.Expr]:
    return [n for statement in formula.statements for side in statement.sides for n in side.walk()
            if isinstance(n, ast.Expr)]


def _entry_names(entry: ast.Expr) -> list[ast.Expr]:
    """The names in an entry of a matrix written out: `Q_{21}` (not its base `Q`), `\\gamma`."""
    inner = {id(n.base) for n in entry.walk() if isinstance(n, ast.Subscript)}
    return [head_key(n) for n in entry.walk() if isinstance(n, ast.Expr) and id(n) not in inner
            and _is_entry_name(n)]


def _is_entry_name(node: ast.Expr) -> bool:
    if isinstance(node, ast.Symbol):
        return node.font not in ("op", "text")
    return isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol)


def _dim(node: ast.Expr) -> Dim | None:
    if isinstance(node, ast.Number) and node.value.isdigit():
        return int(node.value)
    if isinstance(node, ast.Symbol) and node.font is None:
        return node.name
    return None


def _define(names: ArrayNames, target: ast.Expr, body: ast.Expr, order: int, place: str, line: int) -> None:
    family = family_of(target)
    if family is not None and isinstance(family[1], ast.Symbol):
        key, parameter = family[0], family[1]
        assert isinstance(parameter, ast.Symbol)
    elif isinstance(target, ast.Symbol) or family is not None:
        key, parameter = head_key(target), None
    else:
        return
    names.definitions.setdefault(key, []).append(Definition(order, body, parameter, place, line))
    if isinstance(body, ast.Matrix) and not any(isinstance(n, ast.Matrix) for row in body.rows for e in row
                                                  for n in e.walk()):
        rows, cols = len(body.rows), len(body.rows[0]) if body.rows else 0
        if rows and all(len(r) == cols for r in body.rows):
            diagonal = rows == cols > 1 and all(_is_zero(e) for r, row in enumerate(body.rows)
                                                for c, e in enumerate(row) if r != c)
            kind = names.kinds.setdefault(key, Kind(rows, cols, diagonal=diagonal))
            if (kind.rows, kind.cols) != (rows, cols):
                names.ambiguous.add(key)  # the letter reused for a matrix of another size: never drawn


def _is_zero(node: ast.Expr) -> bool:
    return isinstance(node, ast.Number) and node.value in ("0", "0.0")


def _mark(names: ArrayNames, letter: str, diagonal: bool = False, invertible: bool = False) -> None:
    for key, kind in list(names.kinds.items()):
        if isinstance(key, ast.Symbol) and key.name.lstrip("\\") == letter and not kind.vector:
            names.kinds[key] = replace(kind, diagonal=kind.diagonal or diagonal,
                                       invertible=kind.invertible or invertible)
