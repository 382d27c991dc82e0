"""A formula's parse in plain words, for people: `\\frac{a}{b}` is "the fraction of a over b".

Used by `veritex check --explain` and wherever a message must name part of a formula; it never
shows the parser's own tree.
"""

from __future__ import annotations

from . import ast

RELATIONS = {"=": "equals", "def": "is defined as", "approx": "is approximately", "propto": "is proportional to",
             "sim": "is distributed as", "le": "is at most", "lt": "is less than", "ge": "is at least",
             "gt": "is greater than", "ne": "differs from", "update": "is updated to", "in": "is in",
             "notin": "is not in"}
_BINARY = {"-": "the difference of {} and {}", "pm": "{} plus or minus {}", "mp": "{} minus or plus {}",
           "odot": "the elementwise product of {} and {}", "otimes": "the Kronecker product of {} and {}",
           "circ": "{} composed with {}", "/": "the quotient of {} by {}", "given": "{} given {}",
           "parallel": "{} against {}", ";": "{} with parameters {}"}
_PRODUCTS = frozenset({"cdot", "times", "ast"})
_BIG = {"sum": "the sum", "prod": "the product", "max": "the maximum", "min": "the minimum",
        "argmax": "the argmax", "argmin": "the argmin"}
_ACCENTS = {"star": "star", "hat": "hat", "bar": "bar", "tilde": "tilde", "vec": "vector", "dot": "dot",
            "ddot": "double dot"}
_ORDINALS = {1: "", 2: "second ", 3: "third "}


def words(node: ast.Node) -> str:
    """The plain-words reading of an expression, statement or whole formula."""
    if isinstance(node, ast.Formula):
        return "; ".join(words(s) for s in (*node.statements, *node.shapes))
    if isinstance(node, ast.Statement):
        return _statement(node)
    if isinstance(node, ast.ShapeDecl):
        dims = " by ".join(words(d) for d in node.dims)
        where = f"an array of {dims} numbers in {node.domain}" if dims else f"a number in {node.domain}"
        return f"{_join([words(t) for t in node.targets])} {'is' if len(node.targets) == 1 else 'are'} {where}"
    if isinstance(node, ast.Condition):
        return node.keyword if node.body is None else f"{node.keyword} {words(node.body)}"
    if isinstance(node, ast.CaseRow):
        conditions = " and ".join(words(c) for c in node.conditions)
        return f"{words(node.value)} {conditions}".rstrip()
    return _expr(node) if isinstance(node, ast.Expr) else type(node).__name__.lower()


def _statement(node: ast.Statement) -> str:
    out = words(node.sides[0])
    for relation, side in zip(node.relations, node.sides[1:], strict=True):
        out += f" {RELATIONS.get(relation, relation)} {words(side)}"
    for condition in node.conditions:
        out += f", {words(condition)}"
    return out


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def name(node: ast.Symbol) -> str:
    """A symbol as a reader says it: `\\alpha` is "alpha", `\\hat{y}` is "y hat"."""
    out = node.name.lstrip("\\")
    for accent in node.accents:
        out += " " + _ACCENTS.get(accent, accent)
    return out


def _flat(node: ast.Expr, kind: str) -> list[ast.Expr]:
    """Operands of a chain of the same operation (`a + b + c`), in order."""
    if kind == "+" and isinstance(node, ast.BinOp) and node.op == "+":
        return _flat(node.left, kind) + _flat(node.right, kind)
    if kind == "*" and isinstance(node, ast.BinOp) and node.op in _PRODUCTS:
        return _flat(node.left, kind) + _flat(node.right, kind)
    if kind == "*" and isinstance(node, ast.Juxt):
        return [f for factor in node.factors for f in _flat(factor, kind)]
    return [node]


