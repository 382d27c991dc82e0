"""Expectations, variances, covariances and correlations read as what they are.

`E[X]`, `\\mathbb{E}[X]`, `\\operatorname{Var}(X)`, `\\mathrm{Cov}(X, Y)`, `\\rho(X, Y)` (where the document
calls it a correlation), `\\mu_X` and `\\sigma_X` are moments of random variables, never products. Many
statements about them hold for every distribution (`\\operatorname{Var}(aX + b) = a^2\\operatorname{Var}(X)`):
such a statement is read here into a small term, which `moment_check` evaluates on random finite
distributions. Nothing here imports SymPy.

Which letters are random variables comes from the document: capital letters inside an expectation,
variance, covariance or correlation, or named in prose as "random variable $X$". Any other letter is a
constant, sampled as a real of either sign. A statement is read only when every part of it is understood;
anything else (a conditional expectation, an expectation under a named distribution, a sum over a pmf, a
letter the document defines) leaves it to the other checks, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from veritex.math import ast

from .astutil import display_name
from .definitions import DefinitionTable
from .precision import opening

EXPECTATION_NAMES = frozenset({"E"})
VARIANCE_NAMES = frozenset({"Var", "var", "Variance"})
COVARIANCE_NAMES = frozenset({"Cov", "cov", "Covariance"})
CORRELATION_WORDS = frozenset({"corr", "Corr", "cor", "Cor"})
DEVIATION_NAMES = frozenset({"sd", "SD", "std", "Std"})
SIGN_NAMES = frozenset({"sign", "sgn"})
_UPRIGHT = (None, "rm", "op", "text", "bb")
_WORD_FONTS = ("rm", "op", "text")


@dataclass(frozen=True)
class Term:
    """A moment statement's side: `op` is "num", "const", "rv", a moment ("E", "Var", "Cov", "corr",
    "sd") or arithmetic ("+", "*", "/", "^", "neg", "sqrt", "abs", "sign")."""

    op: str
    args: tuple[Term, ...] = ()
    name: str = ""
    value: float = 0.0

    def __str__(self) -> str:
        if self.op == "num":
            return repr(self.value)
        if self.op in ("const", "rv"):
            return self.name
        return "(" + " ".join([self.op, *map(str, self.args)]) + ")"

    def walk(self) -> Iterator[Term]:
        yield self
        for a in self.args:
            yield from a.walk()

    @property
    def random(self) -> bool:
        """A random quantity (a variable outside every moment), not a number."""
        if self.op == "rv":
            return True
        if self.op in MOMENTS:
            return False
        return any(a.random for a in self.args)


MOMENTS = frozenset({"E", "Var", "Cov", "corr", "sd"})
NEAR = 4
"""A variable defined at most this many formulas before a statement (`Y = aX + b`, then statements about
`Y`) may be put in to verify it."""


@dataclass(frozen=True)
class Pmf:
    """A probability mass function the prose states: "$X$ takes the values $x_i$ with probabilities $p_i$",
    "taking on values $(x_i, y_j)$ with probability $p_{ij}$". Sums over its indices are expectations."""

    variables: tuple[str, ...]  # `X`, `Y`
    values: tuple[str, ...]  # the letters of their values: `x`, `y`
    indices: tuple[str, ...]  # the index of each: `i`, `j`
    probability: str  # `p`


@dataclass(frozen=True)
class MomentVocabulary:
    """What a document's moment notation means: its random variables and its names for a correlation."""

    random: frozenset[str] = frozenset()  # display names: `X`, `X_1`
    correlation: frozenset[str] = frozenset()  # function names read as a correlation: `rho`, `corr`
    undefined_operators: frozenset[str] = field(default_factory=frozenset)  # operator names it defines itself
    pmfs: tuple[Pmf, ...] = ()
    first_use: tuple[tuple[str, int], ...] = ()  # the first formula applying each operator

    def used_before(self, name: str, order: int) -> bool:
        return any(n == name and k < order for n, k in self.first_use)

    def __bool__(self) -> bool:
        return bool(self.random)


