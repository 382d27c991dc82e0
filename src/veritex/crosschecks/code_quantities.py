"""The quantities a Python code cell computes, read with Python's `ast` (never executed): module-level
assignments (`y = np.sin(2 * x)`), the values a function returns (`def f(z): x1 = ...; return x1, x2`),
and a function's own value (`def sigma(z): return 1 / (1 + np.exp(-z))`).

Only straight-line arithmetic on scalars is kept: operators, `**`, number literals, the elementwise
functions of NumPy, `math` and PyTorch, `np.pi` and `np.e`. Anything else (a matrix product, an
index, a method call, a loop, a branch) leaves the quantity out: a reading that is not certain says
nothing. Nothing here imports SymPy; `code_sympy` translates a quantity once a formula links to it.
"""

from __future__ import annotations

import ast as pyast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from veritex.model import CodeCell

if TYPE_CHECKING:
    import sympy

MODULES = frozenset({"np", "numpy", "math", "torch", "jnp", "tf"})
# Elementwise functions and the SymPy function each is (by name, resolved when translating).
FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "log": "log", "sqrt": "sqrt", "tanh": "tanh",
    "sinh": "sinh", "cosh": "cosh", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "asin": "asin",
    "acos": "acos", "atan": "atan", "abs": "Abs", "fabs": "Abs", "absolute": "Abs", "log2": "log2",
    "log10": "log10", "log1p": "log1p", "expm1": "expm1", "square": "square", "power": "power", "pow": "power",
    "sigmoid": "sigmoid", "reciprocal": "reciprocal", "maximum": "Max", "minimum": "Min", "relu": "relu",
}
BUILTINS = frozenset({"abs", "pow"})
MAX_LITERAL_EXPONENT = 64
CONSTANTS = frozenset({"pi", "e"})
# A cell that leaves code for the reader to write: its quantities are placeholders, not the model.
PLACEHOLDER = re.compile(r"\bTODO\b|\btodo\b|[Rr]eplace this|[Yy]our code|YOUR CODE|\bFILL ?ME\b|\bFILL IN\b")


@dataclass(frozen=True)
class CodeQuantity:
    name: str  # the Python name of the quantity (a variable, or the function itself)
    # What it computes, with the names it depends on: as written, then with the earlier assignments of
    # its function (or its cell) followed (`s = 1.5 * t; r = np.exp(-s)` is also `np.exp(-1.5 * t)`).
    readings: tuple[tuple[pyast.expr, frozenset[str]], ...]
    cell: CodeCell
    line: int  # the line where it is computed (of the document, or of its notebook cell)
    function: str | None = None  # the function it is computed in
    params: tuple[str, ...] = ()  # the function's parameters, for a function's own value
    is_function: bool = False  # the function's own value (`def f(z): return ...`)
    text: str = field(default="", compare=False)  # the code as written, for messages

    def where(self) -> str:
        pos = self.cell.position
        return f"the code in cell {pos.cell}" if pos.cell is not None else f"the code at line {self.line}"

    def shape(self) -> str:
        """What it computes, the modules left out: two cells computing the same thing in NumPy and in
        PyTorch compute one expression."""
        return _MODULE_PREFIX.sub("", pyast.unparse(self.readings[-1][0]))


_MODULE_PREFIX = re.compile(r"\b(?:" + "|".join(sorted(MODULES)) + r")\.")


class Unreadable(Exception):
    """Code this reading does not translate with certainty."""


@dataclass(frozen=True)
class UserFunction:
    """A function the document's code defines as one straight-line expression of its parameters."""

    params: tuple[str, ...]
    expr: pyast.expr


