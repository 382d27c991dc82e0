"""The probability distributions a document gives: a displayed `p(x) = ...` that the sentence leading into
it calls a density (p.d.f.) or a probability mass function, with its support and its parameters' domains
as the formula and the prose around it state them.

Only certain readings are kept: one argument (`p(x)`, `p(x; \\theta)`, `f_X(x)`), a single equation, every
other symbol a parameter that is drawn from its stated domain. SymPy is imported only once a candidate is
found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from veritex.math import MathSyntaxError, ast, parse
from veritex.model import Math

from .context import CrossContext
from .sentences import Stream, stream_of

if TYPE_CHECKING:
    import sympy

_MASS = r"pmf|p\.m\.f\.?|probability mass function|mass function"
_DENSITY = r"p\.d\.f\.?|pdf|probability density(?: function)?|density(?: function)?"
_ANY = re.compile(rf"\b(?:{_MASS}|{_DENSITY})", re.IGNORECASE)
# The sentence must end on the name: "... which has PMF:", "with p.d.f. given by", "its density is".
_LEAD = re.compile(rf"\b(?P<name>{_MASS}|{_DENSITY})(?:\s+(?:is|is given by|given by|defined by|as follows|"
                   rf"of the form|equal to|reads|written))?\s*[:,]?\s*$", re.IGNORECASE)
# A density only up to a constant, or of another quantity, is not claimed to integrate to one.
_NOT_NORMALISED = re.compile(r"proportional|unnormali[sz]ed|up to|\blog\b|log-|kernel|cumulative|\bcdf\b|"
                             r"joint|conditional|posterior|prior|energy|spectral|power|charge|mass density",
                             re.IGNORECASE)
_HEAD_LETTER = re.compile(r"\s*([A-Za-z])(?:_\{?\w+\}?)?\s*\(")
# The gamma and beta functions, read as functions wherever a density applies them.
SPECIAL_FUNCTIONS = frozenset({"\\Gamma", "B", "\\operatorname{B}", "\\mathrm{B}"})


@dataclass
class Support:
    """Where the variable lives: an interval of reals, or consecutive integers `low, low+1, ..., high`
    (`high` may be infinite); bounds may hold parameters (`\\{0, \\ldots, n\\}`). `stated`: said by the
    document; otherwise the check tries the usual supports."""

    discrete: bool
    low: sympy.Expr
    high: sympy.Expr
    stated: bool = True

    def describe(self) -> str:
        low, high = _show(self.low), _show(self.high)
        if self.discrete:
            if high == "∞":
                return f"{{{low}, {_show(self.low + 1)}, {_show(self.low + 2)}, …}}"
            return f"{{{low}, …, {high}}}"
        return f"[{low}, {high}]" if high != "∞" else f"[{low}, ∞)" if low != "-∞" else "the whole line"


def _show(value: sympy.Expr) -> str:
    text = str(value)
    return {"oo": "∞", "-oo": "-∞"}.get(text, text)


@dataclass
class Domain:
    low: float
    high: float
    integer: bool = False
    stated: bool = True


@dataclass
class Distribution:
    math: Math
    index: int  # its place in the document's stream of formulas
    tex_name: str  # the function as written: "p(i)"
    kind: str  # "density" or "mass"
    variable: sympy.Symbol
    expr: sympy.Expr
    support: Support
    domains: dict[sympy.Symbol, Domain] = field(default_factory=dict)

    @property
    def parameters(self) -> list[sympy.Symbol]:
        return sorted(self.expr.free_symbols - {self.variable}, key=lambda s: s.name)


def candidates(context: CrossContext) -> list[Distribution]:
    """The densities and mass functions the document names, in document order (kept per context)."""
    cached = getattr(context, "_distributions", None)
    if cached is not None:
        return list(cached)
    found: list[Distribution] = []
    if any(_ANY.search(cell.source) for cell in context.markdown_cells()):
        stream = stream_of(context.doc)
        macros = context.doc.meta.macros
        for k, math in enumerate(stream.maths):
            if math.display:
                dist = _read(stream, k, macros)
                if dist is not None:
                    found.append(dist)
    context._distributions = found  # type: ignore[attr-defined]
    return list(found)


def _read(stream: Stream, k: int, macros: dict[str, str]) -> Distribution | None:
    math = stream.maths[k]
    sentence, inline = stream.sentence_before(k)
    lead = _LEAD.search(sentence)
    if lead is None or _NOT_NORMALISED.search(sentence):
        return None
    kind = "mass" if re.fullmatch(_MASS, lead.group("name"), re.IGNORECASE) else "density"
    letter = _HEAD_LETTER.match(math.tex)  # the prose names it a function: `m(k)` is m applied to k
    functions = SPECIAL_FUNCTIONS | ({letter.group(1)} if letter else set())
    try:
        formula = parse(math.tex, macros=macros, functions=functions)
    except MathSyntaxError:
        return None
    head = _head(formula)
    if head is None:
        return None
    apply, rhs, extra = head
    variable = _variable(apply)
    if variable is None or any(isinstance(n, ast.Symbol) and n.font not in (None, "it", "mathit", "op", "rm")
                               for n in rhs.walk()):
        return None
    after, inline_after = stream.prose_after(k, 3)
    return _build(math, k, apply, variable, rhs, extra, kind, sentence, inline, inline_after, macros)


def _head(formula: ast.Formula) -> tuple[ast.Apply, ast.Expr, list[ast.Statement]] | None:
    """`p(x) = rhs` as the formula's first statement, and the statements and conditions after it."""
    if not formula.statements:
        return None
    first, *rest = formula.statements
    if tuple(first.relations) != ("=",) or not isinstance(first.sides[0], ast.Apply):
        return None
    apply = first.sides[0]
    function = apply.function
    if isinstance(function, ast.Subscript):
        function = function.base
    if not isinstance(function, ast.Symbol) or function.font in ("op", "text") or len(apply.args) != 1:
        return None
    extra = [*rest, *(c.body for c in first.conditions if isinstance(c.body, ast.Statement))]
    return apply, first.sides[1], extra