@dataclass(frozen=True)
class MomentStep:
    """One equality between moment terms, with how it may be sampled and decided."""

    left: Term
    right: Term
    random: tuple[str, ...]  # the random variables, in order of appearance
    constants: tuple[str, ...]  # the letters sampled as reals of both signs
    independent: bool  # the text says the variables are independent: each is drawn on its own
    refutable: bool  # the text states the claim for any distribution, with no condition left unread
    shown: tuple[str, str] = ("", "")  # the sides as written
    pmf: Pmf | None = None  # sums over this pmf's indices appear: the variables take its values
    centered: tuple[str, ...] = ()  # variables the text gives mean zero ("assuming $\\mu_X = 0$")
    # With the variables the document defines just before (`Y = aX + b`) put in: it may verify, never refute.
    substituted: tuple[Term, Term] | None = None
    uses: tuple[str, ...] = ()  # those definitions, described

    def key(self) -> str:
        return "|".join([str(self.left), str(self.right), ",".join(self.random), ",".join(self.constants),
                         str(self.independent), str(self.refutable), *self.shown, str(self.substituted),
                         ",".join(self.uses), str(self.pmf), ",".join(self.centered)])


class Unreadable(Exception):
    """A part of the statement outside this reading."""


# -- the document's vocabulary ----------------------------------------------------------------------------

_RANDOM_IN_PROSE = re.compile(r"random\s+variables?\s*((?:\$[^$]+\$(?:\s*(?:,|and|or)\s*)?)+)", re.I)
_CORRELATION_WORD = re.compile(r"\bcorrelation", re.I)


def vocabulary(numbered: Iterable[tuple[int, ast.Formula]], prose: str, table: DefinitionTable) -> MomentVocabulary:
    """The random variables and correlation names of a document, from its formulas (each with its place in
    the document) and its prose."""
    numbered = list(numbered)
    formulas = [f for _, f in numbered]
    random: set[str] = set()
    first: dict[str, int] = {}
    correlated_by_definition = False
    for order, formula in numbered:
        for node in _nodes(formula):
            for arg in _operator_args(node):
                random.update(display_name(s) for s in _capitals(arg))
            name = _applied_name(node)
            if name is not None:
                first.setdefault(name, order)
            if isinstance(node, ast.Statement) and _defines_rho_by_covariance(node):
                correlated_by_definition = True
    for match in _RANDOM_IN_PROSE.finditer(prose):
        for tex in re.findall(r"\$([^$]+)\$", match.group(1)):
            random.update(re.findall(r"(?<![\\A-Za-z])([A-Z])(?![A-Za-z])", tex))
    random -= {"E", "P"}
    defined = {display_name(d.head) for d in table.definitions
               if d.kind == "function" and not all(_is_capital(p) for p in d.params)}
    correlation: set[str] = set()
    says_correlation = bool(_CORRELATION_WORD.search(prose))
    if says_correlation:
        correlation |= CORRELATION_WORDS - defined
    if correlated_by_definition or says_correlation and _rho_always_on_two(formulas):
        correlation.add("rho")
    own = frozenset(defined & (EXPECTATION_NAMES | VARIANCE_NAMES | COVARIANCE_NAMES))
    return MomentVocabulary(frozenset(random), frozenset(correlation), own, _pmfs(prose, random),
                            tuple(first.items()))


def _applied_name(node: ast.Node) -> str | None:
    """The operator a node applies (`Var`, `Cov`, `rho`), for the first use of each."""
    if isinstance(node, ast.Apply) and isinstance(node.function, ast.Symbol):
        return display_name(node.function)
    return None


_JOINT_PMF = re.compile(r"values?\s+\$\(\s*([a-z])_\{?([a-z])\}?\s*,\s*([a-z])_\{?([a-z])\}?\s*\)\$\s+with\s+"
                        r"probabilit(?:y|ies)\s+\$([a-z])_\{\s*([a-z])\s*,?\s*([a-z])\s*\}\$")