def cell_quantities(cell: CodeCell, functions: dict[str, UserFunction] | None = None) -> list[CodeQuantity]:
    """Every quantity the cell computes that this reading can translate. `functions`: the functions
    defined by the cells before, whose calls are read as their bodies; the cell's own are added to it."""
    functions = {} if functions is None else functions
    if PLACEHOLDER.search(cell.source):
        return []  # an exercise: what it computes is a stand-in for what the reader is to write
    try:
        tree = pyast.parse(cell.source)
    except (SyntaxError, ValueError):
        return []
    lines = cell.source.splitlines()
    out: list[CodeQuantity] = []
    earlier: dict[str, pyast.expr] = {}  # the cell's own earlier assignments, to follow
    for node in tree.body:
        if isinstance(node, pyast.FunctionDef):
            functions.pop(node.name, None)
            out.extend(_function_quantities(node, cell, lines, functions))
        elif isinstance(node, pyast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            pairs = (list(zip(target.elts, value.elts, strict=True))
                     if isinstance(target, pyast.Tuple) and isinstance(value, pyast.Tuple)
                     and len(target.elts) == len(value.elts) else [(target, value)])
            followed = [_inline(its, earlier) for _, its in pairs]
            for (one, its), its_followed in zip(pairs, followed, strict=True):
                if isinstance(one, pyast.Name):
                    out.extend(_quantity(one.id, its, its_followed, cell, lines, node.lineno, None, (), functions))
            for name in _assigned_names(node):
                earlier.pop(name, None)
                functions.pop(name, None)
            for (one, _), its_followed in zip(pairs, followed, strict=True):
                if isinstance(one, pyast.Name) and _readable(its_followed):
                    earlier[one.id] = its_followed
        else:
            for name in _assigned_names(node):
                earlier.pop(name, None)  # bound some other way: no longer what the earlier line says
                functions.pop(name, None)
    return out


def _readable(expr: pyast.expr) -> bool:
    try:
        free_names(expr)
    except Unreadable:
        return False
    return True


def _assigned_names(node: pyast.AST) -> set[str]:
    return {n.id for n in pyast.walk(node) if isinstance(n, pyast.Name) and isinstance(n.ctx, pyast.Store)}


def _function_quantities(fn: pyast.FunctionDef, cell: CodeCell, lines: list[str],
                         functions: dict[str, UserFunction]) -> list[CodeQuantity]:
    args = fn.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or fn.decorator_list:
        return []
    params = tuple(a.arg for a in args.args)
    body = list(fn.body)
    if body and isinstance(body[0], pyast.Expr) and isinstance(body[0].value, pyast.Constant):
        body = body[1:]  # the docstring
    if not body or not isinstance(body[-1], pyast.Return) or body[-1].value is None:
        return []
    written: dict[str, pyast.expr] = {}
    local: dict[str, pyast.expr] = {}
    for statement in body[:-1]:
        if isinstance(statement, pyast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], pyast.Name):
            name = statement.targets[0].id
            written[name] = statement.value
            local[name] = _inline(statement.value, local)
        elif isinstance(statement, pyast.AugAssign) and isinstance(statement.target, pyast.Name) \
                and statement.target.id in local:
            name = statement.target.id
            written.pop(name, None)
            local[name] = pyast.BinOp(local[name], statement.op, _inline(statement.value, local))
        else:
            return []  # a loop, a branch, a call for its effect: not straight-line arithmetic
    returned = body[-1].value
    assert returned is not None
    out: list[CodeQuantity] = []
    for name in local:  # every value the function computes, returned or on the way
        if name not in params:
            out.extend(_quantity(name, written.get(name, local[name]), local[name], cell, lines,
                                 _line_of(body, name), fn.name, params, functions))
    if not isinstance(returned, pyast.Tuple):
        value = _expand(_inline(returned, local), functions)
        out.extend(_quantity(fn.name, returned, value, cell, lines, returned.lineno, fn.name, params, functions,
                             is_function=True))
        if _readable(value) and not _assigned_names(fn) & set(params):
            functions[fn.name] = UserFunction(params, value)
    return out


def _line_of(body: list[pyast.stmt], name: str) -> int:
    line = body[-1].lineno
    for statement in body:
        if isinstance(statement, pyast.Assign | pyast.AugAssign):
            target = statement.targets[0] if isinstance(statement, pyast.Assign) else statement.target
            if isinstance(target, pyast.Name) and target.id == name:
                line = statement.lineno
    return line


def _quantity(name: str, written: pyast.expr, followed: pyast.expr, cell: CodeCell, lines: list[str],
              line: int, function: str | None, params: tuple[str, ...], functions: Mapping[str, UserFunction], *,
              is_function: bool = False) -> Iterator[CodeQuantity]:
    readings: list[tuple[pyast.expr, frozenset[str]]] = []
    for expr in (_expand(written, functions), _expand(followed, functions)):
        try:
            free = frozenset(free_names(expr))
        except Unreadable:
            continue
        # A literal is a value (read elsewhere); `x = x + 1` is an update, not a definition.
        if free and name not in free and all(free != f for _, f in readings):
            readings.append((expr, free))
    if not readings:
        return
    if is_function:
        text = f"def {name}({', '.join(params)}): return {pyast.unparse(written)}"
    else:
        text = lines[line - 1].split("#", 1)[0].strip().rstrip(";").strip() if 0 < line <= len(lines) else ""
    yield CodeQuantity(name, tuple(readings), cell, cell.position.line + line - 1, function, params,
                       is_function, text)