def _expr(node: ast.Expr) -> str:  # noqa: PLR0911, PLR0912 -- one case per node type
    if isinstance(node, ast.Number):
        return node.value
    if isinstance(node, ast.Symbol):
        return name(node)
    if isinstance(node, ast.Dots):
        return "…"
    if isinstance(node, ast.Placeholder):
        return "·"
    if isinstance(node, ast.Subscript):
        return f"{words(node.base)} sub {words(node.index)}"
    if isinstance(node, ast.Power):
        if isinstance(node.exponent, ast.Number) and node.exponent.value in ("2", "3"):
            return f"{_operand(node.base)} {'squared' if node.exponent.value == '2' else 'cubed'}"
        return f"{_operand(node.base)} to the power {words(node.exponent)}"
    if isinstance(node, ast.SuperIndex):
        return f"{words(node.base)} sup {words(node.index)}"
    if isinstance(node, ast.Transpose):
        return f"the transpose of {words(node.operand)}"
    if isinstance(node, ast.Prime):
        return f"{words(node.operand)} {'prime' if node.order == 1 else f'prime {node.order} times'}"
    if isinstance(node, ast.Factorial):
        return f"the factorial of {words(node.operand)}"
    if isinstance(node, ast.Percent):
        return f"{words(node.operand)} percent"
    if isinstance(node, ast.Neg):
        return f"minus {_operand(node.operand)}"
    if isinstance(node, ast.BinOp):
        if node.op == "+":
            return f"the sum of {_join([words(p) for p in _flat(node, '+')])}"
        if node.op in _PRODUCTS:
            return f"the product of {_join([words(p) for p in _flat(node, '*')])}"
        return _BINARY.get(node.op, "{} " + node.op + " {}").format(words(node.left), words(node.right))
    if isinstance(node, ast.Juxt):
        return f"the product of {_join([words(p) for p in _flat(node, '*')])}"
    if isinstance(node, ast.Frac):
        return f"the fraction of {words(node.numerator)} over {words(node.denominator)}"
    if isinstance(node, ast.Sqrt):
        root = "the square root" if node.index is None else f"the root of order {words(node.index)}"
        return f"{root} of {words(node.radicand)}"
    return _structure(node)


def _operand(node: ast.Expr) -> str:
    """An operand that is itself a compound reads in parentheses, so that the words stay unambiguous."""
    text = words(node)
    return f"({text})" if isinstance(node, ast.BinOp | ast.Juxt | ast.Neg | ast.Frac) else text


def _structure(node: ast.Expr) -> str:  # noqa: PLR0911, PLR0912 -- one case per node type
    if isinstance(node, ast.Apply):
        return f"{words(node.function)} applied to {_join([words(a) for a in node.args])}"
    if isinstance(node, ast.BigOp):
        return _big(node)
    if isinstance(node, ast.Derivative):
        order = sum(node.orders)
        kind = "partial derivative" if node.partial else "derivative"
        by = _join([words(v) for v in node.variables])
        return f"the {_ORDINALS.get(order, f'order-{order} ')}{kind} of {words(node.body)} with respect to {by}"
    if isinstance(node, ast.Gradient):
        by = f" with respect to {words(node.wrt)}" if node.wrt is not None else ""
        return f"the gradient of {words(node.body)}{by}"
    if isinstance(node, ast.Integral):
        over = f" over {words(node.region)}" if node.region is not None else _range(node.lower, node.upper)
        return f"the integral{over} of {words(node.body)} with respect to {words(node.variable)}"
    if isinstance(node, ast.Evaluated):
        return f"{words(node.body)} evaluated at {_join([words(s) for s in node.at])}"
    if isinstance(node, ast.Expectation):
        under = f" under {words(node.under)}" if node.under is not None else ""
        return f"the expectation of {words(node.body)}{under}"
    if isinstance(node, ast.Abs):
        return f"the absolute value of {words(node.body)}"
    if isinstance(node, ast.Norm):
        which = f"{words(node.order)}-" if node.order is not None else ""
        return f"the {which}norm of {words(node.body)}"
    if isinstance(node, ast.Floor | ast.Ceil):
        return f"the {'floor' if isinstance(node, ast.Floor) else 'ceiling'} of {words(node.body)}"
    if isinstance(node, ast.Tuple):
        return f"({', '.join(words(i) for i in node.items)})"
    if isinstance(node, ast.SetOf):
        return f"the set of {_join([words(i) for i in node.items])}"
    if isinstance(node, ast.SetBuilder):
        return f"the set of {words(node.element)} such that {words(node.condition)}"
    if isinstance(node, ast.Family):
        return f"the family of {words(node.body)} over {words(node.index)}{_range(node.lower, node.upper)}"
    if isinstance(node, ast.Matrix):
        rows = "; ".join(", ".join(words(c) for c in row) for row in node.rows)
        width = max((len(r) for r in node.rows), default=0)
        return f"the {len(node.rows)}×{width} matrix with rows [{rows}]"
    if isinstance(node, ast.Cases):
        return "by cases: " + "; ".join(words(r) for r in node.rows)
    if isinstance(node, ast.Accent):
        return f"{words(node.body)} {_ACCENTS.get(node.kind, node.kind)}"
    if isinstance(node, ast.Styled):
        return words(node.body)
    return type(node).__name__.lower()


def _range(lower: ast.Expr | None, upper: ast.Expr | None) -> str:
    out = f" from {words(lower)}" if lower is not None else ""
    return out + (f" to {words(upper)}" if upper is not None else "")


def _big(node: ast.BigOp) -> str:
    head = _BIG.get(node.op, f"the {node.op}")
    if node.index is None:
        over = " (no range stated)"
    elif node.domain is not None:
        over = f" over {words(node.index)} in {words(node.domain)}"
    else:
        over = f" over {words(node.index)}{_range(node.lower, node.upper)}"
    return f"{head}{over} of {words(node.body)}"