_PMF = re.compile(r"values?\s+\$([a-z])_\{?([a-z])\}?\$\s+with\s+probabilit(?:y|ies)\s+\$([a-z])_\{?([a-z])\}?\$")


def _pmfs(prose: str, random: set[str]) -> tuple[Pmf, ...]:
    """The pmfs the prose states for the document's random variables (a value letter's capital)."""
    out: list[Pmf] = []
    for m in _JOINT_PMF.finditer(prose):
        x, i, y, j, p, a, b = m.groups()
        if (a, b) == (i, j) and i != j and x != y and {x.upper(), y.upper()} <= random and p not in (x, y):
            out.append(Pmf((x.upper(), y.upper()), (x, y), (i, j), p))
    for m in _PMF.finditer(prose):
        x, i, p, a = m.groups()
        if a == i and x.upper() in random and p != x:
            out.append(Pmf((x.upper(),), (x,), (i,), p))
    return tuple(dict.fromkeys(out))



def _nodes(formula: ast.Formula) -> Iterator[ast.Node]:
    for statement in formula.statements:
        yield from statement.walk()


def _operator_args(node: ast.Node) -> list[ast.Expr]:
    if isinstance(node, ast.Expectation):
        return [node.body]
    if isinstance(node, ast.Apply) and isinstance(node.function, ast.Symbol) and node.function.name in (
            EXPECTATION_NAMES | VARIANCE_NAMES | COVARIANCE_NAMES | CORRELATION_WORDS | DEVIATION_NAMES):
        return list(node.args)
    if isinstance(node, ast.Juxt):
        return [b for a, b in zip(node.factors, node.factors[1:], strict=False) if _is_e(a) or _is_bb_v(a)]
    return []


def _capitals(node: ast.Expr) -> Iterator[ast.Expr]:
    for n in node.walk():
        if _is_capital(n):
            assert isinstance(n, ast.Expr)
            yield n


def _is_capital(node: ast.Node) -> bool:
    return isinstance(node, ast.Symbol) and node.font is None and not node.accents and len(node.name) == 1 \
        and node.name.isupper() and node.name not in ("E", "P")


def _defines_rho_by_covariance(statement: ast.Statement) -> bool:
    """`\\rho(X, Y) = \\frac{\\mathrm{Cov}(X, Y)}{\\sigma_X\\sigma_Y}`: the document defines rho as a correlation."""
    sides = statement.sides
    for k, side in enumerate(sides):
        if _is_rho(side) and len(side.args) == 2:  # type: ignore[attr-defined]
            others = sides[:k] + sides[k + 1:]
            if any(isinstance(n, ast.Apply) and isinstance(n.function, ast.Symbol)
                   and n.function.name in COVARIANCE_NAMES for o in others for n in o.walk()):
                return True
    return False


def _is_rho(node: ast.Node) -> bool:
    return isinstance(node, ast.Apply) and isinstance(node.function, ast.Symbol) and node.function.name == "\\rho"


def _rho_always_on_two(formulas: list[ast.Formula]) -> bool:
    """Every `\\rho(...)` of the document takes two arguments, each holding a capital letter."""
    seen = False
    for formula in formulas:
        for node in _nodes(formula):
            if isinstance(node, ast.Symbol) and node.name == "\\rho":
                seen = True
            if _is_rho(node):
                assert isinstance(node, ast.Apply)
                if len(node.args) != 2 or not all(any(True for _ in _capitals(a)) for a in node.args):
                    return False
    bare = sum(1 for f in formulas for n in _nodes(f) if isinstance(n, ast.Symbol) and n.name == "\\rho")
    applied = sum(1 for f in formulas for n in _nodes(f) if _is_rho(n))
    return seen and bare == applied  # a bare `\rho` elsewhere is something else (a density, a rate)


def _is_bb_v(node: ast.Node) -> bool:
    return isinstance(node, ast.Symbol) and node.name == "V" and node.font == "bb"