class _Inliner(pyast.NodeTransformer):
    def __init__(self, local: Mapping[str, pyast.expr]) -> None:
        self.local = local

    def visit_Name(self, node: pyast.Name) -> pyast.expr:
        return self.local.get(node.id, node)


def _inline(expr: pyast.expr, local: Mapping[str, pyast.expr]) -> pyast.expr:
    """`expr` with the function's earlier local assignments put in place of their names."""
    if not local:
        return expr
    copy = pyast.parse(pyast.unparse(expr), mode="eval").body
    return _Inliner(local).visit(copy)  # type: ignore[no-any-return]


class _Expander(pyast.NodeTransformer):
    def __init__(self, functions: Mapping[str, UserFunction]) -> None:
        self.functions = functions

    def visit_Call(self, node: pyast.Call) -> pyast.expr:
        self.generic_visit(node)
        called = self.functions.get(node.func.id) if isinstance(node.func, pyast.Name) else None
        if called is None or node.keywords or len(node.args) != len(called.params) \
                or any(isinstance(a, pyast.Starred) for a in node.args):
            return node
        return _inline(called.expr, dict(zip(called.params, node.args, strict=True)))


def _expand(expr: pyast.expr, functions: Mapping[str, UserFunction]) -> pyast.expr:
    """`expr` with each call of a function the document defined before replaced by its body."""
    if not functions or not any(isinstance(n, pyast.Call) and isinstance(n.func, pyast.Name)
                                and n.func.id in functions for n in pyast.walk(expr)):
        return expr
    copy = pyast.parse(pyast.unparse(expr), mode="eval").body
    return _Expander(functions).visit(copy)  # type: ignore[no-any-return]


def free_names(expr: pyast.expr) -> set[str]:
    """The names an expression depends on; Unreadable where it is not scalar arithmetic."""
    out: set[str] = set()
    _walk(expr, out)
    return out