def _variable(apply: ast.Apply) -> ast.Symbol | None:
    arg = apply.args[0]
    if isinstance(arg, ast.BinOp) and arg.op in (";", "given"):
        arg = arg.left
    # A bold or calligraphic argument is a vector or a set: not a density on the line.
    return arg if isinstance(arg, ast.Symbol) and arg.font in (None, "it", "mathit") else None


def _build(math: Math, k: int, apply: ast.Apply, variable: ast.Symbol, rhs: ast.Expr,
           extra: list[ast.Statement], kind: str, sentence: str, inline: list[Math],
           inline_after: list[Math], macros: dict[str, str]) -> Distribution | None:
    from veritex.math import Uninterpretable

    from .symbolic import translate

    try:
        var = translate(variable)
        expr = translate(rhs)
    except (Uninterpretable, ValueError, TypeError):
        return None
    if not _plain(expr, var):
        return None
    support = _support(extra, var, kind, sentence, inline, macros)
    if support is None:
        return None
    if not support.stated and any(_mentions(m, variable, macros) for m in inline_after):
        return None  # "for $x$ in ...", "where $x > 1$": a support said after it, in a form not read here
    domains = _domains([*inline, *inline_after], macros, {var})
    domains.update({s: Domain(2, 6, integer=True) for s in support.high.free_symbols if s not in domains})
    for s in expr.free_symbols - {var}:
        if s not in domains:
            domains[s] = Domain(0.0, float("inf"), stated=False)
    name = f"{_tex_name(apply)}"
    return Distribution(math, k, name, kind, var, expr, support, domains)


def _mentions(math: Math, variable: ast.Symbol, macros: dict[str, str]) -> bool:
    try:
        formula = parse(math.tex, macros=macros)
    except MathSyntaxError:
        return True
    return any(n == variable for n in formula.walk())


def _tex_name(apply: ast.Apply) -> str:
    from veritex.derivations.astutil import display_name

    return f"{display_name(apply.function)}({display_name(apply.args[0])})"


_KNOWN_FUNCTIONS = frozenset({"exp", "log", "gamma", "beta", "factorial", "Abs", "erf", "erfc", "binomial",
                              "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh"})