def _is_e(node: ast.Node) -> bool:
    return isinstance(node, ast.Symbol) and node.name in EXPECTATION_NAMES and node.font in _UPRIGHT \
        and not node.accents


def mentions_moments(formula: ast.Formula) -> bool:
    """Cheap test: an operator that may be a moment appears in the formula."""
    return any(_operator_args(n) or _is_moment_subscript(n) or _is_rho(n) for n in _nodes(formula))


def _is_moment_subscript(node: ast.Node) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.base, ast.Symbol) \
        and node.base.name in ("\\mu", "\\sigma") and any(True for _ in _capitals(node.index))


# -- reading a statement ----------------------------------------------------------------------------------


class Reader:
    """Reads sides of one statement written `tex` into terms; raises `Unreadable` on anything else."""

    def __init__(self, words: MomentVocabulary, tex: str, table: DefinitionTable | None = None,
                 order: int = 0, substitute: bool = False) -> None:
        self.words = words
        self.substitute = substitute
        self.uses: list[str] = []
        self.tex = tex
        self.table = table
        self.order = order
        self.random: list[str] = []
        self.inside: list[str] = []  # constants written inside a moment (`Var(aX + b)`)
        self.outside: list[str] = []  # constants written outside every moment
        self.moments = 0
        self.defined: list[str] = []  # names the document binds: they keep a statement from being refuted
        self.bound: dict[str, Pmf] = {}  # indices of the sums being read, and their pmf
        self.pmf: Pmf | None = None

    def side(self, node: ast.Expr) -> Term:
        term = self.read(node, inside=False)
        if term.random:
            raise Unreadable("a random quantity, not a number")
        return term

    def read(self, node: ast.Expr, inside: bool) -> Term:
        if isinstance(node, ast.Number):
            return Term("num", value=float(node.value))
        if isinstance(node, ast.Symbol):
            return self._symbol(node, inside)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, inside)
        if isinstance(node, ast.Expectation):
            if node.under is not None:
                raise Unreadable("an expectation under a stated distribution")
            return self._moment("E", (node.body,))
        if isinstance(node, ast.Apply):
            return self._apply(node, inside)
        if isinstance(node, ast.Juxt):
            return self._juxt(node, inside)
        if isinstance(node, ast.BinOp):
            return self._binop(node, inside)
        if isinstance(node, ast.Neg):
            return Term("neg", (self.read(node.operand, inside),))
        if isinstance(node, ast.Frac):
            return Term("/", (self.read(node.numerator, inside), self.read(node.denominator, inside)))
        if isinstance(node, ast.Sqrt) and node.index is None:
            return Term("sqrt", (self.read(node.radicand, inside),))
        if isinstance(node, ast.Abs):
            return Term("abs", (self.read(node.body, inside),))
        if isinstance(node, ast.BigOp):
            return self._sum(node)
        if isinstance(node, ast.Power):
            exponent = self.read(node.exponent, inside)
            if exponent.random:
                raise Unreadable("a random exponent")
            return Term("^", (self.read(node.base, inside), exponent))
        raise Unreadable(type(node).__name__)

    def _symbol(self, node: ast.Symbol, inside: bool) -> Term:
        name = display_name(node)
        if name in self.words.random:
            return self._variable(node, name, inside)
        if node.name == "\\pi" or (node.name == "e" and node.font in ("rm", None)):
            return Term("num", value=3.141592653589793 if node.name == "\\pi" else 2.718281828459045)
        if node.font is not None or node.accents or node.is_word or node.name in ("\\infty", "\\mu", "\\sigma"):
            raise Unreadable(name)
        if node.name.isupper() and len(node.name) == 1:
            raise Unreadable(f"{name}, a capital the document never calls a random variable")
        return self._constant(node, name, inside)

    def _variable(self, node: ast.Expr, name: str, inside: bool) -> Term:
        if self.substitute and self.table is not None:
            found = self.table.lookup("symbol", node, self.order)
            if found is not None and self.order - found.order <= NEAR:
                inner = Reader(self.words, found.tex, self.table, found.order)
                term = inner.read(found.body, inside)
                if not term.random:
                    raise Unreadable(f"{name} defined as a number")
                for names, more in ((self.random, inner.random), (self.inside, inner.inside),
                                    (self.outside, inner.outside)):
                    for n in more:
                        _add(names, n)
                _add(self.uses, f"{name} from {found.label or display_name(found.head) + ' = ' + found.tex}")
                return term
        self._undefined(node)
        _add(self.random, name)
        return Term("rv", name=name)

    def _constant(self, node: ast.Expr, name: str, inside: bool) -> Term:
        self._undefined(node)
        _add(self.inside if inside else self.outside, name)
        return Term("const", name=name)

    def _undefined(self, node: ast.Expr) -> None:
        """A letter the document defines (`Y = aX + b`) may be sampled freely to verify (what holds for every
        `Y` holds for that one), never to refute."""
        if self.table is None:
            return
        for kind in ("symbol", "function"):
            found = self.table.lookup(kind, node, self.order)  # type: ignore[arg-type]
            # A definition made in passing in running prose (`consider $Y = aX + b$`) binds only nearby.
            if found is not None and (not found.inline or self.order - found.order <= NEAR):
                _add(self.defined, display_name(node))

    def _notation(self, node: ast.Expr) -> None:
        """`\\mu_X = a`, `\\mu_X = \\mu_Y = 0` stated before: the notation is bound to a value or a condition,
        so the statement may be verified but not refuted."""
        if self.table is None:
            return
        found = self.table.lookup("symbol", node, self.order)
        if found is not None and not any(_operator_args(n) for n in found.body.walk()):
            _add(self.defined, display_name(node))

    def _sum(self, node: ast.BigOp) -> Term:
        """`\\sum_{i, j} (x_i - \\mu_X)(y_j - \\mu_Y) p_{ij}`: a sum over a stated pmf's indices, every one."""
        if node.op != "sum" or node.lower is not None or node.upper is not None or node.domain is not None:
            raise Unreadable("a sum with a range")
        index = node.index
        items = index.items if isinstance(index, ast.Tuple) else (index,)
        letters = [i.name for i in items if isinstance(i, ast.Symbol) and i.font is None and not i.accents]
        fitting = [p for p in self.words.pmfs if set(letters) <= set(p.indices)]
        pmf = min(fitting, key=lambda p: len(p.indices), default=None)  # `\\sum_i x_i p_i`: X's own pmf
        if pmf is None or len(letters) != len(items) or set(letters) & set(self.bound) \
                or (self.pmf is not None and self.pmf != pmf):
            raise Unreadable("a sum over no stated pmf")
        self.pmf = pmf
        self.moments += 1
        self.bound.update((i, pmf) for i in letters)
        try:
            body = self.read(node.body, inside=True)
        finally:
            for i in letters:
                del self.bound[i]
        return Term("sum", (body,), name=",".join(letters))

    def _pmf_leaf(self, node: ast.Subscript) -> Term | None:
        """`x_i`, `y_j`, `p_{ij}` inside a sum over the pmf: a value at an index, a probability."""
        base, index = node.base, node.index
        if not isinstance(base, ast.Symbol) or base.font is not None or base.accents:
            return None
        pmfs = [p for p in self.words.pmfs if base.name in p.values or base.name == p.probability]
        if not pmfs:
            return None
        items = index.items if isinstance(index, ast.Tuple) else index.factors if isinstance(index, ast.Juxt) \
            else (index,)
        letters = [i.name if isinstance(i, ast.Symbol) else "" for i in items]
        if not letters or any(i not in self.bound for i in letters):
            raise Unreadable(f"{display_name(node)} outside a sum over its pmf")
        pmf = self.bound[letters[0]]
        if base.name == pmf.probability:
            if len(letters) != len(pmf.variables):
                raise Unreadable("a probability with the wrong number of indices")
            return Term("prob", name=",".join(letters))
        if base.name not in pmf.values or len(letters) != 1:
            raise Unreadable(display_name(node))
        variable = pmf.variables[pmf.values.index(base.name)]
        _add(self.random, variable)
        return Term("value", name=f"{variable}@{letters[0]}")

    def _subscript(self, node: ast.Subscript, inside: bool) -> Term:
        leaf = self._pmf_leaf(node)
        if leaf is not None:
            return leaf
        base = node.base
        if isinstance(base, ast.Symbol) and base.name in ("\\mu", "\\sigma") and not base.accents \
                and any(True for _ in _capitals(node.index)):
            index = node.index
            if isinstance(index, ast.Juxt) and all(_is_capital(f) for f in index.factors):
                raise Unreadable("a subscript of several variables (a covariance or a product)")
            self._notation(node)
            return self._moment("E" if base.name == "\\mu" else "sd", (index,))
        if isinstance(base, ast.Symbol) and isinstance(node.index, ast.Number | ast.Symbol):
            name = display_name(node)
            if name in self.words.random:
                return self._variable(node, name, inside)
            if base.font is None and not base.accents and not base.is_word and not base.name.isupper() \
                    and base.name not in ("\\mu", "\\sigma", "\\rho", "e"):
                return self._constant(node, name, inside)
        raise Unreadable(display_name(node))

    def _moment(self, op: str, args: tuple[ast.Expr, ...]) -> Term:
        self.moments += 1
        terms = tuple(self.read(a, inside=True) for a in args)
        if not any(t.random for t in terms):
            raise Unreadable("a moment of something that is not random")
        return Term(op, terms)

    def _apply(self, node: ast.Apply, inside: bool) -> Term:
        function = node.function
        if not isinstance(function, ast.Symbol) or function.accents:
            raise Unreadable("a function")
        name, n = function.name, len(node.args)
        if name in self.words.undefined_operators:
            raise Unreadable(f"{name}, which the document defines itself")
        if name in EXPECTATION_NAMES and function.font in _UPRIGHT and n == 1:
            return self._moment("E", node.args)
        if name in VARIANCE_NAMES and function.font in _WORD_FONTS and n == 1:
            return self._moment("Var", node.args)
        if name in COVARIANCE_NAMES and function.font in _WORD_FONTS and n == 2:
            return self._covariance("Cov", node.args)
        if display_name(function) in self.words.correlation and n == 2 \
                and (function.font in _WORD_FONTS or name == "\\rho"):
            return self._covariance("corr", node.args)
        if name in DEVIATION_NAMES and function.font in _WORD_FONTS and n == 1:
            return self._moment("sd", node.args)
        if name in SIGN_NAMES and function.font in _WORD_FONTS and n == 1:
            return Term("sign", (self.read(node.args[0], inside),))
        raise Unreadable(display_name(function))

    def _covariance(self, op: str, args: tuple[ast.Expr, ...]) -> Term:
        self.moments += 1
        terms = tuple(self.read(a, inside=True) for a in args)
        if not all(t.random for t in terms):
            raise Unreadable("a covariance with a constant")
        return Term(op, terms)

    def _juxt(self, node: ast.Juxt, inside: bool) -> Term:
        factors = list(node.factors)
        terms: list[Term] = []
        k = 0
        while k < len(factors):
            factor = factors[k]
            if _is_e(factor) and factor.name not in self.words.undefined_operators:  # type: ignore[attr-defined]
                if k + 1 >= len(factors) or opening(self.tex, factor, factors[k + 1]) not in ("(", "["):
                    raise Unreadable("E without a bracketed argument")
                terms.append(self._expectation(factor, factors[k + 1]))
                k += 2
                continue
            if _is_bb_v(factor) and k + 1 < len(factors) and opening(self.tex, factor, factors[k + 1]) == "[":
                terms.append(self._moment("Var", (factors[k + 1],)))  # `\\mathbb{V}[X]`
                k += 2
                continue
            terms.append(self.read(factor, inside))
            k += 1
        return Term("*", tuple(terms)) if len(terms) > 1 else terms[0]

    def _expectation(self, head: ast.Expr, arg: ast.Expr) -> Term:
        """`E[U^2]`, or `E[U]^2`: the parser hangs the power on the bracket's content, so the brackets
        written before the exponent decide which it is."""
        if isinstance(arg, ast.Power) and arg.exponent.span != (0, 0):
            before = self.tex[head.span[1]:arg.exponent.span[0]]
            if _depth(before) == 0:
                exponent = self.read(arg.exponent, inside=False)
                if exponent.random:
                    raise Unreadable("a random exponent")
                return Term("^", (self._moment("E", (arg.base,)), exponent))
            if _depth(before) < 0:
                raise Unreadable("brackets that do not match")
        return self._moment("E", (arg,))

    def _binop(self, node: ast.BinOp, inside: bool) -> Term:
        left, right = self.read(node.left, inside), self.read(node.right, inside)
        if node.op == "+":
            return Term("+", (left, right))
        if node.op == "-":
            return Term("+", (left, Term("neg", (right,))))
        if node.op in ("cdot", "times", "*"):
            return Term("*", (left, right))
        if node.op == "/":
            return Term("/", (left, right))
        raise Unreadable(node.op)