def _walk(node: pyast.expr, out: set[str]) -> None:
    if isinstance(node, pyast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise Unreadable
    elif isinstance(node, pyast.Name):
        if node.id in MODULES:
            raise Unreadable
        out.add(node.id)
    elif isinstance(node, pyast.BinOp):
        if not isinstance(node.op, pyast.Add | pyast.Sub | pyast.Mult | pyast.Div | pyast.Pow):
            raise Unreadable  # `@`, `//`, `%`: not what a scalar formula writes
        _walk(node.left, out)
        _walk(node.right, out)
    elif isinstance(node, pyast.UnaryOp):
        if not isinstance(node.op, pyast.USub | pyast.UAdd):
            raise Unreadable
        _walk(node.operand, out)
    elif isinstance(node, pyast.Attribute):
        if not (_module_attribute(node) and node.attr in CONSTANTS):
            raise Unreadable
    elif isinstance(node, pyast.Call):
        if node.keywords or _function_name(node.func) is None:
            raise Unreadable
        for arg in node.args:
            _walk(arg, out)
    else:
        raise Unreadable


def _module_attribute(node: pyast.Attribute) -> bool:
    return isinstance(node.value, pyast.Name) and node.value.id in MODULES


def _function_name(func: pyast.expr) -> str | None:
    if isinstance(func, pyast.Attribute) and _module_attribute(func) and func.attr in FUNCTIONS:
        return FUNCTIONS[func.attr]
    if isinstance(func, pyast.Name) and func.id in BUILTINS:
        return FUNCTIONS[func.id]
    return None


def code_sympy(expr: pyast.expr, symbols: Mapping[str, sympy.Expr]) -> sympy.Expr:
    """The expression in SymPy, each free name replaced by `symbols[name]`; Unreadable otherwise."""
    import sympy

    def go(node: pyast.expr) -> sympy.Expr:
        if isinstance(node, pyast.Constant):
            return sympy.Rational(repr(node.value)) if isinstance(node.value, float) \
                else sympy.Integer(node.value)
        if isinstance(node, pyast.Name):
            if node.id not in symbols:
                raise Unreadable
            return symbols[node.id]
        if isinstance(node, pyast.Attribute):
            return sympy.pi if node.attr == "pi" else sympy.E
        if isinstance(node, pyast.UnaryOp):
            operand = go(node.operand)
            return -operand if isinstance(node.op, pyast.USub) else operand
        if isinstance(node, pyast.BinOp):
            left, right = go(node.left), go(node.right)
            if isinstance(node.op, pyast.Add):
                return left + right
            if isinstance(node.op, pyast.Sub):
                return left - right
            if isinstance(node.op, pyast.Mult):
                return left * right
            if isinstance(node.op, pyast.Div):
                return left / right
            if left.is_Number and right.is_Number and abs(right) > MAX_LITERAL_EXPONENT:
                raise Unreadable  # `10**10**10` computed exactly would never end
            return sympy.Pow(left, right)
        if isinstance(node, pyast.Call):
            name = _function_name(node.func)
            args = [go(a) for a in node.args]
            return _apply(name or "", args)
        raise Unreadable

    return go(expr)


def _apply(name: str, args: list[sympy.Expr]) -> sympy.Expr:
    import sympy

    unary = {"sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "exp": sympy.exp, "log": sympy.log,
             "sqrt": sympy.sqrt, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh,
             "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "Abs": sympy.Abs}
    if name in unary and len(args) == 1:
        return unary[name](args[0])  # type: ignore[no-any-return]
    if len(args) == 1:
        x = args[0]
        special = {"log2": lambda: sympy.log(x, 2), "log10": lambda: sympy.log(x, 10),
                   "log1p": lambda: sympy.log(1 + x), "expm1": lambda: sympy.exp(x) - 1,
                   "square": lambda: x**2, "sigmoid": lambda: 1 / (1 + sympy.exp(-x)),
                   "reciprocal": lambda: 1 / x}
        if name in special:
            return special[name]()  # type: ignore[no-any-return]
    if name == "power" and len(args) == 2:
        return sympy.Pow(args[0], args[1])
    if name in ("Max", "Min") and len(args) == 2:
        return sympy.Max(*args) if name == "Max" else sympy.Min(*args)
    if name == "relu" and len(args) == 1:
        return sympy.Max(0, args[0])
    raise Unreadable


_MATRIX_CALL = re.compile(r"\[\s*\[|\b(?:array|asarray|tensor|Tensor)\(\s*[\[(]\s*[\[(]"
                          r"|\b(?:eye|identity|matrix|outer|diag|inv|kron)\s*\(|@|\.T\b")
_SHAPED = frozenset({"zeros", "ones", "empty", "full", "rand", "randn", "normal", "uniform", "random", "randint"})


def matrix_names(cell: CodeCell) -> set[str]:
    """The names a cell binds to something that is (or may be) a matrix: `np.array([[...]])`, `np.eye(n)`,
    `np.zeros((n, m))`, `A @ B`, `x.reshape(...)`. Elementwise arithmetic on them is not the matrix
    arithmetic of a formula, so a link through them says nothing."""
    try:
        tree = pyast.parse(cell.source)
    except (SyntaxError, ValueError):
        return set()
    out: set[str] = set()
    for node in pyast.walk(tree):
        if isinstance(node, pyast.Assign | pyast.AnnAssign) and node.value is not None:
            text = pyast.unparse(node.value)
            nested = isinstance(node.value, pyast.Tuple | pyast.List) and any(
                isinstance(e, pyast.Tuple | pyast.List) for e in node.value.elts)
            if nested or _MATRIX_CALL.search(text) or any(_shaped(c) for c in pyast.walk(node.value)
                                                          if isinstance(c, pyast.Call)):
                targets = node.targets if isinstance(node, pyast.Assign) else [node.target]
                out.update(n.id for t in targets for n in pyast.walk(t) if isinstance(n, pyast.Name))
    return out


def _shaped(call: pyast.Call) -> bool:
    """`np.zeros((3, 4))`, `np.random.randn(3, 4)`, `rng.normal(size=(n, d))`: two dimensions or more."""
    name = call.func.attr if isinstance(call.func, pyast.Attribute) else ""
    if name not in _SHAPED:
        return False
    shapes = [*call.args[:1], *(k.value for k in call.keywords if k.arg in ("size", "shape"))]
    if any(isinstance(s, pyast.Tuple | pyast.List) and len(s.elts) >= 2 for s in shapes):
        return True
    return name in ("rand", "randn") and len(call.args) >= 2