def _plain(expr: sympy.Expr, var: sympy.Symbol) -> bool:
    """Only numbers, the variable, parameters named by single letters and known functions: nothing left
    undefined, nothing indexed, no normalising constant written as a capital letter."""
    import sympy
    from sympy.core.function import AppliedUndef

    if expr.atoms(AppliedUndef, sympy.Indexed, sympy.Derivative, sympy.Integral, sympy.Sum):
        return False
    if any(type(f).__name__ not in _KNOWN_FUNCTIONS for f in expr.atoms(sympy.Function)):
        return False
    for s in expr.free_symbols:
        if s == var:
            continue
        name = s.name
        if name[:1].isupper() or "_" in name and not name.split("_")[0][:1].islower():
            return False
    return True


# ---- supports -----------------------------------------------------------------------------------------


def _support(extra: list[ast.Statement], var: sympy.Symbol, kind: str, sentence: str, inline: list[Math],
             macros: dict[str, str]) -> Support | None:
    """The support the formula or its lead-in states; the usual one, marked unstated, when none is."""
    import sympy

    discrete = kind == "mass"
    for statement in extra:
        found = _support_of(statement, var, discrete, extra)
        if found is not None:
            return found
    for math in inline:  # "on $S = \{0, 1, \ldots\}$", "a distribution on $(0, \infty)$"
        try:
            formula = parse(math.tex, macros=macros)
        except MathSyntaxError:
            continue
        for statement in formula.statements:
            side = statement.sides[-1]
            if isinstance(side, ast.SetOf) and discrete:
                found = _integer_run(list(side.items))
                if found is not None:
                    return found
            if isinstance(side, ast.Tuple) and len(side.items) == 2 and not discrete \
                    and len(statement.sides) == 1:
                bounds = _bounds(side.items)
                if bounds is not None:
                    return Support(False, *bounds)
    if any(True for _ in _RANGES.finditer(sentence)):  # a range said in words: not one read here
        return None
    return Support(discrete, sympy.Integer(0) if discrete else -sympy.oo, sympy.oo, stated=False)


_RANGES = re.compile(r"\b(?:on|over|supported|support|for|between|interval)\b", re.IGNORECASE)


def _support_of(statement: ast.Statement, var: sympy.Symbol, discrete: bool,
                extra: list[ast.Statement]) -> Support | None:
    import sympy

    from .symbolic import translate

    sides, relations = statement.sides, tuple(statement.relations)
    try:
        values = [None if isinstance(s, ast.Tuple | ast.SetOf) else translate(s) for s in sides]
    except Exception:  # noqa: BLE001 - a side that cannot be read states no support
        return None
    if var not in values:
        return None
    at = values.index(var)
    if relations == ("in",) and at == 0:
        target = sides[1]
        if isinstance(target, ast.Tuple) and len(target.items) == 2:
            bounds = _bounds(target.items)
            return Support(discrete, *bounds) if bounds is not None else None
        if isinstance(target, ast.SetOf) and discrete:
            return _integer_run(list(target.items))
        return None
    if relations == ("=",) and at == 0 and discrete:  # `i = 0, 1, 2, \ldots` parsed as separate pieces
        rest = extra[extra.index(statement) + 1:] if statement in extra else []
        items: list[ast.Expr] = [sides[1]]
        for other in rest:
            if len(other.sides) != 1:
                break
            items.append(other.sides[0])
        return _integer_run(items)
    order = {"ge": 1, "gt": 1, "le": -1, "lt": -1}
    if len(relations) == 1 and relations[0] in order and len(values) == 2:
        bound = values[1 - at]
        if bound is None or bound.free_symbols or not bound.is_real:
            return None
        upward = order[relations[0]] == (1 if at == 0 else -1)
        return Support(discrete, bound, sympy.oo) if upward else Support(discrete, -sympy.oo, bound)
    if len(relations) == 2 and at == 1 and all(r in ("le", "lt") for r in relations):
        low, high = values[0], values[2]
        if low is None or high is None or low.free_symbols or high.free_symbols:
            return None
        return Support(discrete, low, high)
    return None