def _depth(text: str) -> int:
    """Brackets opened and not closed in `text`."""
    return sum(text.count(c) for c in "([") - sum(text.count(c) for c in ")]")


def _add(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)


def read_pair(left: ast.Expr, right: ast.Expr, tex: str, words: MomentVocabulary, context: str,
              table: DefinitionTable | None = None, order: int = 0) -> MomentStep | None:
    """`left = right` as a statement about moments, or None when some part of it is outside this reading.
    `context`: the prose around it (the sentence, or the lines before a display)."""
    if not words:
        return None
    reader = Reader(words, tex, table, order)
    try:
        lhs, rhs = reader.side(left), reader.side(right)
    except Unreadable:
        return None
    if not reader.moments or not reader.random:
        return None
    said = read_context(context)
    # `Var(X) = 8p`: a constant only outside every moment describes one distribution; a letter the document
    # binds may not be sampled freely to refute, unless the sentence takes it anew ("for any random
    # variables $X, Y$ and numbers $a$ and $b$").
    bound = set(reader.defined) - introduced(context)
    # A sum over a stated pmf against a moment is general by its form: the pmf is any pmf.
    general = said.general or (reader.pmf is not None and any(t.op == "sum" for t in lhs.walk())
                               != any(t.op == "sum" for t in rhs.walk()))
    refutable = general and said.conditions_read and not bound and not set(reader.outside) - set(reader.inside)
    if not (_has_moment(lhs) and _has_moment(rhs)):
        refutable = False  # `Cov(X, Y) = 0`: true of some distributions, a claim about those the text means
    if reader.pmf is not None and set(reader.random) - set(reader.pmf.variables):
        return None
    independent = said.independent
    substituted: tuple[Term, Term] | None = None
    uses: tuple[str, ...] = ()
    if reader.defined and table is not None:
        again = Reader(words, tex, table, order, substitute=True)
        try:
            substituted = (again.side(left), again.side(right))
            uses = tuple(again.uses)
        except Unreadable:
            pass
        if substituted is not None and not uses:
            substituted = None
        reader.random += [n for n in again.random if n not in reader.random]
        reader.inside += [n for n in again.inside if n not in reader.inside]
        reader.outside += [n for n in again.outside if n not in reader.outside]
    constants = tuple(dict.fromkeys(reader.inside + reader.outside))
    centered = tuple(v for v in reader.random if v in said.centered)
    return MomentStep(lhs, rhs, tuple(reader.random), constants, independent, refutable,
                      (_written(tex, left), _written(tex, right)), reader.pmf, centered, substituted, uses)


_DEFINING = re.compile(r"\bdefin|\bdenote|\bwe (?:call|write)\b", re.I)


def restates(lhs: ast.Expr, words: MomentVocabulary, order: int, lead_in: str) -> bool:
    """`\\rho(X, Y) = ...` reads as a definition of rho; it is a claim where the document applied rho before
    and the prose does not introduce it as a definition ("we see that this is")."""
    if not isinstance(lhs, ast.Apply) or not isinstance(lhs.function, ast.Symbol) or _DEFINING.search(lead_in):
        return False
    name = display_name(lhs.function)
    known = name in words.correlation or lhs.function.name in VARIANCE_NAMES | COVARIANCE_NAMES
    return known and words.used_before(name, order)


def _has_moment(term: Term) -> bool:
    return any(t.op in MOMENTS or t.op == "sum" for t in term.walk())


def _written(tex: str, node: ast.Expr) -> str:
    start, end = node.span
    text = tex[start:end] if tex and 0 <= start < end <= len(tex) else ""
    return text.strip() or display_name(node)


# -- what the prose says about the claim ------------------------------------------------------------------

_INDEPENDENT = re.compile(r"(?<!not )\bindependent\b", re.I)
_UNIVERSAL = re.compile(r"\b(any|all|every|arbitrary|always|in general)\b", re.I)
_CONDITION_WORDS = re.compile(
    r"uncorrelated|gaussian|normal|bernoulli|binomial|poisson|uniform|exponential|geometric|positive|negative|"
    r"non-?zero|zero[- ]mean|mean zero|centered|centred|standardi[sz]ed|identically|i\.i\.d|\biid\b|"
    r"conditional|\bgiven\b|constant|symmetric|bounded|finite variance|unit variance|not independent|dependent",
    re.I)