def _bounds(items: tuple[ast.Expr, ...] | list[ast.Expr]) -> tuple[sympy.Expr, sympy.Expr] | None:
    import sympy

    from .symbolic import translate

    try:
        low, high = (translate(i) for i in items)
    except Exception:  # noqa: BLE001 - bounds that cannot be read state nothing
        return None
    if low.free_symbols or high.free_symbols or not (low.is_real or low == -sympy.oo) \
            or not (high.is_real or high == sympy.oo) or not bool(low < high):
        return None
    return low, high


def _integer_run(items: list[ast.Expr]) -> Support | None:
    """`0, 1, 2, \\ldots`, `0, \\ldots, n`, `0, 1`: consecutive integers from the first item."""
    import sympy

    from .symbolic import translate

    try:
        values = [None if isinstance(i, ast.Dots) else translate(i) for i in items]
    except Exception:  # noqa: BLE001 - items that cannot be read state nothing
        return None
    if not values or values[0] is None or not values[0].is_integer:
        return None
    low = values[0]
    if values[-1] is None:  # ends on dots: infinite
        if any(v is not None and v != low + j for j, v in enumerate(values[:-1])):
            return None
        return Support(True, low, sympy.oo)
    dots = [j for j, v in enumerate(values) if v is None]
    if len(dots) > 1:
        return None
    head = values[:dots[0]] if dots else values
    if any(v != low + j for j, v in enumerate(head)):
        return None
    high = values[-1]
    if dots and not (high.is_integer or (high.is_Symbol and len(high.name) == 1)):
        return None
    return Support(True, low, high)


# ---- parameters ---------------------------------------------------------------------------------------


def _domains(inline: list[Math], macros: dict[str, str], skip: set[sympy.Symbol]) -> dict[sympy.Symbol, Domain]:
    """Domains the prose states for single symbols: `\\theta \\in [0,1]`, `\\lambda > 0`, `\\mu \\in
    \\mathbb R`, `0 < p < 1`."""
    import sympy

    from .symbolic import translate

    out: dict[sympy.Symbol, Domain] = {}
    for math in inline:
        try:
            formula = parse(math.tex, macros=macros)
        except MathSyntaxError:
            continue
        for decl in formula.shapes:  # `\mu \in \mathbb R`
            if decl.domain == "R" and not decl.dims and len(decl.targets) == 1:
                try:
                    target = translate(decl.targets[0])
                except Exception:  # noqa: BLE001 - a name that cannot be read states no domain
                    continue
                if isinstance(target, sympy.Symbol) and target not in skip:
                    out[target] = Domain(float("-inf"), float("inf"))
        for statement in formula.statements:
            try:
                values = [None if isinstance(s, ast.Tuple) else translate(s) for s in statement.sides]
            except Exception:  # noqa: BLE001 - a statement that cannot be read states no domain
                continue
            relations = tuple(statement.relations)
            symbols = [v for v in values if isinstance(v, sympy.Symbol) and v not in skip]
            if len(symbols) != 1:
                continue
            s = symbols[0]
            at = values.index(s)
            if relations == ("in",) and at == 0:
                if isinstance(statement.sides[1], ast.Tuple) and len(statement.sides[1].items) == 2:
                    bounds = _bounds(statement.sides[1].items)
                    if bounds is not None:
                        out[s] = Domain(float(bounds[0]), float(bounds[1]))
            elif len(relations) == 1 and relations[0] in ("gt", "ge", "lt", "le") and len(values) == 2:
                other = values[1 - at]
                if other is None or other.free_symbols or not other.is_real:
                    continue
                upward = relations[0] in ("gt", "ge") if at == 0 else relations[0] in ("lt", "le")
                out[s] = Domain(float(other), float("inf")) if upward else Domain(float("-inf"), float(other))
            elif len(relations) == 2 and at == 1 and all(r in ("lt", "le") for r in relations):
                low, high = values[0], values[2]
                if low is None or high is None or low.free_symbols or high.free_symbols:
                    continue
                out[s] = Domain(float(low), float(high))
    return out