_INLINE = re.compile(r"\$([^$]+)\$")
_NAMES_ONLY = re.compile(r"^\s*(?:\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?\s*(?:,|\\text\{\s*and\s*\})?\s*)+$")


_INTRODUCED = re.compile(r"(?:random\s+variables?|numbers?|constants?|scalars?|reals?)\s*"
                         r"((?:\$[^$]+\$(?:\s*(?:,|and)\s*)?)+)", re.I)


def introduced(text: str) -> set[str]:
    """The letters a sentence introduces as arbitrary: "for any random variables $X, Y$ and numbers $a$"."""
    out: set[str] = set()
    for match in _INTRODUCED.finditer(text):
        for tex in re.findall(r"\$([^$]+)\$", match.group(1)):
            out.update(re.findall(r"(?<![\\A-Za-z])([A-Za-z])(?![A-Za-z])", tex))
    return out


@dataclass(frozen=True)
class Context:
    """What the prose around a claim says about it."""

    independent: bool  # the variables are independent: each is drawn on its own
    general: bool  # stated for any random variables ("for any", "for all", "in general")
    conditions_read: bool  # no distribution or condition named in words, and every formula in it understood
    centered: frozenset[str] = frozenset()  # variables given mean zero (`\mu_X = \mu_Y = 0`)


_MEAN = r"(?:\\mu_\{?[A-Z]\}?|(?:\\mathbb\{E\}|E)\s*\[\s*[A-Z]\s*\])"
_CENTERING = re.compile(rf"^\s*{_MEAN}(?:\s*=\s*{_MEAN})*\s*=\s*0\s*$")


def read_context(text: str) -> Context:
    """The prose around a claim: independence is sampled as such; a claim may be refuted only when the prose
    states it generally ("for any random variables X, Y"), names no distribution or condition in words, and
    holds no other formula than lists of names and means set to zero (which are applied)."""
    independent = bool(_INDEPENDENT.search(text)) and "dependent" not in _INDEPENDENT.sub("", text).lower()
    words = _CONDITION_WORDS.search(_INDEPENDENT.sub("", text)) is None
    centered: set[str] = set()
    understood = True
    for tex in _INLINE.findall(text):
        if _NAMES_ONLY.match(tex):
            continue
        if _CENTERING.match(tex):
            centered.update(re.findall(r"[A-Z]", re.sub(r"\\mathbb\{E\}", "", tex)))
            continue
        understood = False
    return Context(independent, bool(_UNIVERSAL.search(text)), words and understood, frozenset(centered - {"E"}))
